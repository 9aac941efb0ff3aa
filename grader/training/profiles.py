"""Training profiles as data: which builder calls make the network, at what size, for what budget, with which optimiser.

`cpu`: the student's own builders at reduced size on 2 cores (≤ 60 s per model). `gpu`: the chapter's full
models at 224 pixels, batch 128, one epoch. Thresholds live beside these in thresholds.py (calibrated data).
"""
import math
from dataclasses import dataclass, replace

import torch

from grader.training.loop import LoopConfig
from grader.training.thresholds import CALIBRATION

MODELS = ("alexnet", "vgg", "nin")


def _pool(kernel, stride):
    return {"type": "MaxPool2d", "args": {"kernel_size": [kernel, kernel], "stride": [stride, stride],
                                          "padding": [0, 0], "dilation": [1, 1], "ceil_mode": False}}


GLOBAL_AVERAGE_POOL = [{"type": "AdaptiveAvgPool2d", "args": {"output_size": [1, 1]}},
                       {"type": "Flatten", "args": {"start_dim": 1, "end_dim": -1}}]

# Optimiser and schedule (docs/TRAINING.md has the comparison, benchmarks/compare_optimisers.py reruns it):
# AdamW with a 10% linear warm-up and a cosine decay is the only one tried that passes every model. d2l's plain
# SGD at the book's lr was still at chance after the cpu budget, and after one gpu epoch left NiN at 0.22
# (AdamW 0.78); SGD with Nesterov momentum diverged on VGG at the book's lr 0.05.
_ADAMW = {"optimizer": "adamw", "lr": 1e-3, "warmup": 0.1, "schedule": "cosine"}

# Network plans: ("ask", builder, kwargs) asks the student's builder; ("layers", specs) are the grader's own.
# Lists, not tuples, in kwargs: the question travels as JSON to the sandboxed worker.
PLANS = {
    ("cpu", "alexnet"): [("ask", "alexnet", {"input_size": 67, "dropout": 0.0})],  # 67: smallest with a 1×1 map
    ("cpu", "vgg"): [("ask", "vgg", {"conv_arch": [[1, 32], [1, 64], [2, 128]], "input_size": 28,
                                     "hidden": 512, "dropout": 0.0})],
    ("cpu", "nin"): [("ask", "nin_block", {"in_channels": 1, "out_channels": 32, "kernel_size": 5, "strides": 1,
                                           "padding": 2}),                         # (N, 32, 28, 28)
                     ("layers", [_pool(3, 2)]),                                    # (N, 32, 13, 13)
                     ("ask", "nin_block", {"in_channels": 32, "out_channels": 64, "kernel_size": 3,
                                           "strides": 1, "padding": 1}),           # (N, 64, 13, 13)
                     ("layers", [_pool(3, 2)]),                                    # (N, 64, 6, 6)
                     ("ask", "nin_block", {"in_channels": 64, "out_channels": 10, "kernel_size": 3,
                                           "strides": 1, "padding": 1}),           # (N, 10, 6, 6)
                     ("layers", GLOBAL_AVERAGE_POOL)],                             # (N, 10)
    ("gpu", "alexnet"): [("ask", "alexnet", {})],
    # the book trains VGG-11 with every width divided by 4 (ratio = 4), at 224 pixels, hidden 4096
    ("gpu", "vgg"): [("ask", "vgg", {"conv_arch": [[1, 16], [1, 32], [2, 64], [2, 128], [2, 128]]})],
    ("gpu", "nin"): [("ask", "nin", {})],
}

LOOPS = {
    ("cpu", "alexnet"): LoopConfig(input_size=67, batch_size=64, steps=100, train_images=60_000,
                                   test_images=2000, **_ADAMW),
    ("cpu", "vgg"): LoopConfig(input_size=28, batch_size=128, steps=200, train_images=60_000,
                               test_images=2000, **_ADAMW),
    ("cpu", "nin"): LoopConfig(input_size=28, batch_size=128, steps=200, train_images=60_000,
                               test_images=2000, **{**_ADAMW, "lr": 3e-3}),
    # one epoch of the 60,000 images at batch 128; the full test set; bf16 + channels_last on CUDA
    **{("gpu", model): LoopConfig(input_size=224, batch_size=128, steps=469, train_images=60_000,
                                  test_images=10_000, evaluations=4, bf16=True, channels_last=True,
                                  log_every=10, **_ADAMW) for model in MODELS},
}
DEVICES = {"cpu": "cpu", "gpu": "cuda"}


@dataclass(frozen=True)
class Profile:
    name: str        # "cpu" | "gpu"
    model: str       # "alexnet" | "vgg" | "nin"
    plan: tuple
    loop: LoopConfig
    device: str      # where the profile was calibrated to run
    threshold: float
    calibration: dict  # reference/broken accuracies, seeds, date, machine, provisional flag

    @property
    def calibrated_budget(self):
        return self.loop.steps == LOOPS[(self.name, self.model)].steps


def resolve(profile="auto"):
    """'auto' -> 'gpu' when CUDA is available, else 'cpu'."""
    if profile == "auto":
        return "gpu" if torch.cuda.is_available() else "cpu"
    if profile not in DEVICES:
        raise ValueError(f"unknown training profile {profile!r}: use auto, gpu or cpu")
    return profile


def get(model, profile="auto", steps=None, epochs=None):
    """The Profile for `model`; `steps` or `epochs` replace the budget (the threshold is then only indicative)."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}: use one of {', '.join(MODELS)}")
    name = resolve(profile)
    loop = LOOPS[(name, model)]
    if epochs is not None:
        steps = math.ceil(epochs * loop.train_images / loop.batch_size)
    if steps is not None:
        if steps < 1:
            raise ValueError(f"--steps/--epochs must give at least one step (got {steps})")
        loop = replace(loop, steps=int(steps))
    calibration = CALIBRATION[name][model]
    return Profile(name, model, tuple(PLANS[(name, model)]), loop, DEVICES[name], calibration["threshold"],
                   calibration)
