import random

import torch
from torch import nn

import d2l
from layers import halve
from layers.pooling import halve as pool2

random.seed(0)  # a top-level call: never run when graded


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += d2l.conv_relu(in_channels, out_channels, kernel_size=3, padding=1)
        in_channels = out_channels
    return nn.Sequential(*layers, halve())


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    random.seed(0)  # the standard library's: it must not be the student's random.py
    blocks = []
    for num_convs, out_channels in conv_arch:
        blocks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    side = input_size // 2 ** len(conv_arch)
    torch.zeros(1)  # PyTorch's, not the student's torch.py
    return nn.Sequential(*blocks, nn.Flatten(),
                         nn.Linear(in_channels * side * side, hidden), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, num_classes))
