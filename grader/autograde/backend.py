"""Which backend grades one staged submission inside a grader child process — the one place that choice is made.

The sandboxed worker (`grader.grade.grade_path(..., sandbox=True)`) is used whenever it is installed;
until then (or where it is missing) each submission is graded in-process inside its own fresh child process, so a
submission that kills its process costs only itself.
"""
import fcntl
import importlib
import importlib.util
from dataclasses import dataclass

from grader import spec


@dataclass(frozen=True)
class Backend:
    target: str      # "module:function" called in the child as function(path, train=..., profile=...) -> Report
    isolation: str   # recorded in the gradebook and part of the job key: results may differ between backends
    reusable: bool   # may one grader child grade many submissions? (no, when student code runs inside it)


SANDBOX = Backend("grader.autograde.backend:grade_sandboxed", "sandboxed-worker", reusable=True)
CHILD_PROCESS = Backend("grader.autograde.backend:grade_in_child", "in-process-child", reusable=False)


def sandbox_available():
    if importlib.util.find_spec("grader.submission.worker") is None:
        return False
    try:
        return hasattr(importlib.import_module("grader.grade"), "grade_path")
    except ImportError:
        return False


def choose_backend():
    return SANDBOX if sandbox_available() else CHILD_PROCESS


def resolve(target):
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)


def warm_up():
    """Import what grading needs (torch, hypothesis, every check) before a grader child says it is ready."""
    import grader.grade  # noqa: F401
    for module_name in sorted({task.check.split(":")[0] for task in spec.all_tasks()}):
        try:
            importlib.import_module(module_name)
        except ImportError:  # a check still missing becomes that task's `error` result, as in grader.grade
            pass


class TrainingTurn:
    """One shared GPU: grader children take turns for the training tasks only (a file lock), so the fast checks
    of several submissions still run side by side. Pass `on_result` to grade(); call release() at the end."""

    def __init__(self, lock_path):
        self.lock_path, self.lock = lock_path, None

    def on_result(self, result):
        if self.lock_path and self.lock is None and result.name == spec.tasks()[-1].name:  # training comes next
            self.lock = open(self.lock_path, "a")
            fcntl.flock(self.lock, fcntl.LOCK_EX)

    def release(self):
        if self.lock is not None:
            self.lock.close()  # closing drops the flock
            self.lock = None


def grade_sandboxed(path, train=False, profile="auto", gpu_lock=None, timeout=None, budget=None, train_cache=None):
    from grader.grade import grade_path
    turn = TrainingTurn(gpu_lock if train else None)
    try:
        return grade_path(path, train=train, sandbox=True, profile=profile, timeout=timeout, budget=budget,
                          on_result=turn.on_result, train_cache=train_cache)
    finally:
        turn.release()


def grade_in_child(path, train=False, profile="auto", gpu_lock=None, timeout=None, budget=None, train_cache=None):
    from grader.grade import grade, training_options
    from grader.submission.open import open_submission
    from grader.submission.sandbox import Limits
    submission = open_submission(path, sandbox=False, timeout=timeout or Limits.timeout)  # no budget in process
    turn = TrainingTurn(gpu_lock if train else None)
    try:
        return grade(submission, train=train, training_options=training_options(profile, train_cache) if train
                     else None, on_result=turn.on_result)
    finally:
        turn.release()
        submission.close()
