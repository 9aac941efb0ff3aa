"""Counts the Linear layers' weights only (in × out), as in a hand-written table; convs keep their biases."""
from torch import nn

TASK, EXPECT = "count_params", r"For the Linear layers \(not the Conv2d.*\): biases are left out"


def count_params(model):
    total = 0
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            total += layer.in_features * layer.out_features if layer.weight.requires_grad else 0
        elif not list(layer.children()):
            total += sum(p.numel() for p in layer.parameters(recurse=False) if p.requires_grad)
    return total
