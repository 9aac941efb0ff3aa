"""No ReLU after the 1×1 convs: they collapse into one linear map."""
from torch import nn

TASK, EXPECT = "nin_block", r"ReLU is missing after a 1×1 conv"


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
        nn.Conv2d(out_channels, out_channels, kernel_size=1))
