# 由 `python -m grader release --lang zh` 从 solutions/counting.py 生成，请勿手动编辑。
# 同学们：把每个 `raise NotImplementedError` 换成你的代码，然后运行 `pytest --submission assignments_zh --lang zh`。
"""CNN 的计数工具：输出大小、参数量、逐层输出形状和浮点运算次数（FLOPs），见 d2l-zh v2 §6.3、§7.1。"""
import torch
from torch import nn


def conv_output_size(size, kernel_size, stride=1, padding=0):
    """卷积层或汇聚层的输出沿一个轴的高（或宽）。

    书中的公式（§6.3）：floor((size + 2*padding - kernel_size) / stride) + 1。
    例如：AlexNet 的第一个卷积层作用在 224 像素上，卷积核大小 11、步幅 4、填充 1，得到 54。
    返回普通的 `int`。
    """
    # 在这里写你的代码
    raise NotImplementedError


def count_params(model):
    """`model`（一个 `nn.Module`）的可训练参数量。

    只数 `requires_grad=True` 的参数；两个层共享的参数只算一次；
    BatchNorm 的运行统计量这类缓冲区（buffer）不是参数。返回普通的 `int`。
    """
    # 在这里写你的代码
    raise NotImplementedError


def trace_shapes(model, input_shape):
    """`nn.Sequential` 中每个顶层子层的输出形状，与书中打印出来的一致。

    把 `torch.zeros(input_shape)` 依次送过每个子层，例如 AlexNet 在 (1, 1, 224, 224) 上：
        [("Conv2d", (1, 96, 54, 54)), ("ReLU", (1, 96, 54, 54)), ("MaxPool2d", (1, 96, 26, 26)), ...]
    返回由 (类名, 形状元组) 组成的列表，按顺序每个子层一项（用了两次的子层出现两次）。
    """
    # 在这里写你的代码
    raise NotImplementedError


def count_flops(model, input_shape):
    """`model` 在整个批量 `input_shape` 上前向传播的浮点运算次数（FLOPs，按 torch.utils.flop_counter 的约定）。

    只计 Conv2d 和 Linear；一次乘加算 2 个 FLOPs；偏置的加法不计。
        Conv2d: 2 * N * C_out * H_out * W_out * (C_in / groups) * kH * kW
        Linear: 2 * N * in_features * out_features
    返回普通的 `int`。
    """
    # 在这里写你的代码
    raise NotImplementedError
