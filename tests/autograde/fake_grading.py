"""A stand-in grading backend for the autograde machinery's tests: fast, and steered by marker files.

It is loaded by the grader child processes (`fake_grading:grade`), so the pool, the gradebook, resume and kill
tests exercise the real processes without paying for the real checks. A submission folder may hold:
  pass.txt   names of tasks that pass, one per line (the others fail)
  sleep.txt  seconds to sleep before answering
  crash      os._exit(3) (the grading process dies)      hang   sleep forever (the job times out)
  raise      raise RuntimeError (a bug in the grader)     print  write junk to stdout first
"""
import os
import time
from pathlib import Path

from grader.results import Report, Status, TaskResult
from grader import spec

BACKEND_TARGET = "fake_grading:grade"


def grade(path, train=False, profile="auto", gpu_lock=None, train_cache=None):
    folder = Path(path)
    started = time.time()
    if (folder / "print").exists():
        print("junk that is not a reply", flush=True)
        os.write(1, b"more junk on fd 1\n")
    if (folder / "crash").exists():
        os._exit(3)
    if (folder / "hang").exists():
        time.sleep(3600)
    if (folder / "raise").exists():
        raise RuntimeError("a bug in the grader")
    if (folder / "sleep.txt").exists():
        time.sleep(float((folder / "sleep.txt").read_text()))
    passing = set((folder / "pass.txt").read_text().split()) if (folder / "pass.txt").exists() else set()
    tasks = spec.tasks() + (spec.training_tasks() if train else ())
    report = Report(submission=str(folder), environment={"pid": os.getpid(), "started": started, "ended": time.time(),
                                                         "profile": profile, "train_cache": train_cache})
    for task in tasks:
        passed = task.name in passing
        report.tasks.append(TaskResult(task.name, task.points if passed else 0, task.points,
                                       Status.PASSED if passed else Status.FAILED,
                                       "" if passed else f"{task.name} | is wrong", example="x = `1`" if not passed
                                       else "", output="printed ```text``` here" if not passed else "",
                                       duration=0.01))
    return report
