# 由 `python -m grader release --lang zh` 从 solutions/alexnet.py 生成，请勿手动编辑。
# 同学们：把每个 `raise NotImplementedError` 换成你的代码，然后运行 `pytest --submission assignments_zh --lang zh`。
"""AlexNet：按书中的方式在 Fashion-MNIST 上训练（d2l-zh v2 §7.1，PyTorch 版）。"""
from torch import nn


def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):
    """书中的 AlexNet：五个卷积层、三个最大汇聚层，以及三个带暂退法的全连接层（Linear）。

    (N, in_channels, input_size, input_size) -> (N, num_classes)。与书中的 PyTorch 代码一样，
    第一个卷积层用 padding=1。第一个 Linear 的输入宽度由 `input_size` 算出：在 224 时，
    最后一个汇聚层输出 (N, 256, 5, 5)，所以 Flatten 得到 256*5*5 = 6400（即“为什么是 6400？”）。
    """
    # 在这里写你的代码
    raise NotImplementedError
