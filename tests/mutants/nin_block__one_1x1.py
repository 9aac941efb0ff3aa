"""Only one 1×1 conv (the forum's experiment)."""
from torch import nn

TASK, EXPECT = "nin_block", r"two 1×1 convs"


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())
