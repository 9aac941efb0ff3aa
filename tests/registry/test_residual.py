"""A new assignment from test files alone: d2l §7.6's residual block is declared (residual_assignment.py), graded end to
end in-process and in the sandboxed worker, and a tiny ResNet of the student's blocks is rebuilt (add nodes) and
trained for a few steps. Nothing under grader/ names it."""
import operator

import pytest
import torch

from grader import spec
from grader.grade import grade
from grader.results import Status
from grader.submission.inprocess import InProcessSubmission
from grader.submission.worker import WorkerSubmission
from grader.training.network import fetch_network
from grader.training import profiles
from tests.registry.residual_assignment import ASSIGNMENT
from tests.training.idx_files import write_band_dataset

# the book's Residual class, pasted as d2l-zh writes it (parameter names its own, `Y += X`, `if self.conv3:`)
BOOK_STYLE = '''
import torch
from torch import nn
from torch.nn import functional as F


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


def residual(in_channels, out_channels, use_1x1conv=False, strides=1):
    return Residual(in_channels, out_channels, use_1x1conv, strides)
'''
NO_SHORTCUT = BOOK_STYLE.replace("        Y += X\n", "")


@pytest.fixture
def registered():
    spec.register(ASSIGNMENT)
    yield ASSIGNMENT
    spec.unregister(ASSIGNMENT.name)


def _folder(tmp_path, source):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "residual.py").write_text(source)
    return folder


def _grade(submission, data):
    tasks = ASSIGNMENT.tasks + ASSIGNMENT.training
    return grade(submission, tasks=tasks, train=True, training_options={"profile": "cpu", "data_root": data})


@pytest.mark.parametrize("backend", ["in-process", "sandboxed"])
def test_the_registered_assignment_is_graded_and_trained_end_to_end(registered, tmp_path, backend):
    data = write_band_dataset(tmp_path / "band")
    folder = _folder(tmp_path, BOOK_STYLE)
    opened = InProcessSubmission(folder) if backend == "in-process" else WorkerSubmission(folder)
    try:
        report = _grade(opened, data)
    finally:
        opened.close()
    results = {task.name: task for task in report.tasks}
    assert results["residual"].passed, results["residual"].feedback
    assert results["train_resnet"].status is Status.PASSED, results["train_resnet"].feedback
    assert "6 steps" in results["train_resnet"].example
    assert report.score == report.max_score == 15


def test_the_tiny_resnet_is_rebuilt_from_the_students_graph_with_add_nodes(registered, tmp_path):
    submission = InProcessSubmission(_folder(tmp_path, BOOK_STYLE))
    try:
        chosen = profiles.get("resnet", "cpu")
        network = fetch_network(submission, chosen.plan, chosen.loop.input_size)
    finally:
        submission.close()
    blocks = [part for part in network if isinstance(part, torch.fx.GraphModule)]
    assert len(blocks) == 2
    assert all(any(node.target is operator.add for node in block.graph.nodes) for block in blocks)
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in network.modules()) == 1 + 2 * 2


def test_a_block_without_its_shortcut_loses_credit_and_is_not_trained(registered, tmp_path):
    data = write_band_dataset(tmp_path / "band")
    submission = InProcessSubmission(_folder(tmp_path, NO_SHORTCUT))
    try:
        report = _grade(submission, data)
    finally:
        submission.close()
    block, training = report.task("residual"), report.task("train_resnet")
    assert block.score == 0 and block.status is Status.FAILED
    assert "has no add after `bn2`" in block.feedback and "and the input" in block.feedback, block.feedback
    assert training.status is Status.SKIPPED and "fix residual first" in training.feedback


def test_registering_a_clashing_name_is_refused(registered):
    with pytest.raises(ValueError, match="clashes"):
        spec.register(ASSIGNMENT)
