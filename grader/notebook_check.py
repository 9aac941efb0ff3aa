"""What a released notebook's last cell calls: grade the notebook's own functions in place and print the table."""
from grader import spec


def grade_namespace(namespace, assignment=None, timeout=60.0):
    """Report for the functions in `namespace` (a notebook's globals()), on `assignment`'s tasks (None: all)."""
    if assignment is not None and assignment not in spec.modules():
        raise ValueError(f"unknown assignment {assignment!r}; use one of {', '.join(spec.modules())}")
    # imported here, not at the top: the grader reads this module's import from notebooks it grades
    from grader.grade import grade, note_not_graded
    from grader.submission.namespace import NamespaceSubmission
    tasks = [task for task in spec.tasks() if assignment in (None, task.module)]
    submission = NamespaceSubmission(namespace, name=f"this notebook ({assignment or 'all tasks'})", timeout=timeout)
    try:
        report = grade(submission, tasks=tasks)
    finally:
        submission.close()
    training = [task for task in spec.training_tasks() if assignment in (None, task.module)]
    return note_not_graded(report, training, "training runs under pytest: pytest --submission assignments/notebooks")


def check(namespace, assignment=None, timeout=60.0):
    """Grade and print the points table, as `pytest` does; returns nothing (so Jupyter shows only the table)."""
    from grader.report.table import render
    print(render(grade_namespace(namespace, assignment, timeout)))
