"""Class-based AlexNet whose forward forgets the ReLU after conv3."""
# style: {"module": "alexnet", "tasks": ["alexnet"], "expect": "after `conv3` \\(Conv2d\\(256→384, k=3, p=1\\)\\) your network has no ReLU"}
import torch.nn.functional as F
from torch import nn


class AlexNet(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=224, dropout=0.5):
        super().__init__()
        side = (input_size + 2 - 11) // 4 + 1
        for _ in range(3):
            side = (side - 3) // 2 + 1
        self.conv1 = nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1)
        self.conv2 = nn.Conv2d(96, 256, kernel_size=5, padding=2)
        self.conv3 = nn.Conv2d(256, 384, kernel_size=3, padding=1)
        self.conv4 = nn.Conv2d(384, 384, kernel_size=3, padding=1)
        self.conv5 = nn.Conv2d(384, 256, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(3, 2)
        self.fc1, self.fc2 = nn.Linear(256 * side * side, 4096), nn.Linear(4096, 4096)
        self.fc3 = nn.Linear(4096, num_classes)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = self.conv3(x)
        x = F.relu(self.conv4(x))
        x = self.pool(F.relu(self.conv5(x)))
        x = x.flatten(1)
        x = self.drop(F.relu(self.fc1(x)))
        x = self.drop(F.relu(self.fc2(x)))
        return self.fc3(x)


def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):
    return AlexNet(in_channels, num_classes, input_size, dropout)
