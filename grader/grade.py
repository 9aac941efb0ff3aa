"""Grade one submission: run each task's check in order, honour task dependencies, collect a Report; or grade a path."""
import platform
import shutil
import tempfile
import time
from pathlib import Path

from grader import __version__, spec
from grader.checks import check_for
from grader.i18n import N_, _
from grader.results import Report, Status, TaskResult


def environment(**extra):
    import hypothesis
    import torch
    return {"kit_version": __version__, "torch": torch.__version__, "hypothesis": hypothesis.__version__,
            "python": platform.python_version(), "platform": platform.platform(),
            "device": "cuda" if torch.cuda.is_available() else "cpu", "describe_seed": spec.DESCRIBE_SEED,
            "hypothesis_profile": "derandomized, no database", **extra}


def grade_task(task, submission, options=None):
    """One task's result; a crash inside the grader itself becomes an `error` result, never an exception."""
    started = time.perf_counter()
    try:
        result = check_for(task)(submission, task=task, **(options or {}))
    except Exception as error:  # a bug in a check must not hide the other tasks
        result = TaskResult(task.name, 0, task.points, Status.ERROR,
                            _("the grader failed while checking this task ({error}); please report it").format(
                                error=f"{type(error).__name__}: {error}"))
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


TRAINING_OFF = N_("training switched off by --no-train")


def note_not_graded(report, tasks, why=TRAINING_OFF):
    """Say in `report` that `tasks` were not graded at all (not counted in the total or the maximum); -> report.

    A training task switched off is a setting, the same for every student, so it counts nowhere; one skipped
    because a builder it needs failed is the student's work, and keeps its points in the maximum (0/5). `why` is
    an N_()-marked message, stored translated (the report is in the grading's language)."""
    if tasks:
        report.environment["not_graded"] = {"tasks": [task.name for task in tasks], "why": _(why)}
    return report


def grade(submission, tasks=None, train=False, training_options=None, on_result=None):
    """Report for `submission` (any backend). Training tasks run only when `train` and their builders passed;
    with `train` off (and no explicit `tasks`) they are listed as not graded."""
    report = note_loading(Report(submission=submission.name, environment=environment()), submission)
    if tasks is None:
        note_not_graded(report, () if train else spec.training_tasks())
    tasks = list(tasks or (spec.tasks() + (spec.training_tasks() if train else ())))
    for task in tasks:
        failed_needs = [need for need in task.needs if (r := report.task(need)) is not None and not r.passed]
        if failed_needs:
            result = TaskResult(task.name, 0, task.points, Status.SKIPPED,
                                _("not trained: fix {tasks} first (its checks fail)").format(
                                    tasks=", ".join(failed_needs)))
        else:
            result = grade_task(task, submission, training_options if task.is_training else None)
        report.tasks.append(result)
        if on_result:
            on_result(result)
    return report


def training_options(profile, train_cache=None):
    """The options every training check of one grading gets."""
    return {"profile": profile, **({"cache": train_cache} if train_cache else {})}


NO_SANDBOX = {"layers": [], "missing": ["--in-process: the submission ran inside the grader, without any sandbox"]}


def grade_path(path, train=False, sandbox=True, profile="auto", timeout=None, budget=None, on_result=None,
               train_cache=None):
    """Report for the submission at `path` (a folder, or one .py/.ipynb/.zip file), staged as autograde stages
    it; student code runs in a worker unless `sandbox=False` (your own code only). `timeout`/`budget`: seconds
    for one call / all calls of the submission (default: sandbox.Limits). `train_cache`: None (train every time)
    or a training cache's plain dict (training.reuse.CacheUse.to_dict()).
    `environment["isolation"]` lists the active layers. Raises SubmissionNotFound for an unreadable entry."""
    from grader.collect import stage
    from grader.submission.loader import SubmissionNotFound
    from grader.submission.open import open_submission
    from grader.submission.sandbox import Limits

    path = Path(path)
    timeout, budget = timeout or Limits.timeout, budget or Limits.budget
    # staged as autograde and the Gradescope bundle stage an entry (a copy of the kit inside is refused there),
    # so an upload gets the same grade everywhere
    scratch = Path(tempfile.mkdtemp(prefix="d2l-grade-"))
    staged = stage(path, "submission", scratch)
    if not staged.readable:
        shutil.rmtree(scratch, ignore_errors=True)
        raise SubmissionNotFound(staged.reason)
    options = {"budget": budget} if sandbox else {}
    try:
        submission = open_submission(staged.folder, sandbox=sandbox, timeout=timeout, **options)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    try:
        report = grade(submission, train=train, training_options=training_options(profile, train_cache) if train
                       else None, on_result=on_result)
        report.submission = str(path)
        report.environment["isolation"] = getattr(submission, "isolation", None) or NO_SANDBOX
    finally:
        submission.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return report
