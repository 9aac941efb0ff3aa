from torch import nn


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    layers = [nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU()]
    for _ in range(2):
        layers += [nn.Conv2d(out_channels, out_channels, 1), nn.ReLU()]
    return nn.Sequential(*layers)


def nin(in_channels=1, num_classes=10, dropout=0.5):
    widths = [(in_channels, 96, 11, 4, 0), (96, 256, 5, 1, 2), (256, 384, 3, 1, 1)]
    layers = []
    for args in widths:
        layers += [nin_block(*args), nn.MaxPool2d(3, stride=2)]
    layers += [nn.Dropout(dropout), nin_block(384, num_classes, 3, 1, 1),
               nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten()]
    return nn.Sequential(*layers)
