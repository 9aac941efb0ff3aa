"""Counting helpers — parameters named my way, some in another order."""
import torch
from torch import nn


def conv_output_size(input_size, kernel, padding=0, stride=1):
    return (input_size + 2 * padding - kernel) // stride + 1


def count_params(net):
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


def trace_shapes(net, shape):
    x = torch.zeros(*shape)
    rows = []
    for block in net:
        x = block(x)
        rows.append((type(block).__name__, tuple(x.shape)))
    return rows


def count_flops(network, x_shape):
    flops = 0
    x = torch.zeros(x_shape)
    with torch.no_grad():
        for layer in network:
            y = layer(x)
            if isinstance(layer, nn.Conv2d):
                k_h, k_w = layer.kernel_size
                flops += 2 * y.numel() * k_h * k_w * layer.in_channels // layer.groups
            elif isinstance(layer, nn.Linear):
                flops += 2 * y.numel() * layer.in_features
            x = y
    return flops
