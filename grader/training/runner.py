"""One training run from question to verdict: fetch the student's network as data, train the copy, judge, record."""
import platform
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import torch

from grader.i18n import _
from grader.training import data as fashion_mnist
from grader.training import profiles
from grader.training.loop import TrainingStopped, train
from grader.training.network import (DESCRIBE_BATCH, NetworkProblem, fetch_network, largest_activation,
                                      reinitialise)


@dataclass
class Outcome:
    status: str                 # a results.Status value
    feedback: str               # one or two sentences for the student
    record: dict = field(default_factory=dict)
    history: object = None      # loop.History when training ran


def _device_name(device):
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"cpu ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def verdict_feedback(profile, accuracy):
    values = {"accuracy": f"{accuracy:.3f}", "threshold": f"{profile.threshold:.2f}", "profile": profile.name,
              "steps": profile.loop.steps, "batch_size": profile.loop.batch_size}
    if not profile.calibrated_budget:  # advice about ReLUs would be a guess: say only what the run shows
        verdict = "passed" if accuracy >= profile.threshold else "failed"
        calibrated = profiles.loop_config(profile.model, profile.name).steps
        text = (_("test accuracy {accuracy} after {steps} steps; the threshold {threshold} is calibrated for "
                  "{calibrated} steps, so this is indicative only (passed against it).") if verdict == "passed" else
                _("test accuracy {accuracy} after {steps} steps; the threshold {threshold} is calibrated for "
                  "{calibrated} steps, so this is indicative only (failed against it)."))
        return verdict, text.format(calibrated=calibrated, **values)
    reference = profile.calibration.get("reference", {})
    span = (_(" (the reference reaches {low}-{high})").format(low=f"{reference['min']:.2f}",
                                                              high=f"{reference['max']:.2f}")
            if reference.get("min") is not None else "")
    if accuracy >= profile.threshold:
        return "passed", _("test accuracy {accuracy} ≥ threshold {threshold} ({profile} profile).").format(**values)
    return "failed", _("test accuracy {accuracy} after {steps} steps of {batch_size} images is below the threshold "
                       "{threshold}{span}: check that every conv/hidden Linear is followed by a ReLU and that "
                       "nothing follows the last Linear (no activation on the logits).").format(span=span, **values)


def run_training(model, submission, profile="auto", seed=0, data_root=None, download=False, steps=None,
                 epochs=None, on_log=None, device=None, cache=None):
    """Outcome of training `model`'s network from `submission` under `profile`; never raises for student problems.

    `cache`: None (always train) or a reuse.CacheUse: a network trained before under the same key is not trained
    again. Raises data.DataNotFound (the grader's environment, not the student) and ValueError for a bad profile.
    """
    chosen = profiles.get(model, profile, steps=steps, epochs=epochs)
    device = torch.device(device or chosen.device)
    record = {"model": model, "profile": chosen.name, "device": None, "seed": seed, "steps": chosen.loop.steps,
              "batch_size": chosen.loop.batch_size, "input_size": chosen.loop.input_size,
              "optimizer": chosen.loop.optimizer, "lr": chosen.loop.lr, "submission": submission.name,
              "threshold": chosen.threshold, "threshold_provisional": bool(chosen.calibration.get("provisional")),
              "calibrated_budget": chosen.calibrated_budget, "torch": torch.__version__,
              "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if device.type == "cuda" and not torch.cuda.is_available():
        return Outcome("skipped", _("the {profile} profile needs CUDA and none is available here; "
                                    "use the cpu profile").format(profile=chosen.name), record)
    record["device"] = _device_name(device)
    dataset = fashion_mnist.load(data_root, download=download)
    record["data"] = dataset.source
    try:
        network = fetch_network(submission, chosen.plan, chosen.loop.input_size, seed)
    except NetworkProblem as problem:
        record["verdict"] = problem.status
        return Outcome(problem.status, str(problem), record)
    reinitialise(network, seed)
    if cache is None:
        return train_and_judge(network, chosen, dataset, seed, device, record, on_log)
    from grader.training.reuse import train_or_reuse
    return train_or_reuse(cache, network, chosen, dataset, seed, device, record, on_log)


def train_and_judge(network, chosen, dataset, seed, device, record, on_log=None):
    """Train the (already initialised) grader-side `network` under profile `chosen` and judge it; -> Outcome."""
    record["parameters"] = sum(p.numel() for p in network.parameters())
    started = time.perf_counter()
    try:
        history = train(network, dataset, chosen.loop, seed, device=device, on_log=on_log)
    except TrainingStopped as stopped:
        record.update(verdict="memory" if stopped.reason == "memory" else "failed", stopped_at_step=stopped.step)
        if stopped.reason == "nan":
            return Outcome("failed", _("{stopped}: the network's output blows up; check for a missing ReLU "
                                       "between layers or an activation on the logits.").format(stopped=stopped),
                           record)
        if stopped.reason == "error":
            return Outcome("failed", _("{stopped}. It worked on the batch of {batch} it was described with: does a "
                                       "layer depend on the batch size?").format(stopped=stopped,
                                                                                 batch=DESCRIBE_BATCH), record)
        largest = largest_activation(network.cpu(), chosen.loop.input_size, chosen.loop.batch_size)
        if largest is None:
            return Outcome("memory", _("{stopped}: check the layers' sizes (in/out channels, hidden "
                                       "width).").format(stopped=stopped), record)
        index, kind, shape, mib = largest
        return Outcome("memory", _("{stopped}; the largest activation is layer {index} ({kind}) with output {shape} = "
                                   "{mib} MiB per batch: check that layer's size and stride.").format(
                                       stopped=stopped, index=index, kind=kind, shape=shape, mib=f"{mib:.0f}"), record)
    accuracy = history.final_test_accuracy
    verdict, feedback = verdict_feedback(chosen, accuracy)
    record.update(seconds=round(time.perf_counter() - started, 2), train_seconds=round(history.train_seconds, 2),
                  images_per_second=round(history.images_per_second, 1),
                  train_accuracy=round(history.final_train_accuracy, 4), test_accuracy=round(accuracy, 4),
                  test_images=chosen.loop.test_images, verdict=verdict,
                  curve={"steps": history.steps, "loss": [round(v, 4) for v in history.loss],
                         "train_accuracy": [round(v, 4) for v in history.accuracy],
                         "test_steps": history.test_steps, "test_accuracy": history.test_accuracy})
    return Outcome(verdict, feedback, record, history)
