"""Training profiles: a model's plan and loop under `cpu` or `gpu`, with its calibrated threshold, as one Profile.

The plans and loops are declared by each assignment (grader.spec, grader/catalog/): `cpu` trains the student's own
builders at reduced size on 2 cores (≤ 60 s per model), `gpu` the chapter's full models at 224 pixels, batch 128,
one epoch. Thresholds live in thresholds.py (calibrated data), or with a registered assignment's training.
"""
import math
from dataclasses import dataclass, replace

import torch

from grader import spec
from grader.training.loop import LoopConfig
from grader.training.thresholds import CALIBRATION

DEVICES = {"cpu": "cpu", "gpu": "cuda"}


def models():
    """The models a training task trains (declared by the assignments in grader.spec)."""
    return spec.training_models()


def loop_config(model, profile):
    """The calibrated LoopConfig of `model` under `profile` ("cpu" | "gpu")."""
    return LoopConfig(**spec.training_task_for(model).training.loops[profile])


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
        return self.loop.steps == loop_config(self.model, self.name).steps


def resolve(profile="auto"):
    """'auto' -> 'gpu' when CUDA is available, else 'cpu'."""
    if profile == "auto":
        return "gpu" if torch.cuda.is_available() else "cpu"
    if profile not in DEVICES:
        raise ValueError(f"unknown training profile {profile!r}: use auto, gpu or cpu")
    return profile


def get(model, profile="auto", steps=None, epochs=None):
    """The Profile for `model`; `steps` or `epochs` replace the budget (the threshold is then only indicative)."""
    if model not in models():
        raise ValueError(f"unknown model {model!r}: use one of {', '.join(models())}")
    name = resolve(profile)
    training = spec.training_task_for(model).training
    if name not in training.plans:
        raise ValueError(f"{model} has no {name} profile: use {' or '.join(training.plans)}")
    loop = loop_config(model, name)
    if epochs is not None:
        steps = math.ceil(epochs * loop.train_images / loop.batch_size)
    if steps is not None:
        if steps < 1:
            raise ValueError(f"--steps/--epochs must give at least one step (got {steps})")
        loop = replace(loop, steps=int(steps))
    calibration = training.calibration.get(name) or CALIBRATION[name][model]
    return Profile(name, model, tuple(training.plans[name]), loop, DEVICES[name], calibration["threshold"],
                   calibration)
