"""What a released notebook's last cell calls: grade the notebook's own functions in place and print the table."""
from grader import spec
from grader.i18n import N_, _

# why a notebook's check cell lists the training tasks as not graded (translated where the report stores it)
TRAINING_ELSEWHERE = N_("training runs under pytest: pytest --submission {folder}")
NOTEBOOKS = {"en": "assignments/notebooks", "zh": "assignments_zh/notebooks --lang zh"}  # where check() was released


def grade_namespace(namespace, assignment=None, timeout=60.0, folder=NOTEBOOKS["en"]):
    """Report for the functions in `namespace` (a notebook's globals()), on `assignment`'s tasks (None: all)."""
    if assignment is not None and assignment not in spec.modules():
        raise ValueError(f"unknown assignment {assignment!r}; use one of {', '.join(spec.modules())}")
    # imported here, not at the top: the grader reads this module's import from notebooks it grades
    from grader.grade import grade, note_not_graded
    from grader.submission.namespace import NamespaceSubmission
    tasks = [task for task in spec.tasks() if assignment in (None, task.module)]
    name = _("this notebook ({assignment})").format(assignment=assignment) if assignment else \
        _("this notebook (all tasks)")
    submission = NamespaceSubmission(namespace, name=name, timeout=timeout)
    try:
        report = grade(submission, tasks=tasks)
    finally:
        submission.close()
    training = [task for task in spec.training_tasks() if assignment in (None, task.module)]
    return note_not_graded(report, training, _(TRAINING_ELSEWHERE).format(folder=folder))


def check(namespace, assignment=None, timeout=60.0, lang=None):
    """Grade and print the points table, as `pytest` does; returns nothing (so Jupyter shows only the table).
    `lang` ("zh", "en"; assignments_zh/'s notebooks pass "zh"): the language of the table and feedback (None:
    $D2L_GRADER_LANG, else the kernel's locale, else English — as for pytest)."""
    from grader.i18n import resolve_language, using_language
    from grader.report.table import render
    folder = NOTEBOOKS["zh"] if lang and resolve_language(lang) == "zh" else NOTEBOOKS["en"]
    with using_language(resolve_language(lang)):
        print(render(grade_namespace(namespace, assignment, timeout, folder)))
