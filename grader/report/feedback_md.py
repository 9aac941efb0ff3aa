"""What a student reads: Markdown with the points table, then each failure's message, example and trimmed output."""
import re

from grader.report.files import not_graded_line, reading_lines
from grader.results import Status

LABELS = {Status.NOT_IMPLEMENTED: "not implemented yet"}
OUTPUT_LIMIT = 1500  # characters of the student's own prints repeated back to them


def _cell(text):
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _fenced(text):
    """A code block whose fence is longer than any run of backticks inside, so student text cannot break out."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def _trim(text, limit=OUTPUT_LIMIT):
    return text if len(text) <= limit else text[:limit] + "\n[... trimmed]"


def loading_problems(environment):
    """Lines about how the student's files were read: every file once with what it gave, its notes, the rest."""
    return [text for line, notes in reading_lines(environment) for text in [line] + [f"  note: {n}" for n in notes]]


def _loading_section(environment):
    found = reading_lines(environment)
    if not found:
        return []
    lines = ["", "## Your files", ""]
    for line, notes in found:
        lines += [f"- {_cell(line)}"] + [f"  - note: {_cell(note)}" for note in notes]
    return lines


def render_feedback(report, student=None, reason=""):
    """Markdown feedback for one student. `reason`: why the submission could not be read at all (if so)."""
    student = student or report.submission
    lines = [f"# Feedback: {_cell(student)}", "", f"**Score: {report.score:g} / {report.max_score:g}**", ""]
    if reason:
        lines += ["> Your submission could not be graded: " + _cell(reason), ""]
    lines += ["| task | points | status |", "|---|---:|---|"]
    for task in report.tasks:
        status = LABELS.get(task.status, task.status.value)
        lines.append(f"| {_cell(task.name)} | {task.score:g}/{task.max_score:g} | {status} |")
    if not_graded_line(report.environment):
        lines += ["", f"*{_cell(not_graded_line(report.environment))}*"]
    lines += _loading_section(report.environment)
    failures = [task for task in report.tasks if task.status is not Status.PASSED]
    if failures and not reason:
        lines += ["", "## What to fix"]
        for task in failures:
            lines += ["", f"### {_cell(task.name)} ({LABELS.get(task.status, task.status.value)})", ""]
            if task.feedback:
                lines += [task.feedback.strip(), ""]
            if task.example:
                lines += ["Smallest failing example:", "", _fenced(task.example), ""]
            if task.output:
                lines += ["What your code printed (trimmed):", "", _fenced(_trim(task.output)), ""]
    return "\n".join(lines).rstrip() + "\n"
