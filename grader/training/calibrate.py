"""Calibrate a profile's thresholds: the reference over several seeds vs clearly broken networks; writes thresholds.py."""
import copy
import json
import math
import platform
import pprint
import statistics
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

import torch
from torch import nn

from grader.training import data as fashion_mnist
from grader.training import profiles
from grader.training.network import fetch_network, reinitialise
from grader.training.runner import train_and_judge

MARGIN = 0.03           # threshold = reference minimum − max(MARGIN, 3 × reference standard deviation), floored
MIN_SEPARATION = 0.02   # a broken network's best run must stay this far below the threshold


class ZeroInput(nn.Module):
    """Multiplies its input by 0: the network after it sees nothing, so its output cannot depend on the image."""

    def forward(self, x):
        return x * 0


def broken_variants(model):
    """name -> function(reference network) -> broken copy. NiN ends in ReLU by design, so no logits variant."""
    variants = {
        "constant output": lambda net: nn.Sequential(ZeroInput(), *net),
        "all ReLUs removed": lambda net: nn.Sequential(*[m for m in net if not isinstance(m, nn.ReLU)]),
    }
    if model != "nin":
        variants["ReLU on the logits"] = lambda net: nn.Sequential(*net, nn.ReLU())
    return variants


# Every broken variant changes the layer structure, so the builder checks (which each training task waits for)
# fail it before any training; the threshold is the second line. The one variant the threshold must reject on
# its own is the network that does not learn. Measured (docs/TRAINING.md): without its ReLUs each network still
# has max-pooling, so it is not linear, and learns as fast as the reference in these budgets; with AdamW a ReLU
# on the logits still lets VGG learn (the right class positive, the rest 0). Those are recorded, not hidden.
MUST_FAIL_ON_ACCURACY = ("constant output",)
CAUGHT_BY_BUILDER_CHECKS = "the builder checks (layer structure), which training waits for"


def judge_broken(broken, threshold):
    """Mark each broken variant below/above `threshold` and what catches it; -> True when the threshold separates."""
    for entry in broken.values():
        entry["below_threshold"] = entry["max"] <= threshold - MIN_SEPARATION
        entry.pop("caught_by", None)
        if not entry["below_threshold"]:
            entry["caught_by"] = CAUGHT_BY_BUILDER_CHECKS
    return all(broken[name]["below_threshold"] for name in MUST_FAIL_ON_ACCURACY if name in broken)


def threshold_from(accuracies):
    spread = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
    return math.floor((min(accuracies) - max(MARGIN, 3 * spread)) * 100) / 100


def _run(network, chosen, dataset, seed, device, variant):
    outcome = train_and_judge(reinitialise(network, seed), chosen, dataset, seed, device, {})
    if "test_accuracy" not in outcome.record:
        if variant == "reference":  # a threshold cannot come from a reference that does not train
            raise RuntimeError(f"the reference {chosen.model} stopped under the {chosen.name} profile, seed "
                               f"{seed}: {outcome.feedback}")
        return 0.0, 0.0  # a broken network stopped by NaN or memory: it learned nothing
    return outcome.record["test_accuracy"], outcome.record.get("seconds", 0.0)


class RunLog:
    """Finished runs, one JSON line each: a calibration stopped half-way (or split over processes) resumes."""

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def key(chosen, variant, seed):
        # every field of the loop: a run logged under another schedule, size or switch is never reused
        loop = ",".join(f"{name}={value}" for name, value in sorted(asdict(chosen.loop).items()))
        return f"{chosen.name}/{chosen.model}/{variant}/seed{seed}/{loop}"

    def runs(self):
        found = {}
        if self.path.exists():
            for line in self.path.read_text().splitlines():
                if line.strip():
                    entry = json.loads(line)
                    found[entry["key"]] = entry
        return found

    def add(self, key, accuracy, seconds):
        with open(self.path, "a") as handle:  # one short line per append: safe from parallel processes
            handle.write(json.dumps({"key": key, "test_accuracy": accuracy, "seconds": seconds}) + "\n")


def run_variants(model, profile, variants, seeds, run_log, data_root=None, log=print):
    """Train `variants` ("reference" or a broken_variants name) over `seeds`, skipping runs the log has."""
    from grader.training.command import open_for_training
    chosen = profiles.get(model, profile)
    device = torch.device(chosen.device)
    makers = {"reference": lambda net: net, **broken_variants(model)}
    done = run_log.runs()
    todo = [(v, s) for v in variants for s in seeds if RunLog.key(chosen, v, s) not in done]
    if not todo:
        return
    dataset = fashion_mnist.load(data_root)
    submission = open_for_training(None)
    try:
        reference = fetch_network(submission, chosen.plan, chosen.loop.input_size, 0)
    finally:
        submission.close()
    for variant, seed in todo:
        accuracy, took = _run(makers[variant](copy.deepcopy(reference)), chosen, dataset, seed, device, variant)
        run_log.add(RunLog.key(chosen, variant, seed), accuracy, took)
        log(f"{model}/{chosen.name} {variant} seed {seed}: test accuracy {accuracy:.4f} in {took:.1f} s")


def calibrate_model(model, profile, seeds, broken_seeds, run_log, data_root=None, log=print):
    """Calibration entry for one model: reference and broken accuracies, threshold, budget, machine."""
    chosen = profiles.get(model, profile)
    device = torch.device(chosen.device)
    run_variants(model, profile, ["reference"], seeds, run_log, data_root, log)
    run_variants(model, profile, list(broken_variants(model)), broken_seeds, run_log, data_root, log)
    runs = run_log.runs()

    def accuracies(variant, seed_list):
        return [runs[RunLog.key(chosen, variant, s)]["test_accuracy"] for s in seed_list]

    reference = accuracies("reference", seeds)
    seconds = [runs[RunLog.key(chosen, "reference", s)]["seconds"] for s in seeds]
    threshold = threshold_from(reference)
    broken = {name: {"seeds": list(broken_seeds), "test_accuracy": accuracies(name, broken_seeds),
                     "max": max(accuracies(name, broken_seeds))} for name in broken_variants(model)}
    separates = judge_broken(broken, threshold)
    loop = chosen.loop
    return {
        "threshold": threshold,
        "provisional": False,
        # the network that does not learn falls at least MIN_SEPARATION below the threshold
        "separates": separates,
        "rule": f"reference min - max({MARGIN}, 3 sd), floored to 0.01",
        "budget": {"steps": loop.steps, "batch_size": loop.batch_size, "input_size": loop.input_size,
                   "test_images": loop.test_images, "optimizer": loop.optimizer, "lr": loop.lr},
        "reference": {"seeds": list(seeds), "test_accuracy": reference, "mean": round(statistics.mean(reference), 4),
                      "min": min(reference), "max": max(reference),
                      "sd": round(statistics.stdev(reference), 4) if len(reference) > 1 else 0.0,
                      "seconds_mean": round(statistics.mean(seconds), 1)},
        "broken": broken,
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()} {torch.get_num_threads()} threads, "
                   f"{torch.cuda.get_device_name() if device.type == 'cuda' else 'cpu'}, torch {torch.__version__}",
    }


def read_thresholds(path=None):
    """The table as the file holds it now (not as imported): parallel calibrations of different models merge."""
    path = Path(path or Path(__file__).with_name("thresholds.py"))
    namespace = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 — our own data file
    return namespace["CALIBRATION"]


def write_thresholds(calibration, path=None):
    path = Path(path or Path(__file__).with_name("thresholds.py"))
    header = ('"""Calibrated pass thresholds per (profile, model), with the runs behind them — data written by '
              'calibrate.py."""\n# Regenerate with `python benchmarks/calibrate_training.py --profile cpu` '
              '(or gpu, on a CUDA machine).\n')
    path.write_text(header + "CALIBRATION = " + pprint.pformat(calibration, width=110, sort_dicts=False) + "\n")
    return path


def calibrate(profile, models=None, seeds=range(5), broken_seeds=range(1), data_root=None, write=True,
              log=print, run_log=None, note=None):
    """Calibrate `models` under `profile`, keep the other entries, write thresholds.py; -> the whole table."""
    run_log = RunLog(run_log or Path("runs") / f"calibration-{profile}.jsonl")
    table = {}
    started = time.perf_counter()
    for model in models or profiles.models():
        entry = calibrate_model(model, profile, list(seeds), list(broken_seeds), run_log, data_root, log)
        table = read_thresholds()  # another model's calibration may have finished meanwhile
        if note:
            entry["note"] = note
        table.setdefault(profile, {})[model] = entry
        log(f"==> {model}/{profile}: reference {entry['reference']['min']:.4f}-{entry['reference']['max']:.4f}, "
            f"threshold {entry['threshold']:.2f}, broken at most "
            f"{max(b['max'] for b in entry['broken'].values()):.4f}, separates={entry['separates']}")
        if write:  # after each model: a long run interrupted later keeps what it finished
            write_thresholds(table)
    log(f"calibration took {time.perf_counter() - started:.0f} s")
    return table


def markdown_table(table):
    """The published threshold table (README, docs/TRAINING.md) from the calibration data."""
    rows = ["| model | profile | budget | reference mean / min (seeds) | threshold | broken networks, best run |",
            "|---|---|---|---|---|---|"]
    for profile in ("cpu", "gpu"):
        for model, entry in table.get(profile, {}).items():
            loop = profiles.loop_config(model, profile)
            budget = f"{loop.steps} steps × {loop.batch_size}, {loop.input_size} px"
            reference = entry.get("reference")
            measured = (f"{reference['mean']:.3f} / {reference['min']:.3f} ({len(reference['seeds'])})"
                        if reference else "not measured")
            broken = ", ".join(f"{name} {b['max']:.3f}" + ("" if b["below_threshold"] else " (†)")
                               for name, b in entry.get("broken", {}).items()) or "—"
            flag = " (provisional)" if entry.get("provisional") else ""
            rows.append(f"| {model} | {profile} | {budget} | {measured} | {entry['threshold']:.2f}{flag} | {broken} |")
    return "\n".join(rows)
