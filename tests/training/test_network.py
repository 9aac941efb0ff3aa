"""Getting the student's network as data: rebuild, verify against the student's own output, fail closed."""
import numpy as np
import pytest
import torch

from grader import netspec
from grader.training import profiles
from grader.training.network import NetworkProblem, fetch_network, largest_activation, reinitialise

VGG_WITH_FUNCTIONAL_RELU = '''
import torch
from torch import nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 3, padding=1)
                                   for i in range(num_convs))
        self.pool = nn.MaxPool2d(2, 2)

    def forward(self, x):
        for conv in self.convs:
            x = F.relu(conv(x))  # the ReLU is a function call: no layer describes it
        return self.pool(x)


def vgg_block(num_convs, in_channels, out_channels):
    return Block(num_convs, in_channels, out_channels)


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    blocks = []
    for num_convs, out_channels in conv_arch:
        blocks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    side = input_size // 2 ** len(conv_arch)
    return nn.Sequential(*blocks, nn.Flatten(), nn.Linear(out_channels * side * side, hidden), nn.ReLU(),
                         nn.Dropout(dropout), nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(hidden, num_classes))
'''


def cpu_plan(model):
    chosen = profiles.get(model, "cpu")
    return chosen.plan, chosen.loop.input_size


@pytest.mark.parametrize("model", profiles.models())
def test_reference_rebuilds_into_the_graders_own_copy_with_ten_outputs(reference, model):
    plan, size = cpu_plan(model)
    network = fetch_network(reference, plan, size)
    # the grader's copy, not the student's: each asked part is a GraphModule the grader built, of torch.nn layers
    asked = [part for part, step in zip(network, plan) if step[0] == "ask"]
    assert asked and all(isinstance(part, torch.fx.GraphModule) and type(part).__name__ == "Rebuilt" for part in asked)
    assert all(type(leaf).__module__.startswith("torch.nn.modules") for leaf in netspec.static_leaves(network))
    with torch.no_grad():
        assert network.eval()(torch.zeros(3, 1, size, size)).shape == (3, 10)


def test_nin_copy_computes_what_the_students_blocks_compute(reference):
    """The composed NiN equals the reference's own blocks with the same pools, layer for layer."""
    from solutions.nin import nin_block
    from torch import nn
    plan, size = cpu_plan("nin")
    copy = fetch_network(reference, plan, size)
    blocks = [nin_block(**part[2]) for part in plan if part[0] == "ask"]
    direct = nn.Sequential(blocks[0], nn.MaxPool2d(3, 2), blocks[1], nn.MaxPool2d(3, 2), blocks[2],
                           nn.AdaptiveAvgPool2d(1), nn.Flatten())
    x = torch.randn(2, 1, size, size)
    netspec.fill_deterministic(netspec.static_leaves(copy), 5)
    netspec.fill_deterministic(netspec.static_leaves(direct), 5)
    torch.testing.assert_close(copy.eval()(x), direct.eval()(x))


def test_functional_relu_in_a_class_is_rebuilt_and_computes_what_the_student_wrote(make_submission, reference):
    """A class-based VGG with F.relu in forward trains exactly like the reference nn.Sequential one."""
    theirs = fetch_network(make_submission({"vgg": VGG_WITH_FUNCTIONAL_RELU}), *cpu_plan("vgg"))
    ours = fetch_network(reference, *cpu_plan("vgg"))
    assert [type(m).__name__ for m in netspec.static_leaves(theirs)] == \
        [type(m).__name__ for m in netspec.static_leaves(ours)]  # F.relu became nn.ReLU in the grader's copy
    x = torch.randn(3, 1, 28, 28)
    netspec.fill_deterministic(netspec.static_leaves(theirs), 5)
    netspec.fill_deterministic(netspec.static_leaves(ours), 5)
    with torch.no_grad():
        torch.testing.assert_close(theirs.eval()(x), ours.eval()(x))


UNREBUILDABLE = '''
import torch
from torch import nn


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):
    return nn.Sequential(nn.Conv2d(in_channels, 4, 3), Swish(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(4, num_classes))
'''


def test_an_op_outside_the_vocabulary_is_named_not_trained(make_submission):
    with pytest.raises(NetworkProblem, match=r"the forward uses mul at .*line \d+: return x \* torch.sigmoid") as problem:
        fetch_network(make_submission({"alexnet": UNREBUILDABLE}), *cpu_plan("alexnet"))
    assert problem.value.status == "invalid"


def test_not_implemented_keeps_its_status(make_submission):
    submission = make_submission({"alexnet": "def alexnet(**kwargs):\n    raise NotImplementedError\n"})
    with pytest.raises(NetworkProblem) as problem:
        fetch_network(submission, *cpu_plan("alexnet"))
    assert problem.value.status == "not_implemented"


def test_a_builder_returning_no_module_is_invalid(make_submission):
    submission = make_submission({"alexnet": "def alexnet(**kwargs):\n    return [1, 2, 3]\n"})
    with pytest.raises(NetworkProblem, match="not an nn.Module") as problem:
        fetch_network(submission, *cpu_plan("alexnet"))
    assert problem.value.status == "invalid"


def test_wrong_number_of_classes_is_named(make_submission):
    source = ("from torch import nn\n\ndef alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):\n"
              "    return nn.Sequential(nn.Flatten(), nn.Linear(input_size * input_size, 1000))\n")
    with pytest.raises(NetworkProblem, match=r"outputs shape \(2, 1000\).*must output \(2, 10\)") as problem:
        fetch_network(make_submission({"alexnet": source}), *cpu_plan("alexnet"))
    assert problem.value.status == "failed"


def test_a_forward_error_is_reported_with_the_input_shape(make_submission):
    source = ("from torch import nn\n\ndef alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):\n"
              "    return nn.Sequential(nn.Flatten(), nn.Linear(6400, num_classes))\n")
    with pytest.raises(NetworkProblem, match=r"fails on an input of shape \(2, 1, 67, 67\)"):
        fetch_network(make_submission({"alexnet": source}), *cpu_plan("alexnet"))


NIN_BLOCK_POOLED_TO_ONE = ("from torch import nn\n\ndef nin_block(in_channels, out_channels, kernel_size, strides, "
                           "padding):\n    return nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size, "
                           "strides, padding), nn.ReLU(), nn.AdaptiveMaxPool2d(1))\n")


def test_a_shape_the_graders_own_layers_cannot_take_is_named(make_submission):
    # the small NiN puts the grader's MaxPool2d(3, 2) after the first block: a 1×1 map cannot be pooled
    with pytest.raises(NetworkProblem, match=r"nin_block\(in_channels=1.*outputs shape \(2, 32, 1, 1\), which the "
                                             r"grader's own layers after it cannot take") as problem:
        fetch_network(make_submission({"nin": NIN_BLOCK_POOLED_TO_ONE}), *cpu_plan("nin"))
    assert problem.value.status == "failed"


def test_a_block_that_fails_on_the_previous_blocks_output_says_where_its_input_came_from(make_submission):
    source = ("from torch import nn\n\ndef nin_block(in_channels, out_channels, kernel_size, strides, padding):\n"
              "    return nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size, strides, padding), nn.ReLU())\n")
    with pytest.raises(NetworkProblem, match=r"nin_block\(in_channels=32.*fails on an input of shape \(2, 16, "
                                             r"13, 13\).*its input comes from the grader's own layers"):
        fetch_network(make_submission({"nin": source}), *cpu_plan("nin"))


def test_a_network_without_parameters_is_refused(make_submission):
    source = ("from torch import nn\n\ndef alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):\n"
              "    return nn.Sequential(nn.AdaptiveAvgPool2d((1, num_classes)), nn.Flatten())\n")
    with pytest.raises(NetworkProblem, match="no trainable parameters"):
        fetch_network(make_submission({"alexnet": source}), *cpu_plan("alexnet"))


def test_reinitialise_is_seeded_and_uses_xavier(reference):
    network = fetch_network(reference, *cpu_plan("vgg"))
    first = [p.clone() for p in reinitialise(network, 3).parameters()]
    second = [p.clone() for p in reinitialise(network, 3).parameters()]
    other = [p.clone() for p in reinitialise(network, 4).parameters()]
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    assert not torch.equal(first[0], other[0])
    conv = netspec.static_leaves(network)[0]  # Conv2d(1, 32, 3): Glorot bound sqrt(6 / (9 + 32 * 9))
    assert conv.weight.abs().max() <= np.sqrt(6 / (9 + 288))


def test_largest_activation_names_the_first_conv_of_alexnet(reference):
    network = fetch_network(reference, profiles.get("alexnet", "gpu").plan, 224)
    index, kind, shape, mib = largest_activation(network, 224, batch_size=128)
    # conv 11×11/4 with padding 1 on 224 pixels: (224 + 2 − 11) // 4 + 1 = 54, 96 channels
    assert (index, kind, shape) == (0, "Conv2d", (128, 96, 54, 54))
    assert mib == pytest.approx(128 * 96 * 54 * 54 * 4 / 2 ** 20)


class _Claims:
    """A worker that answers every describe with the same claimed graph: a description is data, not yet trusted."""

    name = "claims"

    def __init__(self, graph):
        self.graph = graph

    def ask(self, question):
        from grader.submission.base import Answer
        return Answer(ok=True, value={"graph": self.graph, "n_params": 0},
                      tensors={"output": np.zeros((4, 10), np.float32)})


def _claimed_chain(*layers):
    """A graph claiming input -> layers in order (each a netspec layer description) -> output."""
    from grader.graph.vocabulary import OP_OF_MODULE
    nodes = [{"id": 0, "op": "input", "args": {}, "inputs": [], "shape": None}]
    for layer in layers:
        nodes.append({"id": len(nodes), "op": OP_OF_MODULE[layer["type"]], "args": layer["args"],
                      "inputs": [len(nodes) - 1], "shape": None, "path": f"{len(nodes) - 1}"})
    return {"nodes": nodes, "output": len(nodes) - 1}


def _peak_kib():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_a_description_too_large_to_train_is_refused_before_it_is_allocated():
    with torch.device("meta"):
        huge = _claimed_chain(netspec.describe_layer(torch.nn.Flatten()),
                              netspec.describe_layer(torch.nn.Linear(67 * 67, 20_000)),
                              *[netspec.describe_layer(torch.nn.Linear(20_000, 20_000)) for _ in range(3)],  # 1.2 G
                              netspec.describe_layer(torch.nn.Linear(20_000, 10)))
    peak_before = _peak_kib()
    with pytest.raises(NetworkProblem, match="parameters; the training check trains at most") as problem:
        fetch_network(_Claims(huge), *cpu_plan("alexnet"))
    assert problem.value.status == "memory"
    assert _peak_kib() - peak_before < 200 * 1024  # not 4.8 GB


def test_a_parameter_free_activation_bomb_is_refused_before_it_runs():
    """AdaptiveAvgPool2d((20000, 20000)) has no parameters but would cost the grader 1.6 GB per image."""
    bomb = _claimed_chain({"type": "AdaptiveAvgPool2d", "args": {"output_size": [20_000, 20_000]}},
                          {"type": "Flatten", "args": {"start_dim": 1, "end_dim": -1}},
                          {"type": "Linear", "args": {"in_features": 400_000_000, "out_features": 10, "bias": True}})
    bomb["nodes"][-1]["op"] = "relu"  # parameter-free all the way: only the activation is big
    bomb["nodes"][-1]["args"] = {}
    peak_before = _peak_kib()
    with pytest.raises(NetworkProblem, match=r"too big to train: one image makes AdaptiveAvgPool2d output "
                                             r"\(1, 1, 20000, 20000\)") as problem:
        fetch_network(_Claims(bomb), *cpu_plan("alexnet"))
    assert problem.value.status == "memory" and _peak_kib() - peak_before < 200 * 1024


def test_one_layer_reused_two_hundred_thousand_times_is_refused_before_it_runs():
    conv = {"type": "Conv2d", "args": {"in_channels": 1, "out_channels": 1, "kernel_size": [3, 3], "stride": [1, 1],
                                       "padding": [1, 1], "dilation": [1, 1], "groups": 1, "bias": True}}
    endless = _claimed_chain(*[conv] * 200_000)
    for node in endless["nodes"][1:]:
        node["path"] = "0"  # the same instance each time: its parameters count once
    with pytest.raises(NetworkProblem, match="malformed.*at most|1 to 2000 nodes") as problem:
        fetch_network(_Claims(endless), *cpu_plan("alexnet"))
    assert problem.value.status == "invalid"


def test_the_sandboxed_worker_answers_the_same_network(reference):
    from grader.submission.worker import WorkerSubmission
    from tests.mutants import SOLUTIONS
    plan, size = cpu_plan("nin")
    ours = fetch_network(reference, plan, size)
    with WorkerSubmission(SOLUTIONS) as worker:
        theirs = fetch_network(worker, plan, size)
    assert [netspec.describe_layer(m) for m in netspec.static_leaves(theirs)] == \
        [netspec.describe_layer(m) for m in netspec.static_leaves(ours)]
    x = torch.randn(3, 1, size, size)
    with torch.no_grad():
        torch.testing.assert_close(theirs.eval()(x), ours.eval()(x))  # same seeded weights from the description


WIDER_FOR_TRAINING = '''
from torch import nn


def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):
    width = 64 if input_size == 67 else 1  # the training's own arguments get a network the checks never saw
    side = (input_size + 2 - 11) // 4 + 1
    for _ in range(3):
        side = (side - 3) // 2 + 1
    return nn.Sequential(nn.Conv2d(in_channels, 96 * width, 11, 4, 1), nn.ReLU(), nn.MaxPool2d(3, 2),
                         nn.Conv2d(96 * width, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
                         nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
                         nn.Linear(256 * side * side, 4096), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(dropout), nn.Linear(4096, num_classes))
'''


def test_a_network_far_costlier_than_the_references_for_the_same_call_is_not_trained(make_submission):
    """The reference alexnet(input_size=67) costs F FLOPs per image (counted on meta); 64 times the first conv's
    width costs far more than 4 F: refused before it is allocated, let alone trained."""
    with pytest.raises(NetworkProblem, match=r"alexnet\(input_size=67, dropout=0.0\) costs [\d,]+ FLOPs per image, "
                                             r"\d+ times the reference's") as problem:
        fetch_network(make_submission({"alexnet": WIDER_FOR_TRAINING}), *cpu_plan("alexnet"))
    assert problem.value.status == "memory"
