"""Stores FLOPs per module in a dict: a layer used twice overwrites its own entry and counts once."""
import torch
from torch import nn

TASK, EXPECT = "count_flops", "runs twice"


def count_flops(model, input_shape):
    per_layer = {}

    def hook(layer, inputs, output):
        if isinstance(layer, nn.Conv2d):
            kh, kw = layer.kernel_size
            per_layer[layer] = 2 * output.numel() * (layer.in_channels // layer.groups) * kh * kw
        else:
            per_layer[layer] = 2 * output.numel() * layer.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(input_shape))
    for h in handles:
        h.remove()
    return sum(per_layer.values())
