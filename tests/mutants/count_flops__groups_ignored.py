"""Uses in_channels instead of in_channels / groups."""
import torch
from torch import nn

TASK, EXPECT = "count_flops", "groups ignored"


def count_flops(model, input_shape):
    total = 0

    def hook(layer, inputs, output):
        nonlocal total
        if isinstance(layer, nn.Conv2d):
            kh, kw = layer.kernel_size
            total += 2 * output.numel() * layer.in_channels * kh * kw
        else:
            total += 2 * output.numel() * layer.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(input_shape))
    for h in handles:
        h.remove()
    return total
