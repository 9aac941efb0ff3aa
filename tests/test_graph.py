"""Graph descriptions: what forward computes, whatever the style it is written in; the grader's rebuild computes it too.

The expected graphs come from the reference solutions (nn.Sequential of torch.nn modules), described the same way:
a class-based network, functional ReLU, `view`/`torch.flatten`, nesting or lazy layers must give the same ops, the
same shapes and, with the same seed, the same outputs.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from grader import netspec
from grader.book import BOOK_FACTS
from grader.graph.describe import describe, probe_input
from grader.graph.rebuild import CannotRebuild, sized
from grader.graph.trace import use_order
from grader.graph.validate import MalformedGraph, graph_from
from solutions.alexnet import alexnet


def ops(description):
    return [(node["op"], sorted(node["args"].items())) for node in description["graph"]["nodes"]]


class ClassAlexNet(nn.Module):
    """The book's AlexNet as a class, the way study notes write it: fc layers declared first, F.relu, view."""

    def __init__(self, in_channels=1, num_classes=10):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(6400, 4096), nn.Linear(4096, 4096), nn.Linear(4096, num_classes)
        self.conv1 = nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1)
        self.conv2 = nn.Conv2d(96, 256, kernel_size=5, padding=2)
        self.conv3 = nn.Conv2d(256, 384, kernel_size=3, padding=1)
        self.conv4 = nn.Conv2d(384, 384, kernel_size=3, padding=1)
        self.conv5 = nn.Conv2d(384, 256, kernel_size=3, padding=1)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), kernel_size=3, stride=2)
        x = F.max_pool2d(torch.relu(self.conv2(x)), 3, 2)
        x = self.conv3(x).relu()
        x = F.relu(self.conv4(x), inplace=True)
        x = F.max_pool2d(F.relu(self.conv5(x)), 3, 2)
        x = x.view(x.size(0), -1)                      # (N, 6400)
        x = self.dropout(F.relu(self.fc1(x)))
        x = self.dropout(F.relu(self.fc2(x)))
        return self.fc3(x)


@pytest.fixture(scope="module")
def book_alexnet():
    return describe(netspec.construct(alexnet, {}), (1, 1, 224, 224), 3)


def test_a_class_based_alexnet_is_the_same_computation_as_the_books(book_alexnet):
    (want, want_out), (got, got_out) = book_alexnet, describe(ClassAlexNet(), (1, 1, 224, 224), 3)
    assert ops(got) == ops(want) and got["n_params"] == want["n_params"] == 46_764_746
    assert [n["shape"] for n in got["graph"]["nodes"]] == [n["shape"] for n in want["graph"]["nodes"]]
    # the fill follows forward's use order, so declaring fc1 first changes nothing
    for name in ("output", "train_output"):
        torch.testing.assert_close(got_out[name], want_out[name])


def test_the_students_own_paths_and_lines_are_kept():
    got, _ = describe(ClassAlexNet(), (1, 1, 224, 224), 3)
    nodes = got["graph"]["nodes"]
    assert [n["path"] for n in nodes if n["op"] == "conv2d"] == ["conv1", "conv2", "conv3", "conv4", "conv5"]
    flatten = next(n for n in nodes if n["op"] == "flatten")
    assert flatten["via"] == ".view()" and flatten["shape"] == [1, 6400]
    assert "x = x.view(x.size(0), -1)" in flatten["line"] and "test_graph.py line" in flatten["line"]


def test_nesting_inplace_and_torch_flatten_do_not_change_the_description():
    flat = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 2))

    class Nested(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(inplace=True)),
                                          nn.MaxPool2d(2))
            self.head = nn.Linear(64, 2)

        def forward(self, x):
            return self.head(torch.flatten(self.features(x), 1))

    (a, out_a), (b, out_b) = describe(flat, (2, 3, 8, 8), 1), describe(Nested(), (2, 3, 8, 8), 1)
    assert ops(a) == ops(b)
    assert [n["path"] for n in b["graph"]["nodes"]] == [None, "features.0.0", "features.0.1", "features.1", None, "head"]
    torch.testing.assert_close(out_a["output"], out_b["output"])


def test_lazy_layers_are_materialised_and_described_as_eager_ones():
    lazy = nn.Sequential(nn.LazyConv2d(4, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(5))
    eager = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5))
    (a, out_a), (b, out_b) = describe(lazy, (2, 3, 8, 8), 1), describe(eager, (2, 3, 8, 8), 1)
    assert ops(a) == ops(b) and a["n_params"] == b["n_params"]
    torch.testing.assert_close(out_a["output"], out_b["output"])


def test_add_and_cat_are_nodes_with_their_inputs():
    class Branches(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Conv2d(2, 2, 1), nn.Conv2d(2, 3, 3, padding=1)

        def forward(self, x):
            y = self.a(x) + x
            return torch.cat((y, self.b(x)), dim=-3)

    description, _ = describe(Branches(), (1, 2, 4, 4), 0)
    nodes = description["graph"]["nodes"]
    add, cat = nodes[2], nodes[4]
    assert (add["op"], add["inputs"], add["via"]) == ("add", [1, 0], "+")
    assert (cat["op"], cat["args"], cat["inputs"], cat["shape"]) == ("cat", {"dim": 1}, [2, 3], [1, 5, 4, 4])
    assert description["graph"]["output"] == 4


def test_an_untraceable_forward_falls_back_to_the_layers_it_ran_and_says_so():
    class DataDependent(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.pool = nn.Conv2d(1, 2, 3), nn.MaxPool2d(2)

        def forward(self, x):
            x = self.conv(x)
            if x.shape[-1] > 2:  # a Python branch on a shape: torch.fx cannot trace it
                x = self.pool(x)
            return x

    description, tensors = describe(DataDependent(), (1, 1, 8, 8), 0)
    assert description["tracing"] == "hooks" and "cannot trace" in description["note"]
    assert [n["op"] for n in description["graph"]["nodes"]] == ["input", "conv2d", "max_pool2d"]
    assert tensors["output"].shape == (2, 2, 3, 3) and "train_output" in tensors  # behaviour, both modes


def test_a_network_that_cannot_run_is_still_described_up_to_where_it_fails():
    broken = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Conv2d(3, 4, 3))  # the second conv expects 3 channels, gets 4
    description, tensors = describe(broken, (1, 3, 8, 8), 0)
    assert "output" not in tensors and description["forward_error"].startswith("RuntimeError")
    assert "While executing" not in description["forward_error"]
    assert [n["op"] for n in description["graph"]["nodes"]] == ["input", "conv2d", "conv2d"]
    assert description["graph"]["nodes"][1]["shape"] == [1, 4, 6, 6] and description["graph"]["nodes"][2]["shape"] is None


def test_functional_dropout_without_training_flag_is_described_as_dropping_in_eval():
    class AlwaysDrops(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            return F.dropout(self.fc(x), 0.5)

    description, _ = describe(AlwaysDrops(), (2, 4), 0)
    assert description["graph"]["nodes"][2]["args"] == {"p": 0.5, "training": True}


def test_dropout_changes_the_train_mode_output_only():
    with_dropout = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    without = nn.Sequential(nn.Linear(8, 8), nn.Linear(8, 2))
    (a, out_a), (b, out_b) = describe(with_dropout, (3, 8), 2), describe(without, (3, 8), 2)
    torch.testing.assert_close(out_a["output"], out_b["output"])
    assert "train_output" not in out_b and not torch.allclose(out_a["train_output"], out_b["output"][:3])


def test_seeded_descriptions_repeat_and_another_seed_differs():
    from solutions.vgg import vgg_block
    build = lambda: netspec.construct(vgg_block, {"num_convs": 2, "in_channels": 3, "out_channels": 4})  # noqa: E731
    (_, first), (_, again), (_, other) = (describe(build(), (1, 3, 8, 8), s) for s in (1, 1, 2))
    assert torch.equal(first["output"], again["output"]) and not torch.allclose(first["output"], other["output"])


def test_the_rebuilt_network_computes_what_the_description_says(book_alexnet):
    description, tensors = book_alexnet
    network, output_shape, flops = sized(graph_from(description["graph"]), (1, 1, 224, 224))
    assert flops == BOOK_FACTS["alexnet"]["flops"]  # torch.utils.flop_counter's count of the book's AlexNet
    assert output_shape == [1, 10] and isinstance(network, torch.fx.GraphModule)
    netspec.materialise(network)
    netspec.fill_deterministic(use_order(network), 3)
    with torch.no_grad():
        ours = network.eval()(probe_input((1, 1, 224, 224), 3))
    torch.testing.assert_close(ours, tensors["output"])


def test_a_shared_layer_is_rebuilt_shared():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 2, 3, padding=1)

        def forward(self, x):
            return self.conv(F.relu(self.conv(x)))

    description, tensors = describe(Twice(), (1, 2, 5, 5), 4)
    network = sized(graph_from(description["graph"]), (1, 2, 5, 5)).network
    assert sum(p.numel() for p in network.parameters()) == description["n_params"] == 2 * 2 * 9 + 2
    netspec.materialise(network)
    netspec.fill_deterministic(use_order(network), 4)
    with torch.no_grad():
        torch.testing.assert_close(network.eval()(probe_input((1, 2, 5, 5), 4)), tensors["output"])


@pytest.mark.parametrize("graph, why", [
    ({"nodes": []}, "1 to 2000 nodes"),
    ({"nodes": [{"id": 0, "op": "input"}, {"id": 1, "op": "exec", "inputs": [0]}]}, "op 'exec'"),
    ({"nodes": [{"id": 0, "op": "input"}, {"id": 1, "op": "relu", "inputs": [1]}]}, "earlier nodes"),
    ({"nodes": [{"id": 0, "op": "input", "shape": [1, float("inf")]}]}, "shape"),
    ({"nodes": [{"id": 0, "op": "input"}, {"id": 1, "op": "dropout", "args": {"p": float("nan")}, "inputs": [0]}]},
     "finite"),
    ({"nodes": [{"id": 0, "op": "input"}], "output": 7}, "output"),
])
def test_malformed_graphs_are_refused(graph, why):
    with pytest.raises(MalformedGraph, match=why):
        graph_from(graph)


def test_an_op_outside_the_vocabulary_is_described_but_not_rebuilt():
    class Swish(nn.Module):
        def forward(self, x):
            return x * torch.sigmoid(x)

    description, tensors = describe(nn.Sequential(nn.Linear(3, 3), Swish()), (2, 3), 0)
    assert [n["op"] for n in description["graph"]["nodes"]] == ["input", "linear", "sigmoid", "call"]
    assert "train_output" in tensors  # an unknown op may behave differently in train mode: measured, not assumed
    with pytest.raises(CannotRebuild, match="uses mul"):
        sized(graph_from(description["graph"]), (2, 3))
    assert np.isfinite(tensors["output"].numpy()).all()


class _Forged:
    """A worker whose describe answers are whatever it claims: the grader must refuse, not crash, and never pass."""

    name = "forged"

    def __init__(self, value, tensors=None):
        self.value, self.tensors = value, tensors or {}

    def ask(self, question):
        from grader.submission.base import Answer
        return Answer(ok=True, value=self.value, tensors=self.tensors)


@pytest.mark.parametrize("value", [
    {"graph": {"nodes": [{"id": 0, "op": "input"}]}},                                   # no parameter count
    {"n_params": 3, "graph": "print('hi')"},                                            # not a graph
    {"n_params": 3, "graph": {"nodes": [{"id": 0, "op": "input", "args": {"x": [[[[1]]]]}}]}},  # nested too deep
    {"n_params": True, "graph": {"nodes": [{"id": 0, "op": "input"}]}},                 # a bool is not a count
])
def test_a_forged_description_is_refused_as_invalid(value):
    from grader.checks.base import CheckFailure
    from grader.checks.builders import compare_builder
    from grader.results import Status
    with pytest.raises(CheckFailure) as failure:
        compare_builder(_Forged(value), "nin_block", {"in_channels": 1, "out_channels": 2, "kernel_size": 3,
                                                     "strides": 1, "padding": 1}, (1, 1, 5, 5))
    assert failure.value.status is Status.INVALID and "malformed" in failure.value.feedback


def test_the_reference_graph_claimed_without_the_outputs_does_not_pass():
    """Claiming the reference's own description (graph and count) is not enough: the outputs decide."""
    from grader.checks import reference
    from grader.checks.base import CheckFailure
    from grader.checks.builders import compare_builder
    from grader import spec
    from grader.submission import describe as question_of
    kwargs = {"in_channels": 1, "out_channels": 2, "kernel_size": 3, "strides": 1, "padding": 1}
    want, tensors = reference.describe(question_of("nin_block", kwargs, (1, 1, 5, 5), spec.DESCRIBE_SEED))
    with pytest.raises(CheckFailure, match="Same layers, but with the same weights your network computes a"):
        compare_builder(_Forged(want, {"output": np.zeros_like(tensors["output"])}), "nin_block", kwargs,
                        (1, 1, 5, 5))
