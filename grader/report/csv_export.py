"""The class spreadsheet: one row per student, a column per task (points), the total, and why a row is empty."""
import csv
import io

from grader import spec

FIXED_COLUMNS = ("student",)
TRAILING_COLUMNS = ("total", "max_total", "state", "note")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet apps run cells that start with these


def task_columns(reports):
    """Task names present in any report, in the kit's task order (unknown names last, sorted)."""
    present = {task.name for report in reports for task in report.tasks}
    known = [task.name for task in spec.all_tasks() if task.name in present]
    return known + sorted(present - set(known))


def _text_cell(value):
    value = str(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _number(value):
    return f"{value:g}"


def render_csv(rows):
    """`rows`: (submission row dict from the gradebook, Report) pairs -> CSV text. A task not graded is blank."""
    reports = [report for _, report in rows]
    tasks = task_columns(reports)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    commits = any(row.get("graded_commit") for row, _ in rows)  # cloned repositories: which commit was graded
    writer.writerow(FIXED_COLUMNS + tuple(tasks) + TRAILING_COLUMNS + (("commit",) if commits else ()))
    for row, report in rows:
        scores = {task.name: _number(task.score) for task in report.tasks}
        note = row.get("reason", "") if row.get("state") == "unreadable" else ""
        writer.writerow([_text_cell(row["name"])] + [scores.get(name, "") for name in tasks]
                        + [_number(report.score), _number(report.max_score), row.get("state", "graded"),
                           _text_cell(note)] + ([row.get("graded_commit", "")] if commits else []))
    return out.getvalue()
