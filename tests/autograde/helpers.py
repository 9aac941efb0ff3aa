"""Helpers for the autograde tests: a fake grading backend the grader children can import, and class builders."""
import os
from pathlib import Path

import pytest

from grader.autograde.backend import Backend
from grader.autograde.runner import Options

HERE = Path(__file__).resolve().parent


@pytest.fixture
def fake_backend(monkeypatch):
    """A Backend whose children grade with tests/autograde/fake_grading.py (marker files steer it)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])))
    return Backend("fake_grading:grade", "fake-for-tests", reusable=True)


def make_student(root, name, passing=(), **markers):
    """A student folder under `root`: pass.txt lists passing tasks; markers (sleep=0.5, crash=True...) steer it."""
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vgg.py").write_text(f"# {name}'s work\n")
    (folder / "pass.txt").write_text("\n".join(passing) + "\n")
    for marker, value in markers.items():
        if marker == "sleep":
            (folder / "sleep.txt").write_text(str(value))
        elif value:
            (folder / marker).write_text("")
    return folder


def options(submissions, out, backend, **overrides):
    return Options(**{"submissions": Path(submissions), "out": Path(out), "workers": 2, "train": False,
                      "backend": backend, "progress": False, **overrides})
