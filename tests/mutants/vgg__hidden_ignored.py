"""Ignores hidden: always 4096 units."""
from torch import nn

TASK, EXPECT = "vgg", r"Linear\(.*4096"


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    blocks = []
    for num_convs, out_channels in conv_arch:
        blocks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    side = input_size // 2 ** len(conv_arch)
    return nn.Sequential(
        *blocks, nn.Flatten(),
        nn.Linear(out_channels * side * side, 4096), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(4096, num_classes))
