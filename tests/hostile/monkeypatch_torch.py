"""Patch torch at import (Tensor.numel, Module.parameters) so parameter counts come out as the student likes.

The patch lives in the worker only, so it breaks this submission's own networks there too (others_pass: false)."""
# attack: {"module": "counting", "task": "count_params", "status": ["failed", "invalid", "error"], "sibling": "conv_output_size", "check": "torch_intact", "others_pass": false}
import torch
from torch import nn

torch.Tensor.numel = lambda self: 1
_parameters = nn.Module.parameters
nn.Module.parameters = lambda self, recurse=True: iter(list(_parameters(self, recurse))[:1])


def count_params(model):
    return sum(p.numel() for p in model.parameters())
