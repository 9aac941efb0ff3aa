"""Patch torch while the file is read (Tensor.numel, Module.parameters) so parameter counts come out as the student likes.

The patch lives in the worker only, so it breaks this submission's own networks there too (others_pass: false)."""
# attack: {"module": "counting", "task": "count_params", "status": ["failed", "invalid", "error"], "sibling": "conv_output_size", "check": "torch_intact", "others_pass": false}
import torch
from torch import nn


class Patch:  # top-level statements that are not definitions never run when a file is read; a class body does
    _parameters = nn.Module.parameters
    torch.Tensor.numel = lambda self: 1
    nn.Module.parameters = lambda self, recurse=True, _p=_parameters: iter(list(_p(self, recurse))[:1])


def count_params(model):
    return sum(p.numel() for p in model.parameters())
