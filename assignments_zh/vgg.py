# 由 `python -m grader release --lang zh` 从 solutions/vgg.py 生成，请勿手动编辑。
# 同学们：把每个 `raise NotImplementedError` 换成你的代码，然后运行 `pytest --submission assignments_zh --lang zh`。
"""VGG：使用块的网络（d2l-zh v2 §7.2）。"""
from torch import nn


def vgg_block(num_convs, in_channels, out_channels):
    """`num_convs` ×（填充为 1 的 3×3 卷积层，ReLU），然后是一个步幅为 2 的 2×2 最大汇聚层。

    (N, in_channels, H, W) -> (N, out_channels, H // 2, W // 2)。只有第一个卷积层的输入通道数是
    `in_channels`；之后的每个卷积层都是 `out_channels`。
    """
    # 在这里写你的代码
    raise NotImplementedError


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    """VGG：`conv_arch` 中的每个 (num_convs, out_channels) 对应一个 `vgg_block`，之后是三个 Linear 层。

    (N, in_channels, input_size, input_size) -> (N, num_classes)。每个块把特征图的高和宽减半，所以
    展平后的宽度是 last_out_channels * (input_size // 2**len(conv_arch))**2（VGG-11 在 224 时为 512 * 7 * 7）。
    分类器：Linear -> ReLU -> Dropout -> Linear(hidden, hidden) -> ReLU -> Dropout ->
    Linear(hidden, num_classes)，未归一化的输出（logits）上不加激活函数。
    """
    # 在这里写你的代码
    raise NotImplementedError
