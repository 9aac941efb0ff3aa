"""Every mutant loses credit on the function it breaks, with the intended message; the reference scores full marks."""
import re

import pytest

from grader.grade import grade
from grader.results import Status
from grader import spec
from grader.submission.inprocess import InProcessSubmission
from tests.mutants import MUTANTS, SOLUTIONS, declared, splice


def test_the_library_covers_every_function_with_enough_mutants():
    tasks = [declared(path)[0] for path in MUTANTS]
    assert len(MUTANTS) >= 30
    assert {task.name for task in spec.tasks()} <= set(tasks)


def test_reference_scores_full_marks():
    report = grade(InProcessSubmission(SOLUTIONS))
    failures = {t.name: t.feedback for t in report.tasks if not t.passed}
    assert failures == {}
    assert report.score == report.max_score == sum(task.points for task in spec.tasks())


@pytest.mark.parametrize("path", MUTANTS, ids=lambda p: p.stem)
def test_mutant_loses_credit_with_the_intended_message(path, tmp_path):
    task, expect = declared(path)
    result = grade(InProcessSubmission(splice(path, tmp_path / "submission")), tasks=[spec.task(task)]).tasks[0]
    assert result.score < result.max_score, f"{path.stem} kept full credit"
    assert result.status in (Status.FAILED, Status.INVALID, Status.ERROR)
    assert re.search(expect, result.feedback, re.I), f"{path.stem}: expected /{expect}/ in: {result.feedback}"
