"""Closed-form count that forgets groups: out × in × kH × kW."""
from torch import nn

TASK, EXPECT = "count_params", "groups ignored"


def count_params(model):
    total = 0
    for m in model.modules():
        if not any(p.requires_grad for p in m.parameters(recurse=False)):
            continue
        if isinstance(m, nn.Conv2d):
            kh, kw = m.kernel_size
            total += m.out_channels * m.in_channels * kh * kw + (m.out_channels if m.bias is not None else 0)
        else:
            total += sum(p.numel() for p in m.parameters(recurse=False))
    return total
