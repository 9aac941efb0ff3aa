"""The autograde run with real grader child processes and a fake grading backend: outputs, resume, parallel, failures."""
import csv
import json
import sqlite3
import zipfile

import pytest

from grader.autograde.runner import RETRY_PREFIX, UsageError, autograde
from grader.gradebook import Gradebook, GradebookBusy, read_gradebook
from grader.results import Report, Status
from grader import spec
from tests.autograde.helpers import make_student, options

ALL = [task.name for task in spec.tasks()]
POINTS = {task.name: task.points for task in spec.tasks()}


def _class(root):
    make_student(root, "alice", passing=ALL)
    make_student(root, "bob", passing=["vgg", "nin", "alexnet"])
    (root / "carol.zip").write_bytes(b"not a zip at all")
    (root / "dave").mkdir()
    return root


def _rows(out):
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        return {row[0]: row[1:] for row in db.execute("SELECT name, job_key, graded_at, score FROM submissions")}
    finally:
        db.close()


def test_outputs_follow_their_schemas(tmp_path, fake_backend):
    submissions, out = _class(tmp_path / "class"), tmp_path / "out"
    stats = autograde(options(submissions, out, fake_backend), say=lambda line: None)
    assert (stats.graded, stats.unreadable, stats.skipped) == (2, 2, 0)

    db = sqlite3.connect(out / "gradebook.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM results").fetchone()[0] == 4 * len(spec.tasks())
    run = json.loads(db.execute("SELECT environment FROM runs").fetchone()[0])
    assert {"kit_version", "torch", "device", "seeds", "isolation"} <= set(run) and run["isolation"] == "fake-for-tests"
    db.close()

    with open(out / "grades.csv", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [row["student"] for row in table] == ["alice", "bob", "carol", "dave"]
    assert list(table[0]) == ["student", *ALL, "total", "max_total", "state", "note"]
    bob = table[1]
    assert float(bob["total"]) == sum(POINTS[t] for t in ("vgg", "nin", "alexnet")) == sum(float(bob[t]) for t in ALL)
    assert table[2]["state"] == "unreadable" and "not a readable zip" in table[2]["note"]

    # reports/NAME.json is exactly Report.to_dict() of what the gradebook holds, i.e. the `grade --json` schema
    for row, report in read_gradebook(out / "gradebook.sqlite"):
        data = json.loads((out / "reports" / f"{row['name']}.json").read_text())
        assert data == report.to_dict()
        assert set(data) == set(Report("x").to_dict()) and data["submission"] == row["name"]
        assert [set(t) for t in data["tasks"]] == [{"name", "score", "max_score", "status", "feedback", "example",
                                                    "output", "duration"}] * len(spec.tasks())

        gradescope = json.loads((out / "gradescope" / row["name"] / "results.json").read_text())
        assert gradescope["score"] == sum(test["score"] for test in gradescope["tests"]) == report.score
        for test, task in zip(gradescope["tests"], report.tasks):
            assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
            assert test["status"] == ("passed" if task.passed else "failed") and test["name"] == task.name
            assert test["visibility"] in {"hidden", "after_due_date", "after_published", "visible"}

    feedback = (out / "feedback" / "bob.md").read_text()
    assert "| vgg_block | 0/10 | failed |" in feedback and "| vgg | 10/10 | passed |" in feedback
    assert "vgg_block \\| is wrong" not in feedback and "vgg_block | is wrong" in feedback  # prose, not a table cell
    assert "````text\nprinted ```text``` here\n````" in feedback  # the student's backticks cannot close the fence
    assert "could not be graded" in (out / "feedback" / "carol.md").read_text()
    assert (out / "scores.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "pass rate per task" in stats.summary_text and "unreadable" in stats.summary_text


def test_rerun_skips_force_and_only_regrade_changes_are_noticed(tmp_path, fake_backend):
    submissions, out = _class(tmp_path / "class"), tmp_path / "out"
    quiet = {"say": lambda line: None}
    autograde(options(submissions, out, fake_backend), **quiet)
    first = _rows(out)

    again = autograde(options(submissions, out, fake_backend), **quiet)
    assert (again.graded, again.unreadable, again.skipped) == (0, 0, 4) and _rows(out) == first

    (submissions / "bob" / "pass.txt").write_text("vgg\n")  # bob resubmits: only bob is regraded
    changed = autograde(options(submissions, out, fake_backend), **quiet)
    rows = _rows(out)
    assert (changed.graded, changed.skipped) == (1, 3) and rows["bob"][2] == POINTS["vgg"]
    assert {k: v for k, v in rows.items() if k != "bob"} == {k: v for k, v in first.items() if k != "bob"}

    only = autograde(options(submissions, out, fake_backend, only=("alice",)), **quiet)
    assert (only.entries, only.graded, only.skipped) == (1, 1, 0) and _rows(out)["bob"] == rows["bob"]

    forced = autograde(options(submissions, out, fake_backend, force=True), **quiet)
    assert (forced.graded, forced.unreadable, forced.skipped) == (2, 2, 0)

    trained = autograde(options(submissions, out, fake_backend, train=True, profile="cpu"), **quiet)
    assert trained.graded == 2  # another config is another job key
    assert {r[0] for r in _rows(out).values()}.isdisjoint({r[0] for r in first.values()})
    db = sqlite3.connect(out / "gradebook.sqlite")
    # every student now has one row per task, training tasks included, and nothing twice
    assert db.execute("SELECT count(*), count(DISTINCT name || '/' || task) FROM results").fetchone() == (
        4 * (len(spec.tasks()) + 3),) * 2


def test_submissions_are_graded_in_parallel_processes(tmp_path, fake_backend):
    for name in ("a", "b", "c", "d"):
        make_student(tmp_path / "class", name, sleep=1.0)
    autograde(options(tmp_path / "class", tmp_path / "out", fake_backend, workers=2), say=lambda line: None)
    spans = [(r.environment["pid"], r.environment["started"], r.environment["ended"])
             for _, r in read_gradebook(tmp_path / "out" / "gradebook.sqlite")]
    assert len({pid for pid, _, _ in spans}) == 2  # two grader children, each reused for two jobs
    overlapping = [(x, y) for x in spans for y in spans if x[0] != y[0] and x[1] < y[2] and y[1] < x[2]]
    assert overlapping


def test_one_bad_submission_never_stops_the_batch(tmp_path, fake_backend):
    root = tmp_path / "class"
    make_student(root, "crasher", crash=True)
    make_student(root, "hanger", hang=True)
    make_student(root, "buggy", **{"raise": True})
    make_student(root, "noisy", passing=ALL, print=True)  # junk on stdout must not be taken for the reply
    make_student(root, "fine", passing=ALL)
    lines = []
    stats = autograde(options(root, tmp_path / "out", fake_backend, timeout=3), say=lines.append)
    reports = {row["name"]: (row, report) for row, report in read_gradebook(tmp_path / "out" / "gradebook.sqlite")}
    assert reports["fine"][1].score == reports["noisy"][1].score == sum(POINTS.values())
    expected = {"crasher": (Status.CRASHED, "died"), "hanger": (Status.TIMEOUT, "longer than 3 s"),
                "buggy": (Status.ERROR, "RuntimeError: a bug in the grader")}
    for name, (status, words) in expected.items():
        row, report = reports[name]
        assert {t.status for t in report.tasks} == {status} and words in report.tasks[0].feedback
        assert row["job_key"].startswith(RETRY_PREFIX) and report.score == 0
    assert stats.failed_jobs == 3 and any(line.startswith("✗ crasher") for line in lines)

    (root / "hanger" / "hang").unlink()  # the machinery failed last time: the next run tries those again
    rerun = autograde(options(root, tmp_path / "out", fake_backend, timeout=3), say=lambda line: None)
    assert (rerun.graded, rerun.failed_jobs, rerun.skipped) == (1, 2, 2)


def test_bad_input_says_what_to_do(tmp_path, fake_backend):
    with pytest.raises(UsageError, match="is not a folder"):
        autograde(options(tmp_path / "nowhere", tmp_path / "out", fake_backend))
    (tmp_path / "class").mkdir()
    with pytest.raises(UsageError, match="holds no submissions"):
        autograde(options(tmp_path / "class", tmp_path / "out", fake_backend))
    make_student(tmp_path / "class", "alice")
    with pytest.raises(UsageError, match="did you mean alice"):
        autograde(options(tmp_path / "class", tmp_path / "out", fake_backend, only=("alcie",)))
    assert not (tmp_path / "out" / "gradebook.sqlite").exists()  # nothing was written for bad input
    with Gradebook(tmp_path / "out" / "gradebook.sqlite"):
        with pytest.raises(GradebookBusy, match="wait for that run"):
            autograde(options(tmp_path / "class", tmp_path / "out", fake_backend))


def test_cli_exit_codes(tmp_path, capsys):
    from grader.cli import main
    assert main(["autograde", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_zip_entries_are_graded_like_folders(tmp_path, fake_backend):
    root = tmp_path / "class"
    folder = make_student(tmp_path / "src", "erin", passing=["vgg"])
    root.mkdir()
    with zipfile.ZipFile(root / "erin.zip", "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"erin/{path.name}")
    autograde(options(root, tmp_path / "out", fake_backend), say=lambda line: None)
    [(row, report)] = read_gradebook(tmp_path / "out" / "gradebook.sqlite")
    assert (row["name"], row["kind"], report.score) == ("erin", "zip", POINTS["vgg"])


def test_training_tasks_take_turns_on_the_gpu(tmp_path):
    import fcntl

    from grader.autograde.backend import TrainingTurn
    from grader.results import TaskResult
    lock_path = tmp_path / ".gpu.lock"
    turn = TrainingTurn(str(lock_path))

    def held_elsewhere():
        with open(lock_path, "a") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return False
            except BlockingIOError:
                return True

    turn.on_result(TaskResult(spec.tasks()[0].name, 0, 5, Status.PASSED))
    assert not lock_path.exists() or not held_elsewhere()  # the fast checks run side by side
    turn.on_result(TaskResult(spec.tasks()[-1].name, 0, 5, Status.PASSED))  # the training tasks come next
    assert held_elsewhere()
    turn.release()
    assert not held_elsewhere()


def test_a_grader_that_cannot_start_stops_the_run_with_a_reason(tmp_path):
    from grader.autograde.backend import Backend
    from grader.autograde.pool import GraderStartError
    make_student(tmp_path / "class", "alice")
    broken = Backend("no_such_module_anywhere:grade", "broken-install", reusable=True)
    with pytest.raises(GraderStartError, match="no_such_module_anywhere"):
        autograde(options(tmp_path / "class", tmp_path / "out", broken, workers=1), say=lambda line: None)
    with Gradebook(tmp_path / "out" / "gradebook.sqlite"):  # the lock was released on the way out
        pass


def test_training_jobs_share_the_class_training_cache(tmp_path, fake_backend):
    for name in ("a", "b"):
        make_student(tmp_path / "class", name)
    out = tmp_path / "out"
    autograde(options(tmp_path / "class", out, fake_backend, train=True, profile="cpu", verify_cache=2),
              say=lambda line: None)
    caches = [report.environment["train_cache"] for _, report in read_gradebook(out / "gradebook.sqlite")]
    assert {c["who"] for c in caches} == {"a", "b"}  # the log names the students
    assert len({(c["folder"], c["run"], c["verify"]) for c in caches}) == 1  # one cache for the class, one run
    assert caches[0]["folder"] == str((out / "training-cache").resolve()) and caches[0]["verify"] == 2

    autograde(options(tmp_path / "class", out, fake_backend, train=True, profile="cpu", train_cache=False,
                      force=True), say=lambda line: None)
    assert [report.environment["train_cache"] for _, report in read_gradebook(out / "gradebook.sqlite")] == [None] * 2
