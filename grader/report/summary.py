"""The class at a glance: students per state, task results per status, per-task pass rates, score distribution."""
import statistics
from collections import Counter
from dataclasses import dataclass, field

from grader.report.csv_export import task_columns
from grader.results import Status

BINS = 10


@dataclass
class ClassSummary:
    students: int = 0
    unreadable: int = 0
    status_counts: dict = field(default_factory=dict)   # status value -> number of task results
    pass_rates: dict = field(default_factory=dict)      # task -> (passed, graded)
    scores: list = field(default_factory=list)          # total of each student, sorted
    max_score: float = 0


def summarize(rows):
    """`rows`: (submission row dict, Report) pairs from the gradebook."""
    summary = ClassSummary(students=len(rows))
    reports = [report for _, report in rows]
    counts = Counter(task.status.value for report in reports for task in report.tasks)
    summary.status_counts = {status.value: counts[status.value] for status in Status if counts[status.value]}
    for name in task_columns(reports):
        results = [task for report in reports for task in report.tasks if task.name == name]
        summary.pass_rates[name] = (sum(task.passed for task in results), len(results))
    summary.unreadable = sum(1 for row, _ in rows if row.get("state") == "unreadable")
    summary.scores = sorted(report.score for report in reports)
    summary.max_score = max((report.max_score for report in reports), default=0)
    return summary


def histogram(scores, max_score, bins=BINS):
    """-> list of (low, high, count): `bins` equal bins over [0, max_score]; the top bin includes max_score."""
    if max_score <= 0:
        return []
    width = max_score / bins
    counts = [0] * bins
    for score in scores:
        counts[min(int(score / width), bins - 1)] += 1
    return [(i * width, (i + 1) * width, counts[i]) for i in range(bins)]


def render_summary(summary):
    """Plain text for the terminal."""
    lines = [f"students: {summary.students}" + (f" ({summary.unreadable} unreadable)" if summary.unreadable else "")]
    if summary.status_counts:
        lines.append("task results: " + ", ".join(f"{status} {n}" for status, n in summary.status_counts.items()))
    if summary.pass_rates:
        lines.append("pass rate per task:")
        width = max(len(name) for name in summary.pass_rates)
        for name, (passed, graded) in summary.pass_rates.items():
            rate = passed / graded if graded else 0.0
            lines.append(f"  {name:<{width}}  {passed:>4}/{graded:<4} {rate:6.1%}  {'#' * round(rate * 20)}")
    if summary.scores:
        scores = summary.scores
        lines.append(f"score (out of {summary.max_score:g}): min {scores[0]:g}, median {statistics.median(scores):g}, "
                     f"mean {statistics.fmean(scores):.1f}, max {scores[-1]:g}")
        bins = histogram(scores, summary.max_score)
        top = max(count for _, _, count in bins) or 1
        for low, high, count in bins:
            lines.append(f"  {low:5.1f}–{high:5.1f}  {count:>4}  {'#' * round(count / top * 30)}")
    return "\n".join(lines)


def plot_histogram(summary, path):
    """Write a PNG histogram of the totals to `path` (matplotlib's Agg canvas directly: no display, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    bins = histogram(summary.scores, summary.max_score) or [(0, 1, 0)]
    figure = Figure(figsize=(6, 3.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.bar([low for low, _, _ in bins], [count for _, _, count in bins],
             width=bins[0][1] - bins[0][0], align="edge", edgecolor="black", color="#4c72b0")
    axes.set_xlabel(f"total score (out of {summary.max_score:g})")
    axes.set_ylabel("students")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"{summary.students} students" + (f", {summary.unreadable} unreadable" if summary.unreadable else ""))
    axes.set_xlim(0, max(summary.max_score, 1))
    figure.tight_layout()
    figure.savefig(path, format="png")
