"""The training loop: whole dataset on the device as uint8, per-batch normalise/resize on the device, a seeded schedule."""
import math
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from grader.i18n import _
from grader.training.data import PIXEL_MEAN, PIXEL_STD


class TrainingStopped(Exception):
    """Training cannot go on; `reason`: "nan" (loss not finite), "memory" (out of memory) or "error" (the network
    fails on a training batch, e.g. it depends on the batch size); the message says why and at which step."""

    def __init__(self, reason, message, step):
        super().__init__(message)
        self.reason, self.step = reason, step


@dataclass(frozen=True)
class LoopConfig:
    input_size: int          # images are resized from 28 to this on the device (28: no resize)
    batch_size: int
    steps: int
    train_images: int        # the first this-many of a seeded permutation of the 60,000 training images
    test_images: int         # the first this-many of a seeded permutation of the 10,000 test images
    optimizer: str           # "adamw" | "sgd" (plain, as in d2l's train_ch6) | "sgd_momentum"
    lr: float
    weight_decay: float = 0.0
    warmup: float = 0.0      # fraction of the steps with a linear warm-up; the rest decays to 0 by a cosine
    schedule: str = "cosine"  # "cosine" (warm-up + cosine to 0) | "constant"
    evaluations: int = 1     # test-accuracy points on the curve (the last one is the verdict's)
    bf16: bool = False       # bf16 autocast, CUDA only
    channels_last: bool = False
    log_every: int = 5       # steps between host syncs (loss/accuracy read back, NaN check, bar update)


@dataclass
class History:
    steps: list = field(default_factory=list)       # step of each logged point
    loss: list = field(default_factory=list)        # mean training loss over the last log window
    accuracy: list = field(default_factory=list)    # training accuracy over the last log window
    test_steps: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    images_per_second: float = 0.0                  # training images / training time (evaluation excluded)
    train_seconds: float = 0.0
    eval_seconds: float = 0.0

    @property
    def final_test_accuracy(self):
        return self.test_accuracy[-1] if self.test_accuracy else float("nan")

    @property
    def final_train_accuracy(self):
        tail = self.accuracy[-max(1, len(self.accuracy) // 5):]  # last fifth of the run: less batch noise
        return sum(tail) / len(tail) if tail else float("nan")


def xavier_init(model):
    """d2l's initialisation (`init_weights` in train_ch6): Xavier-uniform weights for every Conv2d and Linear."""
    for module in model.modules():
        if type(module) in (nn.Linear, nn.Conv2d):
            nn.init.xavier_uniform_(module.weight)


def prepare_batch(images_uint8, input_size, channels_last=False):
    """(B, 28, 28) uint8 on the device -> (B, 1, S, S) float, normalised, bilinearly resized on the device."""
    x = images_uint8.unsqueeze(1).float().div_(255).sub_(PIXEL_MEAN).div_(PIXEL_STD)  # (B, 1, 28, 28)
    if input_size != x.shape[-1]:
        x = F.interpolate(x, size=(input_size, input_size), mode="bilinear", align_corners=False)  # (B, 1, S, S)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


def make_optimizer(model, config):
    params = [p for p in model.parameters() if p.requires_grad]
    if config.optimizer == "adamw":
        optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    elif config.optimizer == "sgd":
        optimizer = torch.optim.SGD(params, lr=config.lr, weight_decay=config.weight_decay)
    elif config.optimizer == "sgd_momentum":
        optimizer = torch.optim.SGD(params, lr=config.lr, momentum=0.9, nesterov=True,
                                    weight_decay=config.weight_decay)
    else:
        raise ValueError(f"unknown optimizer {config.optimizer!r}")
    warmup_steps = max(1, round(config.warmup * config.steps)) if config.warmup else 0

    def factor(step):  # multiplies lr at `step`: linear warm-up, then a cosine to zero at the last step
        if config.schedule == "constant":
            return 1.0
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, config.steps - warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


# what the allocators say: CUDA "out of memory", the CPU's DefaultCPUAllocator "can't allocate memory"
_OUT_OF_MEMORY_TEXT = ("out of memory", "can't allocate memory", "cannot allocate memory")


def _is_out_of_memory(error):
    return (isinstance(error, (MemoryError, torch.cuda.OutOfMemoryError))
            or any(text in str(error).lower() for text in _OUT_OF_MEMORY_TEXT))


@torch.no_grad()
def evaluate(model, images, labels, config, batch_size=500):
    """Accuracy of `model` (eval mode) on uint8 `images` (N, 28, 28) and `labels` (N,), both on the device."""
    model.eval()
    correct = torch.zeros((), dtype=torch.long, device=images.device)
    for start in range(0, len(images), batch_size):
        x = prepare_batch(images[start:start + batch_size], config.input_size, config.channels_last)
        with _autocast(config, images.device):
            logits = model(x)  # (B, 10)
        correct += (logits.argmax(1) == labels[start:start + batch_size]).sum()
    model.train()
    return correct.item() / max(1, len(images))


def _autocast(config, device):
    if config.bf16 and torch.device(device).type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return nullcontext()


def _subset(images, labels, count, seed, device):
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(images), generator=generator)[:count]
    return images[order].to(device), labels[order].to(device)


def train(model, data, config, seed, device="cpu", on_log=None):
    """Train `model` in place; returns a History. `on_log(step, loss, accuracy, images_per_second)` after each window.

    Raises TrainingStopped when the loss stops being finite, memory runs out (also while moving the data and
    the model to the device) or the network fails on a training batch. Seeds: `seed` fixes the
    training subset and batch order; the test subset depends only on the fixed seed 12345, so every run of
    a profile is judged on the same test images.
    """
    device = torch.device(device)
    reached = [0]  # the step _train had reached: named in the message when something stops it
    try:
        return _train(model, data, config, seed, device, on_log, reached)
    except RuntimeError as error:  # also torch.cuda.OutOfMemoryError
        step, first_line = reached[0], (str(error).splitlines() or [type(error).__name__])[0][:200]
        if _is_out_of_memory(error):
            raise TrainingStopped("memory", _("out of memory at step {step} ({error})").format(
                step=step, error=first_line), step) from error
        raise TrainingStopped("error", _("the network failed at training step {step} on a batch of {batch_size}: "
                                         "{error}").format(step=step, batch_size=config.batch_size,
                                                           error=first_line), step) from error
    except MemoryError as error:
        raise TrainingStopped("memory", _("out of memory at step {step}").format(step=reached[0]),
                              reached[0]) from error


def _train(model, data, config, seed, device, on_log, reached):
    train_x, train_y = _subset(data.train_images, data.train_labels, config.train_images, seed, device)
    test_x, test_y = _subset(data.test_images, data.test_labels, config.test_images, 12345, device)
    model.to(device)
    if config.channels_last:
        model.to(memory_format=torch.channels_last)
    model.train()
    optimizer, scheduler = make_optimizer(model, config)
    generator = torch.Generator().manual_seed(seed + 1)
    order = torch.empty(0, dtype=torch.long)
    history = History()
    eval_at = {round(config.steps * (k + 1) / config.evaluations) for k in range(config.evaluations)}
    window_loss = torch.zeros((), device=device)
    window_correct = torch.zeros((), dtype=torch.long, device=device)
    window_seen, train_images_done, train_seconds = 0, 0, 0.0
    started = time.perf_counter()
    for step in range(1, config.steps + 1):
        reached[0] = step
        if len(order) < config.batch_size:  # a new epoch over the training subset
            order = torch.cat([order, torch.randperm(len(train_x), generator=generator)])
        batch, order = order[:config.batch_size].to(device), order[config.batch_size:]
        x = prepare_batch(train_x[batch], config.input_size, config.channels_last)  # (B, 1, S, S)
        y = train_y[batch]
        with _autocast(config, device):
            logits = model(x)  # (B, 10)
            loss = F.cross_entropy(logits.float(), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
        window_loss += loss.detach() * len(y)
        window_correct += (logits.detach().argmax(1) == y).sum()
        window_seen += len(y)
        if step % config.log_every == 0 or step == config.steps:
            mean_loss = window_loss.item() / window_seen  # the only host sync of the window
            if not math.isfinite(mean_loss):
                raise TrainingStopped("nan", _("the training loss became {loss} by step {step}").format(
                    loss=mean_loss, step=step), step)
            train_images_done += window_seen
            train_seconds = time.perf_counter() - started - history.eval_seconds
            history.steps.append(step)
            history.loss.append(mean_loss)
            history.accuracy.append(window_correct.item() / window_seen)
            if on_log:
                on_log(step, mean_loss, history.accuracy[-1], train_images_done / max(train_seconds, 1e-9))
            window_loss.zero_(), window_correct.zero_()
            window_seen = 0
        if step in eval_at:
            eval_started = time.perf_counter()
            history.test_steps.append(step)
            history.test_accuracy.append(evaluate(model, test_x, test_y, config))
            history.eval_seconds += time.perf_counter() - eval_started
    history.train_seconds = train_seconds
    history.images_per_second = train_images_done / max(train_seconds, 1e-9)
    return history
