"""Grading time per submission, in-process vs sandboxed worker, training off; prints both and the sandbox's overhead.

    python benchmarks/sandbox_overhead.py [--submissions 3] [--tasks conv_output_size vgg_block ...]

Every submission is a fresh copy of the reference solutions. The fork server's one-time start (importing torch)
is reported on its own line; the goal is a per-submission overhead (sandboxed - in-process) of at most 1 s with
every layer this machine offers (cgroup, uid map, private root and tmpfs, Landlock, seccomp: printed first).
"""
import os
import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.grade import grade  # noqa: E402
from grader import spec  # noqa: E402
from grader.submission.inprocess import InProcessSubmission  # noqa: E402
from grader.submission.worker import WorkerSubmission  # noqa: E402
from grader.submission.forkserver import fork_server  # noqa: E402

KIT = Path(__file__).resolve().parents[1]


def _copy_reference(root, index):
    folder = root / f"student{index}"
    folder.mkdir()
    for source in (KIT / "solutions").glob("*.py"):
        if source.name != "__init__.py":
            shutil.copyfile(source, folder / source.name)
    return folder


def _timed(make, tasks):
    started = time.perf_counter()
    submission = make()
    opened = time.perf_counter()
    report = grade(submission, tasks=tasks)
    submission.close()
    finished = time.perf_counter()
    assert report.score == report.max_score, [(t.name, t.status, t.feedback) for t in report.tasks]
    return finished - started, opened - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=3)
    parser.add_argument("--tasks", nargs="+", default=[task.name for task in spec.tasks()])
    parser.add_argument("--threads", type=int, default=1, help="torch threads in this process (workers use 1): "
                        "the same on both sides, so only the sandbox differs")
    args = parser.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    tasks = [spec.task(name) for name in args.tasks]
    print(f"machine: {platform.processor() or platform.machine()}, {platform.platform()}, python {platform.python_version()}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    started = time.perf_counter()
    fork_server()
    print(f"fork server start (once per grading process, imports torch): {time.perf_counter() - started:.2f} s")
    root = Path(tempfile.mkdtemp(prefix="d2l-bench-"))
    try:
        with WorkerSubmission(_copy_reference(root, "layers")) as probe:
            print("layers: " + "; ".join(probe.isolation["layers"]))
            print("missing: " + ("; ".join(probe.isolation["missing"]) or "nothing"))
        grade(InProcessSubmission(_copy_reference(root, "warm")), tasks=tasks)  # warm the reference caches alike
        rows = []
        for index in range(args.submissions):
            folder = _copy_reference(root, index)
            inside, _ = _timed(lambda: InProcessSubmission(folder), tasks)
            outside, opened = _timed(lambda: WorkerSubmission(folder), tasks)
            rows.append((inside, outside, opened))
            print(f"submission {index}: in-process {inside:6.2f} s   sandboxed {outside:6.2f} s   "
                  f"(worker start + load {opened:.2f} s)   overhead {outside - inside:+.2f} s")
        inside, outside, opened = (statistics.median(column) for column in zip(*rows))
        print(f"median over {len(rows)}: in-process {inside:.2f} s, sandboxed {outside:.2f} s, "
              f"overhead {outside - inside:+.2f} s per submission (goal <= 1 s); worker start {opened:.2f} s; "
              f"ratio {outside / inside:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
