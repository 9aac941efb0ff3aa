"""VGG as d2l-en writes it: nn.LazyConv2d / nn.LazyLinear (shapes inferred on first use), behind the contract."""
# style: {"module": "vgg", "tasks": ["vgg_block", "vgg"], "expect": null}
from torch import nn


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.LazyConv2d(out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    conv_blks = []
    for (num_convs, out_channels) in conv_arch:
        conv_blks.append(vgg_block(num_convs, in_channels, out_channels))
    return nn.Sequential(
        *conv_blks, nn.Flatten(),
        nn.LazyLinear(hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.LazyLinear(hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.LazyLinear(num_classes))
