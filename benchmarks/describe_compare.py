"""Describe + compare time per builder task, before (a git revision, default `main`) and after (this tree), side by side.

Each implementation grades the reference solutions' builder tasks in-process, in its own fresh interpreter, twice:
`cold` is the first grading in the process (the reference's descriptions computed too), `warm` the second (the
reference's cached, as for every student after the first in a class). Then three class-based networks of
tests/styles are described alone (the old leaf list vs the fx-traced graph: the cost of tracing). Times are CPU seconds of the single-threaded
grading process (wall time on a shared machine measures the neighbours); runs alternate before/after; the minimum
of the repeats is kept (interference only ever adds).

Usage: python benchmarks/describe_compare.py [--before REV] [--repeats 3]   (goal: after ≤ 1.5 × before)
"""
import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILDERS = ("vgg_block", "vgg", "nin_block", "nin", "alexnet")
PROBE = """
import json, sys, time
import torch
torch.set_num_threads(1)  # as in a sandboxed worker: the comparison is per core
from grader.grade import grade
from grader.submission.inprocess import InProcessSubmission
try:
    from grader import spec
    task = spec.task
except AttributeError:  # the revision before the registry
    from grader.spec import TASKS_BY_NAME
    task = TASKS_BY_NAME.__getitem__
times = {}
for run in ("cold", "warm"):
    submission = InProcessSubmission("solutions")
    for name in sys.argv[1:]:
        started = time.process_time()  # CPU seconds of this single-threaded process: steady on a busy machine
        result = grade(submission, tasks=[task(name)]).tasks[0]
        assert result.passed, (name, result.feedback)
        times[f"{name} {run}"] = time.process_time() - started
    submission.close()
# the same class-based networks (tests/styles: F.relu, view, torch.flatten, fc layers declared first) described
# alone: the old leaf-list description beside the fx-traced graph
import importlib.util
try:
    from grader.graph.describe import describe as describe_network
except ImportError:
    from grader.netspec import describe_module as describe_network
from grader import netspec
CASES = {"alexnet_class_view": ("alexnet", {}, (1, 1, 224, 224)),
         "vgg_class_modulelist": ("vgg", {"conv_arch": [[1, 16], [1, 32], [2, 64], [2, 128], [2, 128]]}, (1, 1, 224, 224)),
         "nin_class_functional": ("nin", {}, (1, 1, 224, 224))}
for style, (builder, kwargs, shape) in CASES.items():
    loaded = importlib.util.spec_from_file_location(style, f"{STYLES}/{style}.py")
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    best = float("inf")
    for _ in range(3):
        model = netspec.construct(getattr(module, builder), kwargs)
        started = time.process_time()
        describe_network(model, shape, 5)
        best = min(best, time.process_time() - started)
    times[f"describe {style}"] = best
print(json.dumps(times))
"""


def export(revision, folder):
    """The files of `revision` under `folder` (git archive: nothing checked out in this tree)."""
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        tarfile.open(fileobj=handle).extractall(folder, filter="data")
    return folder


def measure(tree):
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1"}
    probe = PROBE.replace("{STYLES}", str(ROOT / "tests" / "styles"))
    done = subprocess.run([sys.executable, "-c", probe, *BUILDERS], cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"grading failed in {tree}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="main")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="d2l-before-") as scratch:
        trees = {"before": export(args.before, Path(scratch)), "after": ROOT}
        runs = {"before": [], "after": []}
        for _ in range(args.repeats):
            for name, tree in trees.items():
                runs[name].append(measure(tree))
    keys = list(runs["after"][0])
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; CPU seconds, best of {args.repeats}; "
          f"before = {args.before}")
    print(f"{'task':<31} {'before s':>9} {'after s':>9} {'after/before':>13}")
    totals = {"before": 0.0, "after": 0.0}
    for key in keys:
        before, after = (min(run[key] for run in runs[name]) for name in ("before", "after"))
        print(f"{key:<31} {before:9.3f} {after:9.3f} {after / before:13.2f}")
        if not key.startswith("describe "):
            totals["before"] += before
            totals["after"] += after
    print(f"{'all builder tasks':<31} {totals['before']:9.3f} {totals['after']:9.3f} "
          f"{totals['after'] / totals['before']:13.2f}")


if __name__ == "__main__":
    main()
