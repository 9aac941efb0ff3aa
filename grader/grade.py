"""Grade one submission: run each task's check in order, honour task dependencies, collect a Report."""
import platform
import time

from grader import __version__
from grader.checks import check_for
from grader.checks.builders import SEED
from grader.results import Report, Status, TaskResult
from grader.spec import TASKS, TRAINING_TASKS


def environment(**extra):
    import hypothesis
    import torch
    return {"kit_version": __version__, "torch": torch.__version__, "hypothesis": hypothesis.__version__,
            "python": platform.python_version(), "platform": platform.platform(),
            "device": "cuda" if torch.cuda.is_available() else "cpu", "describe_seed": SEED,
            "hypothesis_profile": "derandomized, no database", **extra}


def grade_task(task, submission, options=None):
    """One task's result; a crash inside the grader itself becomes an `error` result, never an exception."""
    started = time.perf_counter()
    try:
        result = check_for(task.name)(submission, **(options or {}))
    except Exception as error:  # a bug in a check must not hide the other tasks
        result = TaskResult(task.name, 0, task.points, Status.ERROR,
                            f"the grader failed while checking this task ({type(error).__name__}: {error}); "
                            f"please report it")
    result.duration = round(time.perf_counter() - started, 3)
    return result


def note_loading(report, submission):
    """`report` with how the submission was read in its environment, where the points table prints it: every file
    once with what it gave (`sources`), then what no file explains (`load_problems`, `notes`); -> report."""
    sources = submission.sources() if hasattr(submission, "sources") else []
    listed = {source["module"] for source in sources}
    if sources:
        report.environment["sources"] = sources
    for problem_module, why in submission.problems().items():
        if problem_module not in listed:  # each load problem is said once: under its file when it has one
            report.environment.setdefault("load_problems", {})[problem_module] = why
    if submission.notes():
        report.environment["notes"] = submission.notes()
    return report


TRAINING_OFF = "training switched off by --no-train"


def note_not_graded(report, tasks, why=TRAINING_OFF):
    """Say in `report` that `tasks` were not graded at all (not counted in the total or the maximum); -> report.

    A training task switched off is a setting, the same for every student, so it counts nowhere; one skipped
    because a builder it needs failed is the student's work, and keeps its points in the maximum (0/5)."""
    if tasks:
        report.environment["not_graded"] = {"tasks": [task.name for task in tasks], "why": why}
    return report


def grade(submission, tasks=None, train=False, training_options=None, on_result=None):
    """Report for `submission` (any backend). Training tasks run only when `train` and their builders passed;
    with `train` off (and no explicit `tasks`) they are listed as not graded."""
    report = note_loading(Report(submission=submission.name, environment=environment()), submission)
    if tasks is None:
        note_not_graded(report, () if train else TRAINING_TASKS)
    tasks = list(tasks or (TASKS + (TRAINING_TASKS if train else ())))
    for task in tasks:
        failed_needs = [need for need in task.needs if (r := report.task(need)) is not None and not r.passed]
        if failed_needs:
            result = TaskResult(task.name, 0, task.points, Status.SKIPPED,
                                f"not trained: fix {', '.join(failed_needs)} first (its checks fail)")
        else:
            result = grade_task(task, submission, training_options if task in TRAINING_TASKS else None)
        report.tasks.append(result)
        if on_result:
            on_result(result)
    return report
