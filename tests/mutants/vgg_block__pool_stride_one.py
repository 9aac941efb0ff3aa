"""Max-pool with stride 1: the map is not halved."""
from torch import nn

TASK, EXPECT = "vgg_block", "stride should be 2"


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=1))
    return nn.Sequential(*layers)
