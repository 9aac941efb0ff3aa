"""Machinery shared by all checks: failures that carry feedback, answer validation, staged scoring, hypothesis runs."""
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis.errors import HypothesisException

from grader.i18n import _
from grader.results import Status, TaskResult
from grader import spec

# Every student meets the same examples: derandomized, no example database (nothing is written into the
# student's folder), no deadline (a worker round trip is not the student's fault), only the first bug reported.
GRADING = settings(derandomize=True, database=None, deadline=None, print_blob=False, report_multiple_bugs=False,
                   verbosity=Verbosity.quiet, suppress_health_check=list(HealthCheck),
                   phases=(Phase.explicit, Phase.generate, Phase.shrink))


class CheckFailure(Exception):
    """A wrong answer on one example: hypothesis shrinks these to the smallest example."""

    def __init__(self, feedback, example="", status=Status.FAILED):
        super().__init__(feedback)
        self.feedback, self.example, self.status = feedback, example, status


class AbortCheck(BaseException):
    """An answer that no smaller example can improve (not implemented, missing, timeout, crash): stop at once.

    A BaseException, so hypothesis does not retry it while shrinking (a timeout would cost a minute a try).
    """

    def __init__(self, status, feedback):
        super().__init__(feedback)
        self.status, self.feedback = status, feedback


SHRINKABLE = {"error", "invalid"}  # the student's code raised or returned the wrong kind: shrink to find the smallest


def require(answer, example=""):
    """The answer's value, or the reason it has none (raised as CheckFailure or AbortCheck)."""
    if answer.ok:
        return answer.value
    message = answer.message or answer.status
    if answer.output.strip():
        message += _("\nYour code printed:\n{output}").format(output=answer.output.strip()[:600])
    if answer.status in SHRINKABLE:
        raise CheckFailure(message, example, Status(answer.status))
    status = Status(answer.status) if answer.status in Status._value2member_map_ else Status.INVALID
    raise AbortCheck(status, message)


def exact_int(value, what, example=""):
    """`value` if it is exactly an int (not a bool, not a float); otherwise a failure naming what came back."""
    if type(value) is int:
        return value
    if type(value) is float:
        message = (_("{what} returned a float ({value}); it must be a plain int — use // (floor division) and int "
                     "arithmetic.") if value != int(value) else
                   _("{what} returned a float ({value}); it must be a plain int — return an int."))
        raise CheckFailure(message.format(what=what, value=repr(value)), example)
    raise _not_a_number(value, what, example)


def _not_a_number(value, what, example):
    return CheckFailure(_("{what} returned {kind} {value}; it must be a plain int.").format(
        what=what, kind=type(value).__name__, value=f"{value!r:.80}"), example, Status.INVALID)


def number(value, what, example=""):
    """`value` if it is exactly an int or a float (compared first, so a wrong float can still be explained)."""
    if type(value) in (int, float):
        return value
    raise _not_a_number(value, what, example)


def for_all(strategy, body, max_examples):
    """Run `body(example)` on derandomized examples; a CheckFailure is shrunk to the smallest failing example."""
    @settings(GRADING, max_examples=max_examples)
    @given(strategy)
    def property_(example):
        body(example)

    try:
        property_()
    except (CheckFailure, AbortCheck):
        raise
    except BaseExceptionGroup as group:  # hypothesis' FlakyFailure: the same input gave different answers
        first = next((e for e in group.exceptions if isinstance(e, CheckFailure)), None)
        raise first or CheckFailure(_("your function gave different answers for the same input; it must be "
                                      "deterministic (no randomness, no state kept between calls).")) from group
    except HypothesisException as error:
        raise CheckFailure(_("your function behaved inconsistently on the same input ({error}); it must be "
                             "deterministic.").format(error=type(error).__name__)) from error


class Stage:
    """One graded part of a task: `run()` raises CheckFailure/AbortCheck on a wrong answer."""

    def __init__(self, weight, title, run):
        self.weight, self.title, self.run = weight, title, run


def run_stages(task_name, stages):
    """Score = points × weight of the stages passed; feedback and example come from the first failing stage.

    A stage that aborts (not implemented, missing, timeout...) ends the task with that status.
    """
    points = spec.task(task_name).points
    total = sum(stage.weight for stage in stages)
    earned, first = 0.0, None
    for stage in stages:
        try:
            stage.run()
            earned += stage.weight
        except AbortCheck as abort:
            return TaskResult(task_name, 0, points, abort.status, abort.feedback)
        except CheckFailure as failure:
            if first is None:
                first = (stage, failure)
    if first is None:
        return TaskResult(task_name, points, points, Status.PASSED)
    stage, failure = first
    score = round(points * earned / total, 2)
    return TaskResult(task_name, score, points, failure.status,
                      _("{stage}: {feedback}").format(stage=stage.title, feedback=failure.feedback),
                      example=failure.example)
