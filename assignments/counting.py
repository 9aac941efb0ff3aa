# Generated from solutions/counting.py by `python -m grader release` — do not edit by hand.
# Students: replace each `raise NotImplementedError` with your code, then run `pytest`.
"""Counting tools for CNNs: output sizes, parameters, per-layer shapes and FLOPs (d2l-zh v2 §6.3, §7.1)."""
import torch
from torch import nn


def conv_output_size(size, kernel_size, stride=1, padding=0):
    """Height (or width) of a convolution's or pooling's output along one axis.

    The book's formula (§6.3): floor((size + 2*padding - kernel_size) / stride) + 1.
    Example: AlexNet's first conv on 224 pixels, kernel 11, stride 4, padding 1 gives 54.
    Returns a plain `int`.
    """
    # your code here
    raise NotImplementedError


def count_params(model):
    """Number of trainable parameters of `model` (an `nn.Module`).

    Counts parameters with `requires_grad=True`; a parameter shared by two layers is counted once;
    buffers such as BatchNorm's running statistics are not parameters. Returns a plain `int`.
    """
    # your code here
    raise NotImplementedError


def trace_shapes(model, input_shape):
    """Output shape of each top-level layer of an `nn.Sequential`, as in the book's printout.

    Feeds `torch.zeros(input_shape)` through the children one by one, e.g. for AlexNet on (1, 1, 224, 224):
        [("Conv2d", (1, 96, 54, 54)), ("ReLU", (1, 96, 54, 54)), ("MaxPool2d", (1, 96, 26, 26)), ...]
    Returns a list of (class name, shape tuple) pairs, one per child in order (a child used twice
    appears twice).
    """
    # your code here
    raise NotImplementedError


def count_flops(model, input_shape):
    """Forward FLOPs of `model` for a whole batch of `input_shape` (torch.utils.flop_counter convention).

    Only Conv2d and Linear count; a multiply-add is 2 FLOPs; bias additions are not counted.
        Conv2d: 2 * N * C_out * H_out * W_out * (C_in / groups) * kH * kW
        Linear: 2 * N * in_features * out_features
    Returns a plain `int`.
    """
    # your code here
    raise NotImplementedError
