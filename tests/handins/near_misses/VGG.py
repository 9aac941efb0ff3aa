from torch import nn


def VGG_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels
    return nn.Sequential(*layers, nn.MaxPool2d(2, 2))


class VGG:
    """My VGG builder, as a class."""

    def vgg(self, conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
        blocks = []
        for num_convs, out_channels in conv_arch:
            blocks.append(VGG_block(num_convs, in_channels, out_channels))
            in_channels = out_channels
        side = input_size // 2 ** len(conv_arch)
        return nn.Sequential(*blocks, nn.Flatten(), nn.Linear(in_channels * side * side, hidden), nn.ReLU(),
                             nn.Dropout(dropout), nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
                             nn.Linear(hidden, num_classes))
