"""AlexNet as a class, as study notes write it: layers declared fc-first, F.relu and F.max_pool2d in forward, view."""
# style: {"module": "alexnet", "tasks": ["alexnet"], "expect": null}
import torch.nn.functional as F
from torch import nn


class AlexNet(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=224, dropout=0.5):
        super().__init__()
        side = (input_size + 2 - 11) // 4 + 1
        for _ in range(3):
            side = (side - 3) // 2 + 1
        self.fc1 = nn.Linear(256 * side * side, 4096)
        self.fc2 = nn.Linear(4096, 4096)
        self.fc3 = nn.Linear(4096, num_classes)
        self.conv1 = nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1)
        self.conv2 = nn.Conv2d(96, 256, kernel_size=5, padding=2)
        self.conv3 = nn.Conv2d(256, 384, kernel_size=3, padding=1)
        self.conv4 = nn.Conv2d(384, 384, kernel_size=3, padding=1)
        self.conv5 = nn.Conv2d(384, 256, kernel_size=3, padding=1)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), kernel_size=3, stride=2)
        x = F.max_pool2d(F.relu(self.conv2(x)), kernel_size=3, stride=2)
        x = F.relu(self.conv3(x))
        x = F.relu(self.conv4(x))
        x = F.max_pool2d(F.relu(self.conv5(x)), kernel_size=3, stride=2)
        x = x.view(x.size(0), -1)
        x = self.drop(F.relu(self.fc1(x)))
        x = self.drop(F.relu(self.fc2(x)))
        return self.fc3(x)


def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):
    return AlexNet(in_channels, num_classes, input_size, dropout)
