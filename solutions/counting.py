"""Counting tools for CNNs: output sizes, parameters, per-layer shapes and FLOPs (d2l-zh v2 §6.3, §7.1)."""
import torch
from torch import nn


def conv_output_size(size, kernel_size, stride=1, padding=0):
    """Height (or width) of a convolution's or pooling's output along one axis.

    The book's formula (§6.3): floor((size + 2*padding - kernel_size) / stride) + 1.
    Example: AlexNet's first conv on 224 pixels, kernel 11, stride 4, padding 1 gives 54.
    Returns a plain `int`.
    """
    ### BEGIN SOLUTION
    return (size + 2 * padding - kernel_size) // stride + 1
    ### END SOLUTION


def count_params(model):
    """Number of trainable parameters of `model` (an `nn.Module`).

    Counts parameters with `requires_grad=True`; a parameter shared by two layers is counted once;
    buffers such as BatchNorm's running statistics are not parameters. Returns a plain `int`.
    """
    ### BEGIN SOLUTION
    # model.parameters() already yields a shared Parameter only once.
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
    ### END SOLUTION


def trace_shapes(model, input_shape):
    """Output shape of each top-level layer of an `nn.Sequential`, as in the book's printout.

    Feeds `torch.zeros(input_shape)` through the children one by one, e.g. for AlexNet on (1, 1, 224, 224):
        [("Conv2d", (1, 96, 54, 54)), ("ReLU", (1, 96, 54, 54)), ("MaxPool2d", (1, 96, 26, 26)), ...]
    Returns a list of (class name, shape tuple) pairs, one per child in order (a child used twice
    appears twice).
    """
    ### BEGIN SOLUTION
    X = torch.zeros(input_shape)
    rows = []
    with torch.no_grad():
        for layer in model:  # iterating a Sequential keeps a repeated child; .children() would not
            X = layer(X)
            rows.append((type(layer).__name__, tuple(X.shape)))
    return rows
    ### END SOLUTION


def count_flops(model, input_shape):
    """Forward FLOPs of `model` for a whole batch of `input_shape` (torch.utils.flop_counter convention).

    Only Conv2d and Linear count; a multiply-add is 2 FLOPs; bias additions are not counted.
        Conv2d: 2 * N * C_out * H_out * W_out * (C_in / groups) * kH * kW
        Linear: 2 * N * in_features * out_features
    Returns a plain `int`.
    """
    ### BEGIN SOLUTION
    total = 0

    def hook(layer, inputs, output):
        nonlocal total
        if isinstance(layer, nn.Conv2d):
            kh, kw = layer.kernel_size
            total += 2 * output.numel() * (layer.in_channels // layer.groups) * kh * kw
        elif isinstance(layer, nn.Linear):
            total += 2 * output.numel() * layer.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    try:
        with torch.no_grad():
            model(torch.zeros(input_shape))
    finally:
        for handle in handles:
            handle.remove()
    return total
    ### END SOLUTION
