"""What a student reads: Markdown with the points table, then each failure's message, example and trimmed output."""
import re

from grader.i18n import _
from grader.report.files import not_graded_line, reading_lines
from grader.report.labels import status_label
from grader.results import Status

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
    return text if len(text) <= limit else text[:limit] + "\n" + _("[... trimmed]")


def loading_problems(environment):
    """Lines about how the student's files were read: every file once with what it gave, its notes, the rest."""
    return [text for line, notes in reading_lines(environment)
            for text in [line] + ["  " + _("note: {note}").format(note=n) for n in notes]]


def _loading_section(environment):
    found = reading_lines(environment)
    if not found:
        return []
    lines = ["", "## " + _("Your files"), ""]
    for line, notes in found:
        lines += [f"- {_cell(line)}"] + ["  - " + _("note: {note}").format(note=_cell(note)) for note in notes]
    return lines


def render_feedback(report, student=None, reason=""):
    """Markdown feedback for one student. `reason`: why the submission could not be read at all (if so)."""
    student = student or report.submission
    lines = ["# " + _("Feedback: {student}").format(student=_cell(student)), "",
             "**" + _("Score: {score} / {max_score}").format(score=f"{report.score:g}",
                                                             max_score=f"{report.max_score:g}") + "**", ""]
    if reason:
        lines += ["> " + _("Your submission could not be graded: {reason}").format(reason=_cell(reason)), ""]
    lines += [f"| {_cell(_('task'))} | {_cell(_('points'))} | {_cell(_('status'))} |", "|---|---:|---|"]
    for task in report.tasks:
        status = _cell(status_label(task.status))
        lines.append(f"| {_cell(task.name)} | {task.score:g}/{task.max_score:g} | {status} |")
    if not_graded_line(report.environment):
        lines += ["", f"*{_cell(not_graded_line(report.environment))}*"]
    lines += _loading_section(report.environment)
    failures = [task for task in report.tasks if task.status is not Status.PASSED]
    if failures and not reason:
        lines += ["", "## " + _("What to fix")]
        for task in failures:
            lines += ["", "### " + _("{task} ({status})").format(task=_cell(task.name),
                                                               status=status_label(task.status)), ""]
            if task.feedback:
                lines += [task.feedback.strip(), ""]
            if task.example:
                lines += [_("Smallest failing example:"), "", _fenced(task.example), ""]
            if task.output:
                lines += [_("What your code printed (trimmed):"), "", _fenced(_trim(task.output)), ""]
    return "\n".join(lines).rstrip() + "\n"
