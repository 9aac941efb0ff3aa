"""Multiplies by 2.0 and returns a float."""
import torch
from torch import nn

TASK, EXPECT = "count_flops", "plain int"


def count_flops(model, input_shape):
    total = 0

    def hook(layer, inputs, output):
        nonlocal total
        if isinstance(layer, nn.Conv2d):
            kh, kw = layer.kernel_size
            total += 2.0 * output.numel() * (layer.in_channels // layer.groups) * kh * kw
        else:
            total += 2.0 * output.numel() * layer.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(input_shape))
    for h in handles:
        h.remove()
    return total
