"""Class-based VGG block whose later convs still take in_channels ("does in_channels change?")."""
# style: {"module": "vgg", "tasks": ["vgg_block"], "expect": "`convs\\[1\\]` \\(Conv2d\\(128→256, k=3, p=1\\)\\), still expects in_channels=128"}
import torch.nn.functional as F
from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(in_channels, out_channels, 3, padding=1) for _ in range(num_convs)])
        self.pool = nn.MaxPool2d(2, 2)

    def forward(self, x):
        for conv in self.convs:
            x = F.relu(conv(x))
        return self.pool(x)


def vgg_block(num_convs, in_channels, out_channels):
    return VGGBlock(num_convs, in_channels, out_channels)


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    raise NotImplementedError
