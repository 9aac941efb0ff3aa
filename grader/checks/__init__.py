"""What is asked: one check per task. Each takes a Submission and returns a TaskResult; no I/O, no printing.

Which check grades a task is declared with the task (grader.spec: `Task.check`, "module:function"); checks are
imported lazily, hypothesis and torch being heavy.
"""
import importlib


def check_for(task):
    """The check function of `task` (a grader.spec.Task), called as check(submission, task=task, **options)."""
    module_name, function_name = task.check.split(":")
    return getattr(importlib.import_module(module_name), function_name)
