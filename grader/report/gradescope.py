"""A report in Gradescope's autograder format (results.json), so the kit can run inside a Gradescope autograder.

Format per Gradescope's "Autograder Specifications": top-level score, execution_time, output, visibility,
stdout_visibility and tests [{name, score, max_score, status: "passed"|"failed", output, visibility}].
"""
from grader.i18n import _
from grader.report.feedback_md import loading_problems
from grader.report.labels import status_tag
from grader.results import Status

OUTPUT_LIMIT = 4000  # characters per test's output shown to the student


def task_output(task):
    """What a student reads about one task: its status and feedback, the smallest failing example, its output."""
    parts = []
    if task.status is not Status.PASSED:
        parts.append(f"[{status_tag(task.status)}] {task.feedback}".strip())
    if task.example:
        parts.append(_("Smallest failing example:") + "\n" + task.example)
    if task.output:
        parts.append(_("Your code printed (trimmed):") + "\n" + task.output)
    text = "\n\n".join(parts)
    return text if len(text) <= OUTPUT_LIMIT else text[:OUTPUT_LIMIT] + "\n" + _("[... trimmed]")


def results_json(report, visibility="visible", summary=""):
    """The results.json object for one report (plain data, ready for json.dump)."""
    tests = [{"name": task.name, "score": task.score, "max_score": task.max_score,
              "status": "passed" if task.status is Status.PASSED else "failed",
              "output": task_output(task), "visibility": visibility,
              "extra_data": {"status": task.status.value}}
             for task in report.tasks]
    points = _("{score}/{max_score} points").format(score=f"{report.score:g}", max_score=f"{report.max_score:g}")
    output = "\n".join([summary or points]
                       + [f"- {line}" for line in loading_problems(report.environment)])
    return {"score": report.score, "execution_time": round(sum(task.duration for task in report.tasks)),
            "output": output, "visibility": visibility,
            "stdout_visibility": "hidden", "tests": tests}
