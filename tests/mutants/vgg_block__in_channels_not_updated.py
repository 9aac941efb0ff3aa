"""Every conv of the block takes in_channels: the second conv still expects in_channels."""
from torch import nn

TASK, EXPECT = "vgg_block", "still expects in_channels"


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)
