# 由 `python -m grader release --lang zh` 从 solutions/nin.py 生成，请勿手动编辑。
# 同学们：把每个 `raise NotImplementedError` 换成你的代码，然后运行 `pytest --submission assignments_zh --lang zh`。
"""网络中的网络（NiN）：用 1×1 卷积层代替全连接层（d2l-zh v2 §7.3）。"""
from torch import nn


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    """一个卷积层（给定卷积核大小、步幅和填充），接两个 1×1 卷积层，每个卷积层后面都跟一个 ReLU。

    (N, in_channels, H, W) -> (N, out_channels, H', W')，其中 H' = (H + 2*padding - kernel_size) // strides + 1。
    两个 1×1 卷积层相当于在每个像素上作用的、带非线性的全连接层。
    """
    # 在这里写你的代码
    raise NotImplementedError


def nin(in_channels=1, num_classes=10, dropout=0.5):
    """书中的 NiN：四个 `nin_block`，其间是 3×3、步幅 2 的最大汇聚层，再加暂退法和全局平均汇聚层。

    (N, in_channels, 224, 224) -> (N, num_classes)。最后一个块有 `num_classes` 个通道，所以
    `AdaptiveAvgPool2d((1, 1))` + `Flatten` 就把它的特征图变成未归一化的输出（logits），不需要 Linear 层。
    """
    # 在这里写你的代码
    raise NotImplementedError
