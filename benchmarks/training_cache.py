"""Benchmark: a class with training on (cpu profile), with and without the training cache, side by side in one run.

The class: 30 correct submissions (the reference as folders, zips, notebooks and one-file .py, and the style
library's class-based networks) and 10 with builder mistakes (mutants of alexnet, vgg, nin and their blocks: the
training tasks that need a failed builder are skipped, the others still train). Four runs, each into a fresh folder:
  1. the whole class with --no-train                      (T_no_train)
  2. the whole class with training and the cache          (T_cache; it trains each distinct network once)
  3. a sample of K students with training and no cache    (T_sample; "before": every student trains)
  4. the same sample with --no-train                      (T_sample_no_train)
Before for the whole class is extrapolated from the sample: T_no_train + 40/K × (T_sample - T_sample_no_train), as
each student's trainings cost the same (the same network, seed and data for every correct student).
Goal (issue 12): T_cache ≤ 1.3 × (T_no_train + one training per distinct network that reaches training), where a
training's cost is its measured mean wall time in run 2.

    python benchmarks/training_cache.py [--sample 4] [--workers 2] [--keep DIR]
"""
import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))

from grader import spec  # noqa: E402
from grader.autograde.runner import TRAINING_CACHE, Options, autograde  # noqa: E402
from grader.gradebook import read_gradebook  # noqa: E402
from tests.mutants import MUTANTS, declared as mutant_declared, reference_copy, splice  # noqa: E402
from tests.styles import STYLES, declared as style_declared, submission_with  # noqa: E402

SEED = 12  # which mutants and which packagings the class gets
BUILDER_TASKS = {"alexnet", "vgg", "vgg_block", "nin", "nin_block"}


def generate_class(root):
    """30 correct + 10 builder mistakes under `root`; -> {name: kind}."""
    rng = random.Random(SEED)
    kinds = {}
    correct_styles = [path for path in STYLES if style_declared(path)["expect"] is None]
    for index in range(30):
        name = f"ok{index:02d}"
        if index < len(correct_styles):
            kinds[name] = f"style/{correct_styles[index].stem}"
            submission_with(correct_styles[index], root / name)
            continue
        packaging = ("folder", "notebook", "single_py", "zip")[index % 4]
        kinds[name] = f"reference/{packaging}"
        folder = reference_copy(root / name)
        if packaging == "single_py":
            text = "\n\n".join((folder / f"{module}.py").read_text() for module in spec.modules())
            shutil.rmtree(folder)
            (root / f"{name}.py").write_text(text)
        elif packaging == "zip":
            shutil.make_archive(str(root / name), "zip", root, name)
            shutil.rmtree(folder)
        elif packaging == "notebook":
            import nbformat
            from nbformat import v4
            cells = [v4.new_markdown_cell("# 现代卷积神经网络")]
            cells += [v4.new_code_cell((folder / f"{module}.py").read_text()) for module in spec.modules()]
            shutil.rmtree(folder)
            nbformat.write(v4.new_notebook(cells=cells), str(root / f"{name}.ipynb"))
    builder_mutants = [path for path in MUTANTS if mutant_declared(path)[0] in BUILDER_TASKS]
    for index, mutant in enumerate(rng.sample(builder_mutants, 10)):
        name = f"wrong{index:02d}"
        kinds[name] = f"mutant/{mutant.stem}"
        splice(mutant, root / name)
    return kinds


def timed_run(submissions, out, workers, train, cache=True):
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    stats = autograde(Options(submissions=submissions, out=out, workers=workers, train=train, profile="cpu",
                              train_cache=cache, progress=False), say=lambda line: None)
    return time.perf_counter() - started, stats


def trained_seconds(out):
    """Wall seconds of each training the cache recorded (one per distinct network)."""
    return [json.loads(path.read_text())["record"]["seconds"] for path in (out / TRAINING_CACHE).glob("*.json")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=4, help="students trained without the cache (run 3)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", default=None, help="keep the class and the outputs in this folder")
    args = parser.parse_args(argv)
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="d2l-bench-cache-"))
    root, sample = base / "class", base / "sample"
    shutil.rmtree(root, ignore_errors=True), shutil.rmtree(sample, ignore_errors=True)
    root.mkdir(parents=True), sample.mkdir(parents=True)
    kinds = generate_class(root)
    students = len(kinds)
    picked = [name for name in sorted(kinds) if kinds[name].startswith("reference")][:args.sample]
    for entry in root.iterdir():
        if entry.name.split(".")[0] in picked:
            (shutil.copytree if entry.is_dir() else shutil.copy)(entry, sample / entry.name)
    print(f"class: {students} students (30 correct, 10 builder mistakes); sample without cache: {picked}; "
          f"workers {args.workers}; machine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{platform.processor() or platform.platform()}; load {os.getloadavg()[0]:.1f}")

    no_train, _ = timed_run(root, base / "out-no-train", args.workers, train=False)
    print(f"1. class, --no-train:             {no_train:7.1f} s")
    cached, stats = timed_run(root, base / "out-cache", args.workers, train=True)
    seconds = trained_seconds(base / "out-cache")
    print(f"2. class, training, cache:        {cached:7.1f} s  ({stats.training['trained']} networks trained, "
          f"{stats.training['reused']} results reused; trainings {', '.join(f'{s:.0f}' for s in seconds)} s)")
    sample_train, _ = timed_run(sample, base / "out-sample", args.workers, train=True, cache=False)
    print(f"3. sample of {len(picked)}, training, no cache: {sample_train:7.1f} s")
    sample_no_train, _ = timed_run(sample, base / "out-sample-no-train", args.workers, train=False)
    print(f"4. sample of {len(picked)}, --no-train:         {sample_no_train:7.1f} s")

    before = no_train + students / len(picked) * (sample_train - sample_no_train)
    budget = no_train + sum(seconds)
    print(f"\nbefore (no cache), extrapolated to {students}: {before:7.1f} s ({before / 60:.1f} min)")
    print(f"after (cache), measured:               {cached:7.1f} s ({cached / 60:.1f} min): "
          f"{before / cached:.1f}x faster")
    print(f"goal: after <= 1.3 x (no-train + one training per distinct network) = 1.3 x {budget:.1f} s: "
          f"ratio {cached / budget:.2f} ({'met' if cached <= 1.3 * budget else 'NOT met'})")
    per_student = (sample_train - sample_no_train) / len(picked)
    print(f"extrapolated to 100 students: before {(no_train * 2.5 + 100 * per_student) / 60:.0f} min, after "
          f"{(no_train * 2.5 + sum(seconds)) / 60:.0f} min (no-train time scaled by 2.5, the same distinct networks)")
    scores = {row["name"]: report.score for row, report in read_gradebook(base / "out-cache" / "gradebook.sqlite")}
    full = sum(task.points for task in spec.tasks() + spec.training_tasks())
    print(f"correct students at full marks with the cache: "
          f"{sum(1 for n, s in scores.items() if not n.startswith('wrong') and s == full)}/30")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
