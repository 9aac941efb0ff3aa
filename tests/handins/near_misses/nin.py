from torch import nn


def Nin_block(in_channels, out_channels, padding, stride, kernel_size):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, padding=padding, stride=stride, kernel_size=kernel_size), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


def nin(in_channels=1, num_classes=10, dropout=0.5):
    return nn.Sequential(
        Nin_block(in_channels, 96, stride=4, kernel_size=11, padding=0), nn.MaxPool2d(kernel_size=3, stride=2),
        Nin_block(96, 256, stride=1, kernel_size=5, padding=2), nn.MaxPool2d(kernel_size=3, stride=2),
        Nin_block(256, 384, stride=1, kernel_size=3, padding=1), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Dropout(dropout),
        Nin_block(384, num_classes, stride=1, kernel_size=3, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
