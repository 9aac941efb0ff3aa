"""Grading a cloned GitHub Classroom: assignments/ at the last commit before --before, the commit recorded, the
rest of each repository ignored and left untouched. The fake backend (tests/autograde) grades marker files fast."""
import sqlite3

import pytest

from grader.autograde import run as autograde_command
from grader.autograde.runner import UsageError, autograde
from grader.cli import build_parser
from grader.gradebook import read_gradebook
from grader.repos import parse_deadline
from tests.autograde.helpers import fake_backend, options  # noqa: F401 — fake_backend is a fixture
from tests.platforms.git_repos import commit, make_repo, snapshot, write

DEADLINE = "2026-11-25T23:59:00+00:00"


def _work(passing):
    """assignments/ as the fake backend reads it: vgg.py, and pass.txt naming the tasks that pass."""
    return {"assignments/vgg.py": "# my VGG\n", "assignments/pass.txt": "\n".join(passing) + "\n"}


@pytest.fixture
def classroom(tmp_path):
    root = tmp_path / "student-repos"
    alice = make_repo(root, "cnn-alice", {".github/workflows/classroom.yml": "name: Autograding Tests\n"})
    early = commit(alice, "2026-11-20T10:00:00+00:00", files=_work(["vgg_block"]))
    late = commit(alice, "2026-11-28T10:00:00+00:00", files=_work(["vgg_block", "vgg", "nin"]))  # after the deadline
    bob = make_repo(root, "cnn-bob")
    (bob / "assignments").mkdir()
    # a committed link named like the fake backend's `crash` marker: followed, it would kill the grading process
    (bob / "assignments" / "crash").symlink_to(tmp_path)
    bob_commit = commit(bob, "2026-11-24T08:00:00+08:00", files=_work(["nin_block"]))
    # after his last commit, uncommitted: edits to the tests and the workflow, an answer outside assignments/
    write(bob, {"test_assignments.py": "def test_everything():\n    pass\n", "assignments/pass.txt": "vgg\nnin\n",
                ".github/workflows/classroom.yml": "name: Autograding Tests\n# all green\n", "pass.txt": "vgg\n"})
    carol = make_repo(root, "cnn-carol")
    commit(carol, "2026-11-26T00:30:00+00:00", files=_work(["conv_output_size"]))  # only after the deadline
    return root, {"alice": (alice, early, late), "bob": (bob, bob_commit), "carol": (carol,)}


def _rows(out):
    return {row["name"]: (row, report) for row, report in read_gradebook(out / "gradebook.sqlite")}


def test_each_repository_is_graded_at_its_last_commit_before_the_deadline(classroom, fake_backend, tmp_path):
    root, repos = classroom
    before = {name: snapshot(repo[0]) for name, repo in repos.items()}
    out = tmp_path / "grades"
    stats = autograde(options(root, out, fake_backend, before=parse_deadline(DEADLINE)), say=lambda line: None)
    assert (stats.entries, stats.graded, stats.unreadable) == (3, 2, 1)
    rows = _rows(out)
    alice_row, alice = rows["cnn-alice"]
    assert alice_row["graded_commit"] == repos["alice"][1]  # the early commit, not the one after the deadline
    assert [t.name for t in alice.tasks if t.passed] == ["vgg_block"]
    bob_row, bob = rows["cnn-bob"]
    # the committed pass.txt counts; the working tree's edits, the tests, the workflow and the link do not
    assert bob_row["graded_commit"] == repos["bob"][1] and [t.name for t in bob.tasks if t.passed] == ["nin_block"]
    carol_row, carol = rows["cnn-carol"]
    assert carol_row["state"] == "unreadable" and carol.score == 0 and carol_row["graded_commit"] == ""
    assert "no commit before 2026-11-25T23:59:00+00:00" in carol_row["reason"]
    sheet = {line.split(",")[0]: line.split(",")[-1] for line in (out / "grades.csv").read_text().splitlines()}
    assert sheet["student"] == "commit" and sheet["cnn-alice"] == repos["alice"][1] and sheet["cnn-carol"] == ""
    # nothing in the students' repositories changed: no checkout, no new file, the same HEAD and status
    assert {name: snapshot(repo[0]) for name, repo in repos.items()} == before


def test_a_later_deadline_regrades_and_records_the_new_commit(classroom, fake_backend, tmp_path):
    root, repos = classroom
    out = tmp_path / "grades"
    autograde(options(root, out, fake_backend, before=parse_deadline(DEADLINE)), say=lambda line: None)
    again = autograde(options(root, out, fake_backend, before=parse_deadline(DEADLINE)), say=lambda line: None)
    assert again.skipped == 3  # same commits, same content: nothing to regrade
    later = autograde(options(root, out, fake_backend, before=parse_deadline("2026-12-01")), say=lambda line: None)
    assert later.graded == 2 and later.skipped == 1  # alice (new commit) and carol (now in time); bob unchanged
    row, report = _rows(out)["cnn-alice"]
    assert row["graded_commit"] == repos["alice"][2] and {"vgg", "nin"} <= {t.name for t in report.tasks if t.passed}
    without = autograde(options(root, out, fake_backend), say=lambda line: None)  # no deadline: HEAD
    assert _rows(out)["cnn-carol"][0]["state"] == "graded" and without.entries == 3


def test_bad_deadlines_and_folders_without_repositories_say_what_to_do(tmp_path, fake_backend, capsys):
    with pytest.raises(ValueError, match="ISO 8601, e.g. 2026-12-01T23:59:00"):
        parse_deadline("next friday")
    args = build_parser().parse_args(["autograde", str(tmp_path), "--out", str(tmp_path / "o"), "--before", "soon"])
    assert autograde_command(args) == 2 and "is not a date" in capsys.readouterr().err
    plain = tmp_path / "plain"
    (plain / "alice").mkdir(parents=True)
    (plain / "alice" / "vgg.py").write_text("x = 1\n")
    with pytest.raises(UsageError, match="no entry of .* is a git checkout"):
        autograde(options(plain, tmp_path / "o", fake_backend, before=parse_deadline(DEADLINE)))
    assert not (tmp_path / "o").exists()  # refused before anything was written


def test_an_old_gradebook_gains_the_commit_column(tmp_path, fake_backend):
    out = tmp_path / "grades"
    out.mkdir()
    db = sqlite3.connect(out / "gradebook.sqlite")  # the schema before commits were recorded
    db.executescript("CREATE TABLE submissions (name TEXT PRIMARY KEY, entry TEXT NOT NULL, kind TEXT NOT NULL, "
                     "content_hash TEXT NOT NULL, job_key TEXT NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL "
                     "DEFAULT '', score NUMERIC NOT NULL, max_score NUMERIC NOT NULL, graded_at TEXT NOT NULL, "
                     "wall_time REAL NOT NULL DEFAULT 0, run_id INTEGER, environment TEXT NOT NULL DEFAULT '{}');")
    db.close()
    repo = make_repo(tmp_path / "class", "dan")
    sha = commit(repo, "2026-11-20T10:00:00+00:00", files=_work(["alexnet"]))
    autograde(options(tmp_path / "class", out, fake_backend), say=lambda line: None)
    assert _rows(out)["dan"][0]["graded_commit"] == sha


def test_a_folder_that_points_into_another_repository_is_never_read_as_one(tmp_path, fake_backend):
    root = tmp_path / "student-repos"
    alice = make_repo(root, "alice")
    commit(alice, "2026-11-20T10:00:00+00:00", files=_work(["vgg", "nin", "alexnet"]))
    # mallory's folder: a `.git` file naming alice's repository, and her own (empty) work beside it
    mallory = root / "mallory"
    write(mallory, {"assignments/vgg.py": "# nothing yet\n"})
    (mallory / ".git").write_text(f"gitdir: {alice / '.git'}\n")
    # trudy's clone borrows alice's objects
    trudy = make_repo(root, "trudy")
    commit(trudy, "2026-11-20T11:00:00+00:00", files=_work([]))
    (trudy / ".git" / "objects" / "info" / "alternates").write_text(str(alice / ".git" / "objects") + "\n")
    out = tmp_path / "grades"
    autograde(options(root, out, fake_backend), say=lambda line: None)
    rows = _rows(out)
    assert rows["mallory"][0]["kind"] == "folder" and rows["mallory"][1].score == 0  # her own files, not alice's
    assert rows["trudy"][0]["state"] == "unreadable" and "reads another repository" in rows["trudy"][0]["reason"]
    assert rows["alice"][1].score > 0
