"""Layers as plain data: specs build the layers they describe, weights are reproducible, feedback shows every argument."""
import torch
from torch import nn

from grader import netspec


def test_shared_and_frozen_layers_are_built_as_specified():
    specs = [{"type": "Linear", "args": {"in_features": 3, "out_features": 3, "bias": True}, "frozen": True},
             {"type": "ReLU", "args": {}}, {"same_as": 0}]
    model = netspec.build(specs)
    assert model[0] is model[2] and not any(p.requires_grad for p in model.parameters())


def test_deterministic_fill_covers_every_element_beyond_the_pool():
    tensor = netspec.deterministic_tensor((netspec.POOL * 2 + 7,), seed=3, scale=0.5)
    assert tensor.abs().max() <= 0.5 and torch.equal(tensor[:netspec.POOL], tensor[netspec.POOL:2 * netspec.POOL])
    assert torch.equal(tensor[-7:], tensor[:7])


def test_feedback_text_shows_every_pooling_difference():
    # "expected MaxPool2d(k=2, s=2), got MaxPool2d(k=2, s=2)" would contradict itself: ceil_mode and
    # dilation must show when they differ from the defaults
    from grader.feedback.format import layer
    texts = [layer(netspec.describe_layer(m)) for m in (nn.MaxPool2d(2, 2), nn.MaxPool2d(2, 2, ceil_mode=True),
                                                        nn.MaxPool2d(2, 2, dilation=2), nn.MaxPool2d(3, 2, 1))]
    assert texts == ["MaxPool2d(k=2, s=2)", "MaxPool2d(k=2, s=2, ceil_mode=True)", "MaxPool2d(k=2, s=2, dilation=2)",
                     "MaxPool2d(k=3, s=2, p=1)"]


def test_a_layer_description_rebuilds_the_same_layer():
    layers = [nn.Conv2d(1, 2, 3, stride=2, groups=1, bias=False), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
              nn.Dropout(0.3), nn.Linear(2, 3), nn.AvgPool2d(3, 2, 1, count_include_pad=False), nn.BatchNorm2d(4)]
    for layer in layers:
        spec = netspec.describe_layer(layer)
        assert netspec.describe_layer(netspec.build_layer(spec)) == spec
