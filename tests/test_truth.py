"""The oracles themselves: closed forms agree with torch, and the book's published facts are re-derived."""
import pytest
import torch
from hypothesis import given, settings
from torch.utils.flop_counter import FlopCounterMode

from grader import netspec
from grader.checks import truth
from grader.checks.reference import book_network
from grader.checks.strategies import networks
from grader.book import BOOK_FACTS, VGG11_ARCH


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(networks())
def test_closed_form_parameter_count_matches_torch(case):
    specs, _ = case
    assert truth.trainable_params(specs) == truth.torch_trainable_params(netspec.build(specs))


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(networks())
def test_meta_trace_matches_a_real_forward(case):
    specs, input_shape = case
    model = netspec.build(specs).eval()
    x, shapes = torch.zeros(input_shape), []
    with torch.no_grad():
        for layer in model:
            x = layer(x)
            shapes.append(tuple(x.shape))
    assert [row[1] for row in truth.layer_trace(specs, input_shape)] == shapes


def test_conv_output_truth_matches_the_books_formula():
    for size, k, s, p in [(224, 11, 4, 1), (224, 11, 4, 0), (7, 2, 2, 1), (5, 5, 3, 0), (13, 4, 3, 2)]:
        assert truth.conv_output_truth(size, k, s, p) == (size + 2 * p - k) // s + 1


@pytest.mark.parametrize("name, function, kwargs", [
    ("alexnet", "alexnet", {}),
    ("vgg11", "vgg", {"conv_arch": VGG11_ARCH}),
    ("nin", "nin", {}),
])
def test_book_facts_rederived_from_the_reference(name, function, kwargs):
    """book.BOOK_FACTS (stated in the issue from torch 2.14.1) against the reference and FlopCounterMode."""
    specs = book_network(function, **kwargs)
    assert truth.trainable_params(specs) == BOOK_FACTS[name]["params"]
    rows = truth.layer_trace(specs, (1, 1, 224, 224))
    assert sum(flops for *_, flops, _ in rows) == BOOK_FACTS[name]["flops"]
    with torch.device("meta"):
        model = netspec.build(specs)
    with FlopCounterMode(display=False) as counter:  # the whole network at once agrees with the per-layer sum
        model(torch.zeros(1, 1, 224, 224, device="meta"))
    assert counter.get_total_flops() == BOOK_FACTS[name]["flops"]


def test_alexnet_flatten_width_is_6400_at_224():
    linear = next(layer for layer in book_network("alexnet") if layer["type"] == "Linear")
    assert linear["args"]["in_features"] == 256 * 5 * 5
