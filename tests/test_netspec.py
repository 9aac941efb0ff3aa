"""Networks as plain data: descriptions ignore nesting, weights are reproducible, lazy layers are materialised."""
import numpy as np
import torch
from torch import nn

from grader import netspec
from solutions.vgg import vgg_block


def _describe(model, shape=(2, 3, 8, 8), seed=1):
    return netspec.describe_module(model, shape, seed)


def test_nesting_and_inplace_do_not_change_the_description():
    flat = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    nested = nn.Sequential(nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(inplace=True)), nn.MaxPool2d(2))
    (a, out_a), (b, out_b) = _describe(flat), _describe(nested)
    assert a["leaves"] == b["leaves"] and np.allclose(out_a, out_b)


def test_lazy_linear_is_materialised_and_described_as_linear():
    lazy = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.LazyLinear(5))
    eager = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(4 * 6 * 6, 5))
    (a, out_a), (b, out_b) = _describe(lazy), _describe(eager)
    assert a["leaves"] == b["leaves"] and torch.allclose(out_a, out_b)


def test_same_seed_same_output_in_a_fresh_build_and_different_seed_differs():
    _, first = _describe(vgg_block(2, 3, 4))
    _, again = _describe(netspec.construct(vgg_block, {"num_convs": 2, "in_channels": 3, "out_channels": 4}))
    _, other = _describe(vgg_block(2, 3, 4), seed=2)
    assert torch.equal(first, again) and not torch.allclose(first, other)


def test_a_network_that_cannot_run_is_still_described():
    broken = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Conv2d(3, 4, 3))  # second conv expects 3 channels, gets 4
    description, output = _describe(broken)
    assert output is None and "RuntimeError" in description["forward_error"]
    assert [leaf["type"] for leaf in description["leaves"]] == ["Conv2d", "Conv2d"]


def test_build_round_trips_a_description():
    model = nn.Sequential(nn.Conv2d(1, 2, 3, stride=2, groups=1, bias=False), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                          nn.Flatten(), nn.Dropout(0.3), nn.Linear(2, 3))
    description, output = _describe(model, (1, 1, 9, 9))
    rebuilt, rebuilt_output = _describe(netspec.build(description["leaves"]), (1, 1, 9, 9))
    assert rebuilt["leaves"] == description["leaves"] and torch.equal(output, rebuilt_output)


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
