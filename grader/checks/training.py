"""The training tasks: the student's network, rebuilt from its description, must learn Fashion-MNIST past a threshold."""
from grader.results import Status, TaskResult
from grader.spec import TASKS_BY_NAME


def _check(model, submission, profile="auto", data_root=None, seed=0, download=False, **ignored):
    from grader.training.data import BadDataFile, DataNotFound
    from grader.training.runner import run_training

    task = TASKS_BY_NAME[f"train_{model}"]
    try:
        outcome = run_training(model, submission, profile=profile, seed=seed, data_root=data_root,
                               download=download)
    except (DataNotFound, BadDataFile) as error:  # the grader's machine lacks data: not the student's fault
        return TaskResult(task.name, 0, task.points, Status.SKIPPED, f"not trained: {error}")
    status = Status(outcome.status)
    record = outcome.record
    example = (f"{record.get('profile')} profile, seed {seed}, {record.get('steps')} steps on {record.get('device')}"
               if record.get("device") else "")
    return TaskResult(task.name, task.points if status is Status.PASSED else 0, task.points, status,
                      outcome.feedback, example=example)


def check_train_alexnet(submission, profile="auto", data_root=None, seed=0, **options):
    return _check("alexnet", submission, profile, data_root, seed, **options)


def check_train_vgg(submission, profile="auto", data_root=None, seed=0, **options):
    return _check("vgg", submission, profile, data_root, seed, **options)


def check_train_nin(submission, profile="auto", data_root=None, seed=0, **options):
    return _check("nin", submission, profile, data_root, seed, **options)
