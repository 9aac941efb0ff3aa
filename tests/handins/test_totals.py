"""One work, one total: the student's pytest, `grader grade` and `autograde` agree on the score and the maximum for
the same settings (training switched off is not graded in any of them), and every report lists each file once."""
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import torch  # noqa: F401 — imported out here: importing torch's C extension again inside pytester crashes

from grader.autograde.runner import Options, autograde
from grader.grade import grade_path
from tests.handins import copy_handin

ROOT = Path(__file__).resolve().parents[2]
pytest_plugins = ["pytester"]


@pytest.fixture
def student(pytester, monkeypatch):
    shutil.copy(ROOT / "test_assignments.py", pytester.path / "test_assignments.py")
    monkeypatch.delitem(sys.modules, "test_assignments", raising=False)  # see tests/test_pytest_plugin.py
    return pytester


def _total(text):
    return re.search(r"^total\s+([\d.]+)/([\d.]+)$", text, re.M).groups()


def test_pytest_grade_and_autograde_give_the_same_total_without_training(student, tmp_path):
    work = copy_handin("book_vgg", tmp_path / "class" / "alice", tmp_path / "marker")
    result = student.runpytest("test_assignments.py", "--submission", str(work), "--no-train")
    result.assert_outcomes(passed=1, failed=8, skipped=3)
    in_pytest = _total(result.stdout.str())
    result.stdout.fnmatch_lines(["*not graded: train_alexnet, train_vgg, train_nin (training switched off by "
                                 "--no-train); not counted*"])

    graded = grade_path(work, train=False, sandbox=True)
    autograde(Options(submissions=tmp_path / "class", out=tmp_path / "grades", workers=1, train=False,
                      progress=False), say=lambda line: None)
    report = json.loads((tmp_path / "grades" / "reports" / "alice.json").read_text())
    in_autograde = (f"{report['score']:g}", f"{report['max_score']:g}")
    assert in_pytest == (f"{graded.score:g}", f"{graded.max_score:g}") == in_autograde == ("13.33", "90")
    assert report["environment"]["not_graded"]["tasks"] == ["train_alexnet", "train_vgg", "train_nin"]
    feedback = (tmp_path / "grades" / "feedback" / "alice.md").read_text()
    assert "*not graded: train_alexnet, train_vgg, train_nin" in feedback


def test_a_file_that_is_there_but_unreadable_is_said_once(tmp_path):
    folder = tmp_path / "bob"
    folder.mkdir()
    (folder / "vgg.ipynb").write_text('{"cells": [')  # cut short by a failed upload
    (folder / "counting.py").write_text("def conv_output_size(size, kernel_size, stride=1, padding=0):\n"
                                        "    return (size + 2 * padding - kernel_size) // stride + 1\n")
    report = grade_path(folder, sandbox=False)
    rows = {task.name: task for task in report.tasks}
    assert rows["vgg_block"].status.value == rows["vgg"].status.value == "unreadable"
    assert rows["nin"].status.value == "missing"
    text = json.dumps(report.to_dict())
    assert text.count("not valid notebook JSON") == 1  # under its file, and nowhere else
    [listed] = [s for s in report.environment["sources"] if s["file"] == "vgg.ipynb"]
    assert listed["status"] == "unreadable" and "load_problems" not in report.environment
    from grader.report.feedback_md import render_feedback
    from grader.report.table import render
    for shown in (render(report), render_feedback(report)):
        assert shown.count("not valid notebook JSON") == 1 and shown.count("counting.py: conv_output_size") == 1
