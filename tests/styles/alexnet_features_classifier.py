"""AlexNet the torchvision way: a `features` Sequential, torch.flatten in forward, a `classifier` Sequential."""
# style: {"module": "alexnet", "tasks": ["alexnet"], "expect": null}
import torch
from torch import nn


class AlexNet(nn.Module):
    def __init__(self, in_channels, num_classes, width, dropout):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 96, 11, 4, 1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2))
        self.classifier = nn.Sequential(
            nn.Linear(width, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):
    side = (input_size + 2 * 1 - 11) // 4 + 1
    for _ in range(3):
        side = (side - 3) // 2 + 1
    return AlexNet(in_channels, num_classes, 256 * side * side, dropout)
