"""The loop on tiny budgets: batches, schedule, learning, determinism, NaN and out-of-memory stops."""
import math

import pytest
import torch
from torch import nn

from grader.training import data, loop
from tests.training.idx_files import write_band_dataset

TINY = loop.LoopConfig(input_size=28, batch_size=32, steps=30, train_images=640, test_images=200,
                       optimizer="adamw", lr=3e-3, warmup=0.1, log_every=5, evaluations=2)


@pytest.fixture(scope="module")
def band(tmp_path_factory):
    return data.read_folder(write_band_dataset(tmp_path_factory.mktemp("band")))


def small_cnn():
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(8 * 14 * 14, 10))


def test_prepare_batch_normalises_and_resizes():
    images = torch.tensor([[[0, 255], [51, 102]]], dtype=torch.uint8).expand(3, 2, 2)  # (3, 2, 2)
    x = loop.prepare_batch(images, input_size=2)
    expected = (torch.tensor([[0, 1], [0.2, 0.4]]) - data.PIXEL_MEAN) / data.PIXEL_STD  # (v/255 − mean)/std
    assert x.shape == (3, 1, 2, 2)
    torch.testing.assert_close(x[1, 0], expected)
    big = loop.prepare_batch(torch.full((2, 28, 28), 128, dtype=torch.uint8), input_size=67)
    assert big.shape == (2, 1, 67, 67)  # a constant image stays constant under bilinear resizing
    torch.testing.assert_close(big, torch.full_like(big, (128 / 255 - data.PIXEL_MEAN) / data.PIXEL_STD))


def test_schedule_warms_up_then_decays_to_zero():
    config = loop.LoopConfig(28, 8, 100, 10, 10, "sgd", lr=1.0, warmup=0.1)
    optimizer, scheduler = loop.make_optimizer(nn.Linear(2, 2), config)
    rates = []
    for _ in range(config.steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step(), scheduler.step()
    assert rates[0] == pytest.approx(0.1) and rates[9] == pytest.approx(1.0)  # linear over 10 warm-up steps
    assert all(a < b for a, b in zip(rates[:9], rates[1:10]))
    assert all(a >= b for a, b in zip(rates[10:], rates[11:]))
    assert rates[55] == pytest.approx(0.5 * (1 + math.cos(math.pi * 45 / 90)))  # the cosine's formula
    assert rates[-1] < 0.001


def test_xavier_init_matches_d2l_bounds():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(4, 6, 3), nn.Linear(50, 20))
    loop.xavier_init(model)
    conv_bound = math.sqrt(6 / (4 * 9 + 6 * 9))  # Glorot-uniform: sqrt(6 / (fan_in + fan_out))
    linear_bound = math.sqrt(6 / (50 + 20))
    assert model[0].weight.abs().max() <= conv_bound and model[0].weight.abs().max() > 0.8 * conv_bound
    assert model[1].weight.abs().max() <= linear_bound and model[1].weight.abs().max() > 0.8 * linear_bound


def test_a_small_cnn_learns_the_band_data(band):
    torch.manual_seed(0)
    model = small_cnn()
    loop.xavier_init(model)
    logged = []
    history = loop.train(model, band, TINY, seed=0, on_log=lambda *values: logged.append(values))
    assert history.steps == [5, 10, 15, 20, 25, 30] and [v[0] for v in logged] == history.steps
    assert history.test_steps == [15, 30]
    assert history.final_test_accuracy > 0.9  # ten bright bands: chance is 0.1
    assert history.loss[-1] < history.loss[0]
    assert history.images_per_second > 0 and history.train_seconds > 0


def test_same_seed_same_run_other_seed_other_run(band):
    def run(seed):
        torch.manual_seed(0)
        model = small_cnn()
        loop.xavier_init(model)
        return loop.train(model, band, loop.LoopConfig(**{**TINY.__dict__, "steps": 10}), seed=seed).loss

    assert run(3) == run(3)
    assert run(3) != run(4)


class NaNAfter(nn.Module):
    """Returns NaN logits from its `after`-th call on: a network whose output blows up."""

    def __init__(self, after):
        super().__init__()
        self.linear, self.calls, self.after = nn.Linear(28 * 28, 10), 0, after

    def forward(self, x):
        self.calls += 1
        out = self.linear(x.flatten(1))
        return out * float("nan") if self.calls > self.after else out


def test_nan_loss_stops_early_with_the_step(band):
    with pytest.raises(loop.TrainingStopped, match="nan by step 10") as stopped:
        loop.train(NaNAfter(after=7), band, TINY, seed=0)
    assert stopped.value.reason == "nan" and stopped.value.step == 10  # detected at the first sync after it


class RaisesAtStep(nn.Module):
    """Raises RuntimeError(`message`) from its `at`-th forward call on."""

    def __init__(self, message, at=1):
        super().__init__()
        self.linear, self.message, self.at, self.calls = nn.Linear(28 * 28, 10), message, at, 0

    def forward(self, x):
        self.calls += 1
        if self.calls >= self.at:
            raise RuntimeError(self.message)
        return self.linear(x.flatten(1))


# what the allocators really say (torch 2.x): CUDA's caching allocator and the CPU's DefaultCPUAllocator
@pytest.mark.parametrize("message", ["CUDA out of memory. Tried to allocate 20.00 GiB",
                                     "[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: can't "
                                     "allocate memory: you tried to allocate 1099511627776 bytes."])
def test_out_of_memory_is_reported_not_raised(band, message):
    with pytest.raises(loop.TrainingStopped, match="out of memory at step 3") as stopped:
        loop.train(RaisesAtStep(message, at=3), band, TINY, seed=0)
    assert stopped.value.reason == "memory" and stopped.value.step == 3


def test_the_real_cpu_allocator_message_is_recognised():
    with pytest.raises(RuntimeError) as raised:
        torch.empty(2 ** 60, dtype=torch.uint8)  # no machine has an exbibyte
    assert loop._is_out_of_memory(raised.value)


def test_any_other_failure_on_a_batch_is_a_stop_with_the_step(band):
    with pytest.raises(loop.TrainingStopped, match="failed at training step 4 on a batch of 32: mat1 and mat2"):
        loop.train(RaisesAtStep("mat1 and mat2 shapes cannot be multiplied (32x5 and 2x10)", at=4), band, TINY,
                   seed=0)


def test_a_model_too_large_for_the_device_stops_before_step_one(band, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise RuntimeError("CUDA out of memory. Tried to allocate 180.00 GiB")
    model = small_cnn()
    monkeypatch.setattr(type(model), "to", refuse)  # moving the model is where a too-large model stops
    with pytest.raises(loop.TrainingStopped, match="out of memory at step 0") as stopped:
        loop.train(model, band, TINY, seed=0)
    assert stopped.value.reason == "memory"
