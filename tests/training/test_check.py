"""The training check's verdicts on tiny budgets and tiny data: pass, fail, student problems, missing data."""

import pytest
import torch

from grader.checks.training import check_training
from grader import spec
from grader.results import Status
from grader.training import profiles
from tests.training.conftest import shrink_loop

CONSTANT_VGG = '''
from torch import nn
from solutions.vgg import vgg as reference_vgg, vgg_block


def vgg(conv_arch, **kwargs):
    # Dropout(p=1) zeroes every training image: the network learns from nothing, a constant output
    return nn.Sequential(nn.Dropout(1.0), *reference_vgg(conv_arch, **kwargs))
'''


@pytest.fixture
def tiny_budget(monkeypatch):
    """Every cpu profile cut to 25 steps on the 640/200-image band data; thresholds set per test."""
    for model in profiles.models():
        shrink_loop(monkeypatch, model, steps=25, batch_size=32, test_images=200, lr=3e-3)

    def set_threshold(model, threshold):
        monkeypatch.setitem(profiles.CALIBRATION["cpu"], model, {"threshold": threshold, "provisional": False,
                                                                "reference": {"min": 0.95, "max": 0.99}})
    return set_threshold


def test_reference_passes_a_reachable_threshold(reference, band_data, tiny_budget):
    tiny_budget("vgg", 0.5)
    result = check_training(reference, spec.task("train_vgg"), profile="cpu", data_root=band_data)
    assert result.status is Status.PASSED and result.score == result.max_score == 5
    assert "≥ threshold 0.50" in result.feedback and "seed 0, 25 steps" in result.example


def test_below_the_threshold_fails_with_the_numbers(reference, band_data, tiny_budget):
    tiny_budget("nin", 1.01)  # no accuracy reaches it
    result = check_training(reference, spec.task("train_nin"), profile="cpu", data_root=band_data)
    assert result.status is Status.FAILED and result.score == 0
    assert "below the threshold 1.01 (the reference reaches 0.95-0.99)" in result.feedback


def test_a_network_that_sees_nothing_fails(make_submission, band_data, tiny_budget):
    tiny_budget("vgg", 0.5)  # the reference passes this (test above); chance level is 0.1
    result = check_training(make_submission({"vgg": CONSTANT_VGG}), spec.task("train_vgg"), profile="cpu",
                            data_root=band_data)
    assert result.status is Status.FAILED, result.feedback
    assert "below the threshold 0.50" in result.feedback  # failed by its accuracy, not by an error on the way


def test_a_missing_builder_reports_its_status_without_training(make_submission, band_data, tiny_budget):
    submission = make_submission({"nin": "def nin():\n    raise NotImplementedError\n"})  # nin_block absent
    result = check_training(submission, spec.task("train_nin"), profile="cpu", data_root=band_data)
    assert result.status is Status.MISSING and "nin_block" in result.feedback


def test_no_data_is_skipped_with_both_ways_named(reference, no_default_data, tmp_path):
    result = check_training(reference, spec.task("train_vgg"), profile="cpu")
    assert result.status is Status.SKIPPED
    assert "apt-get install dataset-fashion-mnist" in result.feedback and "download" in result.feedback


def test_gpu_profile_without_cuda_is_skipped(reference, band_data, monkeypatch):
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    result = check_training(reference, spec.task("train_vgg"), profile="gpu", data_root=band_data)
    assert result.status is Status.SKIPPED and "needs CUDA" in result.feedback


def test_auto_profile_follows_cuda(monkeypatch):
    monkeypatch.setattr("torch.cuda.is_available", lambda: True)
    assert profiles.resolve("auto") == "gpu"
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    assert profiles.resolve("auto") == "cpu"
    with pytest.raises(ValueError, match="auto, gpu or cpu"):
        profiles.resolve("tpu")


class _Scale(torch.nn.Module):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def forward(self, x):
        return x * self.factor


class _Raises(torch.nn.Module):
    def __init__(self, error):
        super().__init__()
        self.conv, self.error = torch.nn.Conv2d(1, 4, 3), error

    def forward(self, x):
        raise self.error


@pytest.mark.parametrize("network, status, words", [
    (torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10), _Scale(float("nan"))), "failed",
     ["the training loss became nan", "blows up", "missing ReLU"]),
    (torch.nn.Sequential(torch.nn.Conv2d(1, 64, 3), torch.nn.Flatten(), torch.nn.Linear(64 * 26 * 26, 10),
                         _Raises(RuntimeError("CUDA out of memory. Tried to allocate 20.00 GiB"))), "memory",
     ["out of memory at step 1", "largest activation is layer 0 (Conv2d) with output (32, 64, 26, 26)"]),
    (_Raises(RuntimeError("shape '[2, 10]' is invalid for input of size 320")), "failed",
     ["failed at training step 1 on a batch of 32", "depend on the batch size"]),
])
def test_a_run_stopped_on_the_way_gets_a_verdict_that_says_why(band_data, tiny_budget, network, status, words):
    from grader.training import data
    from grader.training.runner import train_and_judge
    tiny_budget("vgg", 0.5)
    record = {}
    outcome = train_and_judge(network, profiles.get("vgg", "cpu"), data.read_folder(band_data), 0,
                              torch.device("cpu"), record)
    assert outcome.status == status and record["verdict"] == status, outcome.feedback
    for word in words:
        assert word in outcome.feedback
