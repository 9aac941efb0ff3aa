"""A failure while recording one submission costs that submission, never the run; Gradescope always gets a
results.json; strings no database or file could take are repaired before they are stored."""
import json

from grader.autograde import gradescope_run
from grader.autograde.runner import autograde
from grader.gradebook import Gradebook, read_gradebook
from grader import spec
from tests.autograde.helpers import make_student, options

ALL = [task.name for task in spec.tasks()]


def test_a_submission_that_cannot_be_recorded_costs_only_itself(tmp_path, fake_backend, monkeypatch):
    for name in ("ann", "bea", "cyd"):
        make_student(tmp_path / "class", name, passing=ALL)
    real_record = Gradebook.record

    def record(self, staged, *args, **kwargs):
        if staged.name == "bea":
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return real_record(self, staged, *args, **kwargs)

    monkeypatch.setattr(Gradebook, "record", record)
    lines = []
    stats = autograde(options(tmp_path / "class", tmp_path / "out", fake_backend), say=lines.append)
    assert (stats.graded, stats.failed_jobs) == (2, 1)
    assert sorted(row["name"] for row, _ in read_gradebook(tmp_path / "out" / "gradebook.sqlite")) == ["ann", "cyd"]
    assert any("bea" in line and "recording this submission failed" in line for line in lines)
    monkeypatch.setattr(Gradebook, "record", real_record)  # the next run grades bea again, and only her
    again = autograde(options(tmp_path / "class", tmp_path / "out", fake_backend), say=lambda line: None)
    assert (again.graded, again.skipped) == (1, 2)


def test_gradescope_gets_a_results_json_even_when_the_grader_fails(tmp_path, monkeypatch):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "vgg.py").write_text("x = 1\n")

    def broken(*args, **kwargs):
        raise RuntimeError("printing \ud800 failed")

    monkeypatch.setattr(gradescope_run, "resolve", lambda target: broken)
    results = tmp_path / "results" / "results.json"
    assert gradescope_run.main([str(submission), str(results), "--no-train"]) == 0
    data = json.loads(results.read_text(encoding="utf-8"))
    assert data["score"] == 0 and "not your code's verdict" in data["output"]
    assert all(test["status"] == "failed" and "the grader failed" in test["output"] for test in data["tests"])
