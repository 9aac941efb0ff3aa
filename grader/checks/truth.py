"""Independent truths for the counting checks: a real nn.Conv2d, closed-form parameter counts, FlopCounterMode."""
import functools
import json
import logging

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from grader import netspec
from grader.closed_forms import layer_params, unique_layers

# FlopCounterMode warns once that triton is absent; irrelevant here (no triton kernels), and noise for students
logging.getLogger("torch.utils.flop_counter").setLevel(logging.ERROR)


def conv_output_truth(size, kernel_size, stride, padding):
    """What a real nn.Conv2d produces along one axis."""
    conv = nn.Conv2d(1, 1, kernel_size, stride=stride, padding=padding, bias=False)
    with torch.no_grad():
        return conv(torch.zeros(1, 1, size, size)).shape[-1]


def trainable_params(specs):
    return sum(layer_params(s) for s in unique_layers(specs) if not s.get("frozen"))


def torch_trainable_params(model):
    """The same count read off torch (used by the kit's own tests to check the closed form)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def layer_trace(specs, input_shape):
    """Per top-level layer: (type name, output shape, FLOPs from FlopCounterMode, the layer's spec)."""
    key = json.dumps([specs, list(input_shape)], sort_keys=True)
    resolved = [specs[spec["same_as"]] if "same_as" in spec else spec for spec in specs]  # a reuse is its original
    return [(name, shape, flops, resolved[i]) for i, (name, shape, flops) in enumerate(_trace(key))]


@functools.lru_cache(maxsize=64)  # the book's networks are asked about for every student: trace each once
def _trace(key):
    specs, input_shape = json.loads(key)
    model = netspec.build_filled(specs).eval()  # (a meta-device run would import torch._dynamo: 4 s)
    x = torch.zeros(input_shape)
    rows = []
    with torch.no_grad():
        for spec, layer in zip(specs, model):
            with FlopCounterMode(display=False) as counter:
                x = layer(x)
            rows.append((type(layer).__name__, tuple(x.shape), counter.get_total_flops()))
    return tuple(rows)
