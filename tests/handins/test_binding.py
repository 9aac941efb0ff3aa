"""Calls bind to the student's signature as Python would for the book's: names (with aliases) win over positions,
positions pair up the rest, a missing parameter may stand for the assignment's default; otherwise one clear message.
The notebook check cell binds and explains the same way."""
import inspect

import pytest

from grader.checks.alexnet import check_alexnet
from grader.checks.nin import check_nin_block
from grader import spec
from grader.submission.base import call
from grader.submission.binding import CannotBind, bind, contract_text
from grader.submission.namespace import NamespaceSubmission
from tests.handins import HANDINS


def test_the_assignments_signatures_are_the_reference_solutions():
    """Every task's declared signature (grader/catalog) is its reference function's (the independent source)."""
    for task in spec.tasks():
        params = inspect.signature(spec.reference_function(task.name)).parameters.values()
        assert task.signature == tuple((p.name,) if p.default is p.empty else (p.name, p.default)
                                       for p in params), task.name


BLOCK = {"in_channels": 1, "out_channels": 96, "kernel_size": 11, "strides": 4, "padding": 0}


@pytest.mark.parametrize("source, expected", [
    # the first edition's `stride`, the forum's order, renamed positions, aliases, keyword-only, *args, **kwargs
    ("def f(in_channels, out_channels, kernel_size, stride, padding): pass",
     {"in_channels": 1, "out_channels": 96, "kernel_size": 11, "stride": 4, "padding": 0}),
    ("def f(in_channels, out_channels, padding, stride, kernel_size): pass",
     {"in_channels": 1, "out_channels": 96, "padding": 0, "stride": 4, "kernel_size": 11}),
    ("def f(i, o, k, s, p): pass", {"i": 1, "o": 96, "k": 11, "s": 4, "p": 0}),
    ("def f(input_channels, num_channels, kernel_size, strides, padding): pass",
     {"input_channels": 1, "num_channels": 96, "kernel_size": 11, "strides": 4, "padding": 0}),
    ("def f(in_channels, out_channels, *, kernel_size, strides, padding): pass", BLOCK),
    ("def f(*args): pass", {"args": (1, 96, 11, 4, 0)}),
    ("def f(**kwargs): pass", {"kwargs": BLOCK}),
])
def test_names_win_over_positions(source, expected):
    namespace = {}
    exec(source, namespace)  # noqa: S102
    args, kwargs = bind(namespace["f"], "nin_block", BLOCK)
    assert dict(inspect.signature(namespace["f"]).bind(*args, **kwargs).arguments) == expected


def test_a_missing_parameter_may_stand_for_the_default_and_nothing_else():
    def vgg(conv_arch):
        return conv_arch
    assert bind(vgg, "vgg", {"conv_arch": [[1, 8]], "in_channels": 1, "dropout": 0.5}) == ((), {"conv_arch": [[1, 8]]})
    with pytest.raises(CannotBind) as raised:
        bind(vgg, "vgg", {"conv_arch": [[1, 8]], "in_channels": 3, "hidden": 16})
    assert str(raised.value) == (
        "your vgg(conv_arch) cannot take the grader's call: it has no parameter for in_channels (3), hidden (16). "
        "This assignment follows d2l-zh v2 (zh.d2l.ai, PyTorch) §7.2: " + contract_text("vgg") + ". Change the def "
        "line to `def " + contract_text("vgg") + ":` and use every parameter.")


def test_the_edition_a_signature_comes_from_is_named():
    def vgg_block(num_convs, num_channels):  # the MXNet first edition
        pass
    with pytest.raises(CannotBind, match=r"the signature in the first edition \(d2lzh, MXNet\), cannot take"):
        bind(vgg_block, "vgg_block", {"num_convs": 2, "in_channels": 128, "out_channels": 256})


def _namespace(*files):
    namespace = {}
    for name in files:  # what the student's notebook kernel holds after running its cells
        exec(compile((HANDINS / "signatures" / name).read_text(), name, "exec"), namespace)  # noqa: S102
    return namespace


def test_the_check_cell_binds_the_same_way():
    submission = NamespaceSubmission(_namespace("nin.py", "alexnet.py", "counting.py"))
    assert check_nin_block(submission).passed and check_alexnet(submission).passed
    assert submission.ask(call("conv_output_size", 224, 11, 4, 1)).value == 54  # padding, stride by name


def test_the_check_cell_explains_a_near_miss_and_a_top_level_network():
    namespace = _namespace("nin.py")
    namespace["Nin_block"] = namespace.pop("nin_block")
    from torch import nn
    namespace["net"] = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.LazyLinear(10))
    submission = NamespaceSubmission(namespace)
    block = submission.ask(call("nin_block", 1, 2, 3, 1, 0))
    assert block.status == "missing" and block.message.startswith("this notebook defines Nin_block, not nin_block")
    net = submission.ask(call("alexnet"))
    assert net.message.startswith("this notebook builds net = Sequential(...) at the top level but defines no alexnet")
