"""The class gradebook: one SQLite file in WAL mode, the source of truth for every export; one writer at a time.

Tables: `runs` (each autograde run's config and environment), `submissions` (one row per student: entry, content
hash, job key, when, total), `results` (one row per task of each student). A student's row and task rows are
replaced together in one transaction, so a kill at any moment leaves either the old grade or the new one.
Every text is stored as valid UTF-8 (grader.safe_text): a lone surrogate from a submission never fails a write.
"""
import fcntl
import json
import os
import sqlite3
import time
from pathlib import Path

from grader.results import Report, Status, TaskResult
from grader.safe_text import clean, clean_data

SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    config TEXT NOT NULL,        -- JSON: train, profile, tasks and points, backend, workers
    environment TEXT NOT NULL    -- JSON: kit and torch versions, device, seeds, isolation layers
);
CREATE TABLE IF NOT EXISTS submissions (
    name TEXT PRIMARY KEY,       -- the student (the entry's name)
    entry TEXT NOT NULL,         -- the entry in SUBMISSIONS (alice.zip, bob/, carol.ipynb)
    kind TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    job_key TEXT NOT NULL,       -- hash(content, kit version, config): equal key = nothing to regrade
    state TEXT NOT NULL CHECK (state IN ('graded', 'unreadable')),
    reason TEXT NOT NULL DEFAULT '',
    score NUMERIC NOT NULL,      -- NUMERIC keeps 10 as 10 and 2.5 as 2.5: exports equal the original report
    max_score NUMERIC NOT NULL,
    graded_at TEXT NOT NULL,
    wall_time REAL NOT NULL DEFAULT 0,
    run_id INTEGER REFERENCES runs (id),
    environment TEXT NOT NULL DEFAULT '{}',
    graded_commit TEXT NOT NULL DEFAULT ''  -- a git checkout's commit whose assignments/ was graded
);
CREATE TABLE IF NOT EXISTS results (
    name TEXT NOT NULL REFERENCES submissions (name) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    task TEXT NOT NULL,
    score NUMERIC NOT NULL,
    max_score NUMERIC NOT NULL,
    status TEXT NOT NULL,
    feedback TEXT NOT NULL DEFAULT '',
    example TEXT NOT NULL DEFAULT '',
    output TEXT NOT NULL DEFAULT '',
    duration REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (name, task)
);
"""


class GradebookBusy(Exception):
    """Another process holds the writer lock of this gradebook."""


def _now():
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class Gradebook:
    """The single writer. Opening it takes an exclusive lock file beside the database until close()."""

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.path.with_name(self.path.name + ".lock"), "a+")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.seek(0)
            holder = self._lock.read().strip() or "another process"
            self._lock.close()
            raise GradebookBusy(f"{self.path} is being written by {holder}; wait for that run to finish "
                                f"(or use another --out)") from None
        self._lock.seek(0)
        self._lock.truncate()
        self._lock.write(f"pid {os.getpid()}\n")
        self._lock.flush()
        self.db = sqlite3.connect(self.path, isolation_level=None)  # explicit BEGIN/COMMIT below
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # a committed grade survives even a power cut
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(submissions)")}
        if "graded_commit" not in columns:  # a gradebook written before commits were recorded
            self.db.execute("ALTER TABLE submissions ADD COLUMN graded_commit TEXT NOT NULL DEFAULT ''")
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))

    def close(self):
        self.db.close()
        self._lock.close()  # releases the flock

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def start_run(self, config, environment):
        cursor = self.db.execute("INSERT INTO runs (started, config, environment) VALUES (?, ?, ?)",
                                 (_now(), _json(config), _json(environment)))
        return cursor.lastrowid

    def update_run(self, run_id, environment=None, finished=False):
        if environment is not None:
            self.db.execute("UPDATE runs SET environment = ? WHERE id = ?", (_json(environment), run_id))
        if finished:
            self.db.execute("UPDATE runs SET finished = ? WHERE id = ?", (_now(), run_id))

    def job_keys(self):
        """student name -> job key of the grade on record."""
        return dict(self.db.execute("SELECT name, job_key FROM submissions"))

    def record(self, staged, job_key, report, run_id, wall_time=0.0):
        """Replace `staged.name`'s grade with `report`, all in one transaction."""
        state = "graded" if staged.readable else "unreadable"
        name = clean(staged.name)
        rows = [(name, position, clean(t.name), t.score, t.max_score, t.status.value, clean(t.feedback),
                 clean(t.example), clean(t.output), float(t.duration)) for position, t in enumerate(report.tasks)]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM results WHERE name = ?", (name,))
            self.db.execute("INSERT OR REPLACE INTO submissions (name, entry, kind, content_hash, job_key, state, "
                            "reason, score, max_score, graded_at, wall_time, run_id, environment, graded_commit) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (name, clean(staged.entry), staged.kind, staged.content_hash, job_key, state,
                             clean(staged.reason), report.score, report.max_score, _now(),
                             round(wall_time, 3), run_id, _json(report.environment), getattr(staged, "commit", "")))
            self.db.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise


def _json(data):
    return json.dumps(clean_data(data), sort_keys=True)


def read_gradebook(path):
    """-> list of (submission row dict, Report), sorted by student name; read-only, works while a run writes."""
    db = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        submissions = [dict(row) for row in db.execute("SELECT * FROM submissions ORDER BY name")]
        results = {}
        for row in db.execute("SELECT * FROM results ORDER BY name, position"):
            results.setdefault(row["name"], []).append(
                TaskResult(row["task"], row["score"], row["max_score"], Status(row["status"]), row["feedback"],
                           row["example"], row["output"], row["duration"]))
    finally:
        db.close()
    out = []
    for row in submissions:
        report = Report(submission=row["name"], tasks=results.get(row["name"], []),
                        environment=json.loads(row["environment"] or "{}"))
        out.append((row, report))
    return out


def read_runs(path):
    db = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in db.execute("SELECT * FROM runs ORDER BY id")]
    finally:
        db.close()
