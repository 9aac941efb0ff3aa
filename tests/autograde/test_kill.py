"""kill -9 in the middle of a run, then the same command again: nothing recorded is lost or duplicated."""
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from grader.autograde.runner import STAGING_PREFIX, autograde
from grader import spec
from tests.autograde.helpers import HERE, make_student, options

STUDENTS = [f"s{i:02d}" for i in range(10)]


def _snapshot(gradebook):
    db = sqlite3.connect(f"file:{gradebook}?mode=ro", uri=True)
    try:
        rows = {name: (key, when) for name, key, when in db.execute("SELECT name, job_key, graded_at FROM submissions")}
        tasks = dict(db.execute("SELECT name, count(*) FROM results GROUP BY name"))
        return rows, tasks
    finally:
        db.close()


def _children_of(pid):
    """Grader child processes started by `pid` (their argv ends with the parent's pid)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"grader.autograde.child" in argv and argv[-2:-1] == [str(pid).encode()]:
            found.append(int(entry.name))
    return found


def test_kill_minus_9_then_rerun_loses_and_duplicates_nothing(tmp_path, fake_backend):
    for name in STUDENTS:
        make_student(tmp_path / "class", name, passing=["vgg"], sleep=0.4)
    out = tmp_path / "out"
    gradebook = out / "gradebook.sqlite"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(HERE)!r})
        from tests.autograde.helpers import options
        from grader.autograde.backend import Backend
        from grader.autograde.runner import STAGING_PREFIX, autograde
        backend = Backend("fake_grading:grade", "fake-for-tests", reusable=True)
        autograde(options({str(tmp_path / "class")!r}, {str(out)!r}, backend, workers=2))
    """)
    run = subprocess.Popen([sys.executable, "-c", script], start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if len(_snapshot(gradebook)[0]) >= 3:
                    break
            except sqlite3.OperationalError:  # not created yet
                pass
            assert run.poll() is None, run.stderr.read().decode()
            time.sleep(0.05)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        rows, tasks = _snapshot(gradebook)
        assert 3 <= len(rows) < len(STUDENTS), "the kill should land mid-run"
        assert set(tasks.values()) == {len(spec.tasks())}  # every recorded student is complete: all tasks or none
        deadline = time.monotonic() + 10
        while _children_of(run.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _children_of(run.pid), "grader children must die with their parent"
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    abandoned = list(Path(tempfile.gettempdir()).glob(f"{STAGING_PREFIX}{run.pid}-*"))
    assert abandoned  # the killed run could not clean up its staging folder...
    stats = autograde(options(tmp_path / "class", out, fake_backend), say=lambda line: None)
    assert not any(folder.exists() for folder in abandoned)  # ...the next run does
    assert (stats.skipped, stats.graded) == (len(rows), len(STUDENTS) - len(rows))
    after_rows, after_tasks = _snapshot(gradebook)
    assert {name: after_rows[name] for name in rows} == rows  # what was recorded is kept as it was
    assert sorted(after_rows) == STUDENTS and after_tasks == {name: len(spec.tasks()) for name in STUDENTS}
    assert sorted(p.stem for p in (out / "reports").glob("*.json")) == STUDENTS
    assert not list(out.rglob("*.tmp"))
