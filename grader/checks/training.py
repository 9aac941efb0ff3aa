"""The training tasks: the student's network, rebuilt from its description, must learn Fashion-MNIST past a threshold."""
from grader.i18n import _
from grader.results import Status, TaskResult


def check_training(submission, task, profile="auto", data_root=None, seed=0, download=False, cache=None, **ignored):
    """TaskResult of `task` (a training task of grader.spec): train its model's network under `profile`.

    `cache`: None, or a training.reuse.CacheUse as a plain dict ({"folder", "verify", "run"}): a network trained
    before under the same key reuses the recorded result, and the feedback says so."""
    from grader.training.data import BadDataFile, DataNotFound
    from grader.training.reuse import CacheUse
    from grader.training.runner import run_training

    try:
        outcome = run_training(task.training.model, submission, profile=profile, seed=seed, data_root=data_root,
                               download=download, cache=CacheUse.from_dict(cache))
    except (DataNotFound, BadDataFile) as error:  # the grader's machine lacks data: not the student's fault
        return TaskResult(task.name, 0, task.points, Status.SKIPPED,
                          _("not trained: {error}").format(error=error))
    status = Status(outcome.status)
    record = outcome.record
    example = (_("{profile} profile, seed {seed}, {steps} steps on {device}").format(
        profile=record.get("profile"), seed=seed, steps=record.get("steps"), device=record.get("device"))
        if record.get("device") else "")
    return TaskResult(task.name, task.points if status is Status.PASSED else 0, task.points, status,
                      outcome.feedback, example=example)
