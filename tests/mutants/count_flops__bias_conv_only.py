"""Adds the bias additions for the convolutions only (the Linear layers are counted without them)."""
import torch
from torch import nn

TASK, EXPECT = "count_flops", r"For the Conv2d layers \(not the Linear ones\): you counted the bias additions"


def count_flops(model, input_shape):
    total = 0
    x = torch.zeros(input_shape)
    with torch.no_grad():
        for layer in model:
            y = layer(x)
            if isinstance(layer, nn.Conv2d):
                kh, kw = layer.kernel_size
                macs = y.numel() * (layer.in_channels // layer.groups) * kh * kw
                total += 2 * macs + (y.numel() if layer.bias is not None else 0)  # w·x + b: one more add
            elif isinstance(layer, nn.Linear):
                total += 2 * y.numel() * layer.in_features
            x = y
    return total
