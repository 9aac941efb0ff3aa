"""VGG with a block class (ModuleList of convs, F.relu), blocks in a Sequential, and reshape to flatten."""
# style: {"module": "vgg", "tasks": ["vgg_block", "vgg"], "expect": null}
import torch.nn.functional as F
from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        self.convs = nn.ModuleList()
        for i in range(num_convs):
            self.convs.append(nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 3, padding=1))
        self.pool = nn.MaxPool2d(2, 2)

    def forward(self, x):
        for conv in self.convs:
            x = F.relu(conv(x))
        return self.pool(x)


class VGG(nn.Module):
    def __init__(self, conv_arch, in_channels, num_classes, input_size, hidden, dropout):
        super().__init__()
        blocks = []
        for num_convs, out_channels in conv_arch:
            blocks.append(VGGBlock(num_convs, in_channels, out_channels))
            in_channels = out_channels
        self.blocks = nn.Sequential(*blocks)
        side = input_size // 2 ** len(conv_arch)
        self.fc1 = nn.Linear(in_channels * side * side, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, num_classes)
        self.dropout = dropout

    def forward(self, x):
        x = self.blocks(x)
        x = x.reshape(x.shape[0], -1)
        x = F.dropout(F.relu(self.fc1(x)), self.dropout, training=self.training)
        x = F.dropout(F.relu(self.fc2(x)), self.dropout, training=self.training)
        return self.out(x)


def vgg_block(num_convs, in_channels, out_channels):
    return VGGBlock(num_convs, in_channels, out_channels)


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    return VGG(conv_arch, in_channels, num_classes, input_size, hidden, dropout)
