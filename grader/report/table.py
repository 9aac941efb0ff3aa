"""The points table printed after `pytest`, `grader grade` and a notebook's check cell."""
from grader.report.files import not_graded_line, reading_lines
from grader.results import Status

LABELS = {Status.NOT_IMPLEMENTED: "not implemented yet"}


def render(report, width=100):
    """Plain-text table: task, points, status, then the total; feedback goes on the line below a row."""
    rows = [("task", "points", "status")]
    notes = {}
    for task in report.tasks:
        rows.append((task.name, f"{task.score:g}/{task.max_score:g}", LABELS.get(task.status, task.status.value)))
        # a passed task speaks only when it has something to say: a training run's accuracy, or that it was reused
        if task.feedback and task.status is not Status.NOT_IMPLEMENTED:
            notes[task.name] = task.feedback
    name_width = max(len(r[0]) for r in rows)
    points_width = max(len(r[1]) for r in rows)
    lines = []
    for name, points, status in rows:
        lines.append(f"{name:<{name_width}}  {points:>{points_width}}  {status}")
        if name in notes:
            lines.extend(_wrap(notes[name], indent=" " * (name_width + 2), width=width))
    rule = "-" * max(len(line) for line in lines[:1] + lines[1:2])
    lines.insert(1, rule)
    lines.append(rule)
    lines.append(f"{'total':<{name_width}}  {report.score:g}/{report.max_score:g}")
    if not_graded_line(report.environment):
        lines.extend(_wrap(not_graded_line(report.environment), indent="", width=width))
    # how the submission was read: every file once with what it gave, then what belongs to no file
    read = reading_lines(report.environment)
    if read:
        lines.append("files read:" if report.environment.get("sources") else "reading the submission:")
    for line, notes in read:
        lines.extend(_wrap(line, indent="", width=width))
        for note in notes:
            lines.extend(_wrap(f"note: {note}", indent="    ", width=width))
    return "\n".join(lines)


def _wrap(text, indent, width):
    import textwrap
    out = []
    for paragraph in text.splitlines() or [""]:
        out.extend(textwrap.wrap(paragraph, width=width, initial_indent=indent + "↳ " if not out else indent + "  ",
                                 subsequent_indent=indent + "  ") or [indent])
    return out
