"""What plain `pytest` runs: one test per graded task of your submission (assignments/ unless --submission PATH)."""
import pytest

from grader import spec


@pytest.mark.parametrize("task", spec.all_tasks(), ids=lambda task: task.name)
def test_task(task, grade_task_outcome):
    grade_task_outcome(task)
