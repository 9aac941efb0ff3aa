from torch import nn


# as on the forum: the same parameters in another order, and `stride` as nn.Conv2d spells it
def nin_block(in_channels, out_channels, padding, stride, kernel_size):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, padding=padding, stride=stride, kernel_size=kernel_size), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


def nin(num_classes=10, in_channels=1, dropout=0.5):
    return nn.Sequential(
        nin_block(in_channels, 96, stride=4, kernel_size=11, padding=0), nn.MaxPool2d(kernel_size=3, stride=2),
        nin_block(96, 256, stride=1, kernel_size=5, padding=2), nn.MaxPool2d(kernel_size=3, stride=2),
        nin_block(256, 384, stride=1, kernel_size=3, padding=1), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Dropout(dropout),
        nin_block(384, num_classes, stride=1, kernel_size=3, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
