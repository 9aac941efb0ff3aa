"""The gradebook (one writer, whole-student transactions) and the pure renderers: CSV, Gradescope, Markdown, summary."""
import csv
import io
import json
import sqlite3

import pytest

from grader.collect import Staged
from grader.gradebook import Gradebook, GradebookBusy, read_gradebook
from grader.report.csv_export import render_csv
from grader.report.feedback_md import render_feedback
from grader.report.gradescope import results_json
from grader.report.summary import histogram, render_summary, summarize
from grader.results import Report, Status, TaskResult
from grader import spec


def _report(name, scores):
    """scores: task -> (score, max, status)."""
    return Report(name, [TaskResult(task, score, top, status, feedback=f"{task}: {status.value}")
                         for task, (score, top, status) in scores.items()], environment={"seed": 0})


def _staged(name):
    return Staged(name, f"{name}.zip", "zip", folder="/x", content_hash="h-" + name)


def test_a_regrade_replaces_the_whole_student_and_numbers_round_trip(tmp_path):
    path = tmp_path / "gradebook.sqlite"
    first = _report("alice", {"vgg": (10, 10, Status.PASSED), "nin": (2.5, 10, Status.FAILED)})
    second = _report("alice", {"vgg": (0, 10, Status.ERROR)})
    with Gradebook(path) as book:
        run = book.start_run({"train": False}, {"kit_version": "x"})
        book.record(_staged("alice"), "key-1", first, run)
        [(row, report)] = read_gradebook(path)
        assert report.to_dict() == first.to_dict() and row["job_key"] == "key-1"  # 10 stays 10, 2.5 stays 2.5
        book.record(_staged("alice"), "key-2", second, run)
    [(row, report)] = read_gradebook(path)
    assert report.to_dict() == second.to_dict() and row["job_key"] == "key-2" and row["score"] == 0
    assert sqlite3.connect(path).execute("SELECT count(*) FROM results").fetchone() == (1,)


def test_a_failed_write_leaves_the_old_grade(tmp_path):
    path = tmp_path / "gradebook.sqlite"
    with Gradebook(path) as book:
        book.record(_staged("bob"), "key-1", _report("bob", {"vgg": (10, 10, Status.PASSED)}), None)
        broken = _report("bob", {"vgg": (0, 10, Status.FAILED), "nin": (0, 10, Status.FAILED)})
        broken.tasks[1].name = "vgg"  # two rows for one task: the primary key refuses the second
        with pytest.raises(sqlite3.IntegrityError):
            book.record(_staged("bob"), "key-2", broken, None)
    [(row, report)] = read_gradebook(path)
    assert (row["job_key"], report.score) == ("key-1", 10)


def test_one_writer_at_a_time(tmp_path):
    path = tmp_path / "gradebook.sqlite"
    with Gradebook(path):
        with pytest.raises(GradebookBusy, match=r"pid \d+"):
            Gradebook(path)
    Gradebook(path).close()  # free again once the first writer closed


def test_csv_has_a_column_per_task_and_defuses_formulas(tmp_path):
    rows = [({"name": "=HYPERLINK(evil)", "state": "graded"}, _report("x", {"vgg": (10, 10, Status.PASSED)})),
            ({"name": "bob", "state": "unreadable", "reason": "-not a zip"},
             _report("bob", {"count_params": (0, 10, Status.MISSING), "vgg": (0, 10, Status.MISSING)}))]
    table = list(csv.reader(io.StringIO(render_csv(rows))))
    assert table[0] == ["student", "count_params", "vgg", "total", "max_total", "state", "note"]  # the kit's order
    assert table[1] == ["'=HYPERLINK(evil)", "", "10", "10", "10", "graded", ""]  # not graded: blank, not 0
    assert table[2] == ["bob", "0", "0", "0", "20", "unreadable", "'-not a zip"]


def test_gradescope_status_is_passed_or_failed_and_output_explains():
    report = _report("a", {"vgg": (10, 10, Status.PASSED), "nin": (0, 10, Status.TIMEOUT)})
    report.tasks[1].example, report.tasks[1].output = "nin(num_classes=3)", "x" * 10_000
    data = results_json(report)
    assert [t["status"] for t in data["tests"]] == ["passed", "failed"] and data["score"] == 10
    assert data["tests"][1]["output"].startswith("[timeout] nin: timeout") and "nin(num_classes=3)" in \
        data["tests"][1]["output"] and len(data["tests"][1]["output"]) < 4100
    assert data["tests"][1]["extra_data"] == {"status": "timeout"}


def test_feedback_lists_failures_with_example_and_output():
    report = _report("carol", {"vgg": (10, 10, Status.PASSED), "nin_block": (0, 10, Status.FAILED),
                               "nin": (0, 10, Status.NOT_IMPLEMENTED)})
    report.tasks[1].example, report.tasks[1].output = "nin_block(1, 96, 11, 4, 0)", "shape | (1, 96)"
    text = render_feedback(report)
    assert "**Score: 10 / 30**" in text and "| nin | 0/10 | not implemented yet |" in text
    fix = text.split("## What to fix", 1)[1]
    assert "### vgg" not in fix and "### nin_block (failed)" in fix and "nin_block(1, 96, 11, 4, 0)" in fix
    assert "```text\nshape | (1, 96)\n```" in fix


def test_summary_counts_rates_and_histogram():
    rows = [({"name": n, "state": s}, _report(n, scores)) for n, s, scores in [
        ("a", "graded", {"vgg": (10, 10, Status.PASSED), "nin": (10, 10, Status.PASSED)}),
        ("b", "graded", {"vgg": (10, 10, Status.PASSED), "nin": (0, 10, Status.FAILED)}),
        ("c", "unreadable", {"vgg": (0, 10, Status.MISSING), "nin": (0, 10, Status.MISSING)})]]
    summary = summarize(rows)
    assert summary.status_counts == {"passed": 3, "failed": 1, "missing": 2} and summary.unreadable == 1
    assert summary.pass_rates == {"vgg": (2, 3), "nin": (1, 3)} and summary.scores == [0, 10, 20]
    # 10 bins of width 2 over [0, 20]: 0 -> bin 0, 10 -> bin 5, and the maximum 20 -> the last bin
    assert [count for _, _, count in histogram(summary.scores, 20)] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]
    text = render_summary(summary)
    assert "students: 3 (1 unreadable)" in text and "median 10" in text


def test_gradescope_entry_point_explains_an_unreadable_upload(tmp_path):
    from grader.autograde.gradescope_run import main
    upload = tmp_path / "submission"
    upload.mkdir()
    (upload / "hw.zip").write_bytes(b"PK\x03\x04 cut short")  # Gradescope keeps an uploaded zip as a file
    results = tmp_path / "results" / "results.json"
    assert main([str(upload), str(results), "--no-train"]) == 0
    data = json.loads(results.read_text())
    assert data["score"] == 0 and "not a readable zip" in data["output"]
    assert {t["status"] for t in data["tests"]} == {"failed"} and len(data["tests"]) == len(spec.tasks())
