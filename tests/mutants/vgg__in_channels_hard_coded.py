"""Copies the book's `in_channels = 1` into vgg: a 3-channel input is never asked for."""
from torch import nn

TASK, EXPECT = "vgg", "in_channels=3 was asked for"


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    blocks = []
    in_channels = 1
    for num_convs, out_channels in conv_arch:
        blocks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    side = input_size // 2 ** len(conv_arch)
    return nn.Sequential(
        *blocks, nn.Flatten(),
        nn.Linear(out_channels * side * side, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, num_classes))
