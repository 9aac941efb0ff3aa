"""Benchmark: autograde a generated class (reference, mutants, broken entries) with training off.

Prints submissions per minute and where the time goes (start-up of grader processes, each task's checks, the
sandboxed worker's own overhead, staging, exports), then times a rerun of the finished class (everything skipped).
Goal from the issue: 100 submissions in <= 10 minutes on 2 cores.

    python benchmarks/autograde_class.py [--students 100] [--workers N] [--keep DIR]
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
import zipfile
from collections import defaultdict
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))

from grader.autograde.backend import choose_backend  # noqa: E402
from grader.autograde.runner import Options, autograde  # noqa: E402
from grader.gradebook import read_gradebook  # noqa: E402
from grader import spec  # noqa: E402

SOLUTIONS = KIT / "solutions"
SEED = 2024  # which mutant and which packaging each student gets


def _reference(folder):
    folder.mkdir(parents=True)
    for module in spec.modules():
        shutil.copy(SOLUTIONS / f"{module}.py", folder / f"{module}.py")
    return folder


def _zip_folder(folder, path):
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, f"{folder.name}/{file.name}")
    shutil.rmtree(folder)


def _notebook(path):
    import nbformat
    from nbformat import v4
    cells = [v4.new_markdown_cell("# 现代卷积神经网络"), v4.new_code_cell("%matplotlib inline\n!pip install d2l")]
    cells += [v4.new_code_cell((SOLUTIONS / f"{module}.py").read_text()) for module in spec.modules()]
    nbformat.write(v4.new_notebook(cells=cells), str(path))


def _mutants():
    try:
        from tests.mutants import MUTANTS, splice
    except ImportError:
        return [], None
    return MUTANTS, splice


def generate_class(root, students):
    """~40% reference (folders, zips, notebooks, one-file .py), ~45% mutants, ~15% broken; -> {name: kind}."""
    rng = random.Random(SEED)
    mutants, splice = _mutants()
    kinds, broken_count = {}, 0
    for index in range(students):
        name = f"student{index:03d}"
        roll = index % 20
        if roll < 8 or (not mutants and roll < 17):
            packaging = ("folder", "folder", "zip", "notebook", "single_py")[roll % 5]
            kinds[name] = f"reference/{packaging}"
            if packaging == "notebook":
                _notebook(root / f"{name}.ipynb")
            elif packaging == "single_py":
                (root / f"{name}.py").write_text("\n".join((SOLUTIONS / f"{m}.py").read_text() for m in spec.modules()))
            else:
                folder = _reference(root / name)
                if packaging == "zip":
                    _zip_folder(folder, root / f"{name}.zip")
        elif roll < 17:
            mutant = rng.choice(mutants)
            kinds[name] = f"mutant/{mutant.stem}"
            splice(mutant, root / name)
        else:
            broken = ("syntax_error", "exit_at_import", "empty", "corrupt_zip", "skeleton")[broken_count % 5]
            broken_count += 1
            kinds[name] = f"broken/{broken}"
            if broken == "corrupt_zip":
                (root / f"{name}.zip").write_bytes(b"PK\x03\x04 not really")
            elif broken == "empty":
                (root / name).mkdir()
            elif broken == "skeleton":
                shutil.copytree(KIT / "assignments", root / name, ignore=shutil.ignore_patterns("__pycache__", "*.ipynb",
                                                                                               "notebooks"))
            else:
                folder = _reference(root / name)
                extra = "def vgg(conv_arch:\n" if broken == "syntax_error" else "import os\nos._exit(0)\n"
                (folder / "vgg.py").write_text((folder / "vgg.py").read_text() + "\n" + extra)
    return kinds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--workers", type=int, default=None, help="default: the CPU count")
    parser.add_argument("--keep", default=None, help="keep the class and the output in this folder")
    args = parser.parse_args(argv)

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="d2l-bench-"))
    root, out = base / "class", base / "out"
    shutil.rmtree(root, ignore_errors=True), shutil.rmtree(out, ignore_errors=True)
    root.mkdir(parents=True)
    kinds = generate_class(root, args.students)
    workers = args.workers or os.cpu_count()
    backend = choose_backend()
    print(f"class: {args.students} students ({sum(k.startswith('reference') for k in kinds.values())} reference, "
          f"{sum(k.startswith('mutant') for k in kinds.values())} mutants, "
          f"{sum(k.startswith('broken') for k in kinds.values())} broken); backend: {backend.isolation}; "
          f"workers: {workers}; machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")

    options = Options(submissions=root, out=out, workers=workers, train=False)
    started = time.perf_counter()
    stats = autograde(options, say=lambda line: None)
    wall = time.perf_counter() - started
    rerun_started = time.perf_counter()
    rerun = autograde(options, say=lambda line: None)
    rerun_wall = time.perf_counter() - rerun_started

    rows = read_gradebook(out / "gradebook.sqlite")
    full = sum(task.points for task in spec.tasks())
    reference_full = sum(1 for row, report in rows if kinds[row["name"]].startswith("reference") and report.score == full)
    per_task = defaultdict(float)
    for _, report in rows:
        for task in report.tasks:
            per_task[task.name] += task.duration
    task_seconds = sum(per_task.values())
    child_seconds = sum(child for _, _, child, _ in stats.job_walls)
    main_seconds = sum(main for _, main, _, _ in stats.job_walls)
    worker_seconds = sum(child - tasks for _, _, child, tasks in stats.job_walls)

    print(f"\ngraded {stats.graded}, unreadable {stats.unreadable}, failed jobs {stats.failed_jobs}; "
          f"reference at full marks: {reference_full}/{sum(k.startswith('reference') for k in kinds.values())}")
    print(f"wall: {wall:.1f} s for {args.students} submissions = {args.students / wall * 60:.1f} submissions/minute "
          f"(goal: >= 10/minute, i.e. 100 in <= 10 minutes)")
    print(f"rerun of the finished class (all skipped): {rerun_wall:.1f} s, skipped {rerun.skipped}; "
          f"ratio first run / rerun: {wall / max(rerun_wall, 1e-9):.0f}x")
    print("\nwhere the time goes (phase wall-clock):")
    for phase in ("collect", "grading", "exports"):
        print(f"  {phase:<10} {stats.timings.get(phase, 0):8.1f} s")
    print(f"  grader processes: {stats.children} started, {stats.timings.get('children_startup', 0):.1f} s of start-up "
          f"(summed over processes)")
    print(f"\nper submission, summed over the class (CPU-parallel, so sums exceed the wall): {main_seconds:.1f} s")
    print(f"  checks (task durations) {task_seconds:8.1f} s  {task_seconds / max(main_seconds, 1e-9):6.1%}")
    print(f"  worker/loading overhead {worker_seconds:8.1f} s  {worker_seconds / max(main_seconds, 1e-9):6.1%}")
    print(f"  queue + IPC + recording {main_seconds - child_seconds:8.1f} s  "
          f"{(main_seconds - child_seconds) / max(main_seconds, 1e-9):6.1%}")
    print("\nchecks per task, summed over the class:")
    for name, seconds in sorted(per_task.items(), key=lambda item: -item[1]):
        print(f"  {name:<18} {seconds:8.1f} s  {seconds / max(task_seconds, 1e-9):6.1%}")
    record = {"students": args.students, "workers": workers, "backend": backend.isolation, "wall_s": round(wall, 1),
              "per_minute": round(args.students / wall * 60, 1), "rerun_s": round(rerun_wall, 2),
              "timings": stats.timings, "per_task_s": {k: round(v, 1) for k, v in per_task.items()}}
    print("\n" + json.dumps(record))
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
