"""Class-based NiN block with a single 1×1 conv (the forum's "why two 1×1 convs?" experiment)."""
# style: {"module": "nin", "tasks": ["nin_block"], "expect": "two 1×1 convs"}
import torch.nn.functional as F
from torch import nn


class NiNBlock(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, strides, padding):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding)
        self.mlp = nn.Conv2d(out_channels, out_channels, kernel_size=1)

    def forward(self, x):
        return F.relu(self.mlp(F.relu(self.conv(x))))


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return NiNBlock(in_channels, out_channels, kernel_size, strides, padding)


def nin(in_channels=1, num_classes=10, dropout=0.5):
    raise NotImplementedError
