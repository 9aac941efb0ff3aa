"""Files under OUT, all derived from the gradebook and written atomically (temp file, then rename)."""
import json
import os
import tempfile
from pathlib import Path

from grader.gradebook import read_gradebook
from grader.report.csv_export import render_csv
from grader.report.feedback_md import render_feedback
from grader.report.gradescope import results_json
from grader.report.summary import plot_histogram, render_summary, summarize

HISTOGRAM = "scores.png"


def write_atomic(path, data):
    """Readers see the old file or the new one, never half of one (a kill mid-write leaves only a temp file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # errors="replace": the last line of defence, a lone surrogate becomes "?" instead of a crashed export
        text = {} if isinstance(data, bytes) else {"encoding": "utf-8", "errors": "replace"}
        with os.fdopen(handle, "wb" if isinstance(data, bytes) else "w", **text) as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_stale_temps(out):
    """Temp files left by a run that was killed mid-write (only call while holding the gradebook's lock)."""
    for folder in [Path(out)] + [Path(out) / sub for sub in ("reports", "feedback", "gradescope")]:
        if folder.is_dir():
            for temp in folder.rglob(".*.tmp"):
                temp.unlink(missing_ok=True)


def student_paths(out, name):
    out = Path(out)
    return {"report": out / "reports" / f"{name}.json", "feedback": out / "feedback" / f"{name}.md",
            "gradescope": out / "gradescope" / name / "results.json"}


def write_student_files(out, row, report):
    """reports/NAME.json (the `grader grade --json` schema), feedback/NAME.md, gradescope/NAME/results.json."""
    paths = student_paths(out, row["name"])
    reason = row.get("reason", "") if row.get("state") == "unreadable" else ""
    write_atomic(paths["report"], json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    write_atomic(paths["feedback"], render_feedback(report, row["name"], reason))
    summary = f"{report.score:g}/{report.max_score:g} points" + (f". Not graded: {reason}" if reason else "")
    write_atomic(paths["gradescope"], json.dumps(results_json(report, summary=summary), indent=2,
                                                 ensure_ascii=False) + "\n")
    return paths


def export_all(out, gradebook_path):
    """Rewrite every export from the gradebook; -> the ClassSummary (also printed by the caller)."""
    rows = read_gradebook(gradebook_path)
    for row, report in rows:
        write_student_files(out, row, report)
    write_atomic(Path(out) / "grades.csv", render_csv(rows))
    summary = summarize(rows)
    histogram = Path(out) / HISTOGRAM
    temp = histogram.with_name(f".{HISTOGRAM}.tmp")
    plot_histogram(summary, temp)
    os.replace(temp, histogram)
    return summary, render_summary(summary)
