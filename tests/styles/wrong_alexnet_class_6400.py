"""Class-based AlexNet with the flatten width typed in (6400) and torch.flatten in forward."""
# style: {"module": "alexnet", "tasks": ["alexnet"], "expect": "`fc1` \\(Linear\\(6400→4096\\)\\) expects 6400 inputs, but `torch.flatten` in forward gives 256 at input_size=65 \\(flattening with `torch.flatten` is fine\\)"}
import torch
from torch import nn


class AlexNet(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 96, 11, 4, 1), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2))
        self.fc1 = nn.Linear(6400, 4096)
        self.fc2 = nn.Linear(4096, 4096)
        self.fc3 = nn.Linear(4096, num_classes)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        x = self.drop(torch.relu(self.fc1(x)))
        x = self.drop(torch.relu(self.fc2(x)))
        return self.fc3(x)


def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):
    return AlexNet(in_channels, num_classes, dropout)
