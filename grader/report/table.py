"""The points table printed after `pytest`, `grader grade` and a notebook's check cell.

Columns are aligned and feedback wrapped by display width (grader.textwidth), so a Chinese table lines up in a
terminal as an English one does."""
from grader.i18n import _
from grader.report.files import not_graded_line, reading_lines
from grader.report.labels import status_label
from grader.results import Status
from grader.textwidth import display_width, pad, wrap


def render(report, width=100):
    """Plain-text table: task, points, status, then the total; feedback goes on the line below a row."""
    rows = [(_("task"), _("points"), _("status"))]
    notes = {}
    for task in report.tasks:
        rows.append((task.name, f"{task.score:g}/{task.max_score:g}", status_label(task.status)))
        # a passed task speaks only when it has something to say: a training run's accuracy, or that it was reused
        if task.feedback and task.status is not Status.NOT_IMPLEMENTED:
            notes[task.name] = task.feedback
    total = _("total")
    name_width = max(display_width(r[0]) for r in rows)
    points_width = max(display_width(r[1]) for r in rows)
    lines = []
    for name, points, status in rows:
        lines.append(f"{pad(name, name_width)}  {pad(points, points_width, '>')}  {status}")
        if name in notes:
            lines.extend(_wrap(notes[name], indent=" " * (name_width + 2), width=width))
    rule = "-" * max(display_width(line) for line in lines[:1] + lines[1:2])
    lines.insert(1, rule)
    lines.append(rule)
    lines.append(f"{pad(total, name_width)}  {report.score:g}/{report.max_score:g}")
    if not_graded_line(report.environment):
        lines.extend(_wrap(not_graded_line(report.environment), indent="", width=width))
    # how the submission was read: every file once with what it gave, then what belongs to no file
    read = reading_lines(report.environment)
    if read:
        lines.append(_("files read:") if report.environment.get("sources") else _("reading the submission:"))
    for line, notes in read:
        lines.extend(_wrap(line, indent="", width=width))
        for note in notes:
            lines.extend(_wrap(_("note: {note}").format(note=note), indent="    ", width=width))
    return "\n".join(lines)


def _wrap(text, indent, width):
    """`text`'s paragraphs wrapped to `width` display columns under `indent`: "↳ " before the first line."""
    out = []
    for paragraph in text.splitlines() or [""]:
        out.extend(wrap(paragraph, width=width, initial_indent=indent + "↳ " if not out else indent + "  ",
                        subsequent_indent=indent + "  ") or [indent])
    return out
