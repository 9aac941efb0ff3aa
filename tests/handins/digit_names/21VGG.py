# 21 VGG —— 作业
from torch import nn


def vgg_block(num_convs, in_channels, out_channels):
    blk = []
    for i in range(num_convs):
        if i == 0:
            blk.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        else:
            blk.append(nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1))
        blk.append(nn.ReLU())
    blk.append(nn.MaxPool2d(kernel_size=2, stride=2))  # 这里会使宽高减半
    return nn.Sequential(*blk)


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    net = nn.Sequential()
    for i, (num_convs, out_channels) in enumerate(conv_arch):
        net.add_module("vgg_block_" + str(i + 1), vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    fc_features = in_channels * (input_size // 2 ** len(conv_arch)) ** 2
    net.add_module("fc", nn.Sequential(nn.Flatten(),
                                       nn.Linear(fc_features, hidden), nn.ReLU(), nn.Dropout(dropout),
                                       nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
                                       nn.Linear(hidden, num_classes)))
    return net
