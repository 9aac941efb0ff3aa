"""NiN with a block class (F.relu after each conv) and a network class ending in F.adaptive_avg_pool2d + flatten."""
# style: {"module": "nin", "tasks": ["nin_block", "nin"], "expect": null}
import torch
import torch.nn.functional as F
from torch import nn


class NiNBlock(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, strides, padding):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding)
        self.mlp1 = nn.Conv2d(out_channels, out_channels, 1)
        self.mlp2 = nn.Conv2d(out_channels, out_channels, 1)

    def forward(self, x):
        return F.relu(self.mlp2(F.relu(self.mlp1(F.relu(self.conv(x))))))


class NiN(nn.Module):
    def __init__(self, in_channels, num_classes, dropout):
        super().__init__()
        self.b1 = NiNBlock(in_channels, 96, 11, 4, 0)
        self.b2 = NiNBlock(96, 256, 5, 1, 2)
        self.b3 = NiNBlock(256, 384, 3, 1, 1)
        self.b4 = NiNBlock(384, num_classes, 3, 1, 1)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = F.max_pool2d(self.b1(x), 3, stride=2)
        x = F.max_pool2d(self.b2(x), 3, stride=2)
        x = self.drop(F.max_pool2d(self.b3(x), 3, stride=2))
        x = F.adaptive_avg_pool2d(self.b4(x), (1, 1))
        return torch.flatten(x, start_dim=1)


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return NiNBlock(in_channels, out_channels, kernel_size, strides, padding)


def nin(in_channels=1, num_classes=10, dropout=0.5):
    return NiN(in_channels, num_classes, dropout)
