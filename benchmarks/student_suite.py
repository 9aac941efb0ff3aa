"""Wall time of the student's suite on the reference solutions (training off): per task, and the whole `pytest` run.

Usage: python benchmarks/student_suite.py   (goal: the whole run ≤ 60 s on 2 cores)
"""
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def per_task():
    from grader.grade import grade
    from grader.submission.inprocess import InProcessSubmission
    started = time.perf_counter()
    report = grade(InProcessSubmission(ROOT / "solutions"))
    total = time.perf_counter() - started
    for task in report.tasks:
        print(f"  {task.name:<18} {task.duration:6.2f} s  {task.status.value}")
    print(f"  {'all checks':<18} {total:6.2f} s  ({report.score:g}/{report.max_score:g} points)")


def whole_run():
    command = [sys.executable, "-m", "pytest", "-q", "--submission", "solutions", "--no-train", "test_assignments.py"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    print(f"  `pytest --submission solutions --no-train`: {elapsed:.1f} s wall "
          f"(exit {done.returncode}; {done.stdout.strip().splitlines()[-1]})")
    return elapsed


if __name__ == "__main__":
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print("per task, in one process (imports already paid):")
    per_task()
    print("the whole student run, as a student starts it (interpreter, imports, collection included):")
    elapsed = whole_run()
    print(f"ratio to the 60 s goal: {elapsed / 60:.2f}")
