import torch
from torch import nn

from .d2l import conv_relu
from d2l import train_ch6, try_gpu


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(*conv_relu(in_channels, out_channels, kernel_size=kernel_size, stride=strides,
                                    padding=padding),
                         *conv_relu(out_channels, out_channels, kernel_size=1),
                         *conv_relu(out_channels, out_channels, kernel_size=1))


def nin(in_channels=1, num_classes=10, dropout=0.5):
    from layers.pooling import halve  # an import inside a function resolves the same way when it is called
    assert halve().kernel_size == 2
    return nn.Sequential(
        nin_block(in_channels, 96, 11, 4, 0), nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, 5, 1, 2), nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, 3, 1, 1), nn.MaxPool2d(3, stride=2),
        nn.Dropout(dropout), nin_block(384, num_classes, 3, 1, 1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())


if __name__ == "__main__":
    train_ch6(nin(), None, None, 10, 0.1, try_gpu())
