"""A real class through the real grader (sandboxed worker when installed): .py, notebooks, zips, a mutant, hostile
and broken entries. Expected points come from the reference solutions and grader.spec, never from a past run.

To stay fast each graded entry holds one or two modules only; the missing ones are graded `missing` at once.
"""
import csv
import json
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from grader.autograde.backend import SANDBOX, choose_backend
from grader.autograde.runner import Options, autograde
from grader.gradebook import read_gradebook
from grader.results import Status
from grader import spec

KIT = Path(__file__).resolve().parents[2]
SOLUTIONS = KIT / "solutions"
MUTANT = KIT / "tests" / "mutants" / "nin_block__one_1x1.py"
HOSTILE = KIT / "tests" / "hostile"


def _points(module):
    return sum(task.points for task in spec.tasks() if task.module == module)


def _tasks(module):
    return [task.name for task in spec.tasks() if task.module == module]


def _with_attack(module, attack_path):
    """The reference `module` with an attack (or a mutant) appended: its later `def` replaces the reference's."""
    return (SOLUTIONS / f"{module}.py").read_text() + "\n\n# ---- appended ----\n" + Path(attack_path).read_text()


def _notebook(path, source):
    cells = [v4.new_markdown_cell("# 使用块的网络（VGG）\n按照书中的定义实现 `vgg_block` 和 `vgg`。"),
             v4.new_code_cell("!pip install d2l==2.0.0\n%matplotlib inline"),
             v4.new_code_cell("import torch\nfrom torch import nn\nfrom d2l import torch as d2l"),
             v4.new_code_cell(source),
             v4.new_code_cell("net = vgg(((1, 64), (1, 128)))\nd2l.train_ch6(net, None, None, 10, 0.05, d2l.try_gpu())",
                              outputs=[v4.new_output("stream", name="stdout", text="loss 0.178, train acc 0.934\n")])]
    nbformat.write(v4.new_notebook(cells=cells), str(path))


def _zip(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    (root / "ana.py").write_text((SOLUTIONS / "nin.py").read_text())                   # one .py, one module
    _notebook(root / "ben.ipynb", (SOLUTIONS / "vgg.py").read_text())                  # a d2l-style notebook
    _zip(root / "cat.zip", {"cat/nin.py": (SOLUTIONS / "nin.py").read_text()})         # a zip with a folder inside
    (root / "dan").mkdir()
    shutil.copy(SOLUTIONS / "nin.py", root / "dan" / "nin.py")                         # a folder, same code as cat
    (root / "eve.py").write_text("def vgg_block(num_convs, in_channels, out_channels:\n    pass\n")  # syntax error
    (root / "fox").mkdir()
    (root / "fox" / "nin.py").write_text(_with_attack("nin", MUTANT))                  # a mutant
    (root / "gil").mkdir()
    (root / "gil" / "vgg.py").write_text(_with_attack("vgg", HOSTILE / "exit_at_import.py"))  # hostile
    (root / "hal").mkdir()
    (root / "hal" / "nin.py").write_text(_with_attack("nin", HOSTILE / "kill_parent.py"))     # hostile
    _zip(root / "ida.zip", {"nin.py": "x = 1\n", "../../escape.py": "import os\n"})     # unsafe zip
    (root / "jon.zip").write_bytes(b"PK\x03\x04 truncated")                             # corrupt zip
    (root / "kim").mkdir()                                                               # empty folder
    (root / "lee.docx").write_bytes(b"PK\x03\x04")                                       # wrong file type
    out = tmp_path_factory.mktemp("out")
    options = Options(submissions=root, out=out, workers=2, train=False, progress=False)
    lines = []
    stats = autograde(options, say=lines.append)
    return root, out, options, stats, lines


def test_every_entry_gets_a_row_and_the_right_points(graded_class):
    root, out, options, stats, lines = graded_class
    assert (stats.entries, stats.graded, stats.unreadable, stats.failed_jobs) == (12, 8, 4, 0)
    rows = {row["name"]: (row, report) for row, report in read_gradebook(out / "gradebook.sqlite")}
    assert sorted(rows) == ["ana", "ben", "cat", "dan", "eve", "fox", "gil", "hal", "ida", "jon", "kim", "lee.docx"]

    def passed(name):
        return {task.name for task in rows[name][1].tasks if task.passed}

    assert passed("ana") == set(_tasks("nin")) and rows["ana"][1].score == _points("nin")
    assert passed("ben") == set(_tasks("vgg")) and rows["ben"][1].score == _points("vgg")
    assert {t.name: t.status for t in rows["ana"][1].tasks if t.name in _tasks("vgg")} == \
        {name: Status.MISSING for name in _tasks("vgg")}

    assert rows["eve"][1].score == 0  # the syntax error is shown to the student with the file and line:
    assert re.search(r"eve\.py: no graded function\n  - note: line 1: SyntaxError", (out / "feedback" / "eve.md").read_text())

    expect = re.search(r'^TASK, EXPECT = "(\w+)", r?"(.+)"$', MUTANT.read_text(), re.M).group(2)
    fox = rows["fox"][1].task("nin_block")
    assert not fox.passed and re.search(expect, fox.feedback, re.I)

    assert rows["gil"][1].score == 0  # exits while imported: nothing of it is graded, and the batch goes on
    hal = rows["hal"][1]
    assert not hal.task("conv_output_size").passed and hal.task("nin_block").passed  # only the attacked task lost

    for name, words in {"ida": "unsafe path", "jon": "not a readable zip", "kim": "holds no .py",
                        "lee.docx": "not a folder, .py, .ipynb or .zip"}.items():
        row, report = rows[name]
        assert row["state"] == "unreadable" and words in row["reason"] and report.score == 0
        assert any(line.startswith(f"✗ {name}: unreadable") for line in lines)
    assert not (root.parent / "escape.py").exists()


def test_same_code_same_grade(graded_class):
    _, out, *_ = graded_class
    rows = {row["name"]: report for row, report in read_gradebook(out / "gradebook.sqlite")}
    strip = [(t.name, t.score, t.status, t.feedback) for t in rows["cat"].tasks]
    assert strip == [(t.name, t.score, t.status, t.feedback) for t in rows["dan"].tasks]


def test_exports_cover_the_class_and_a_rerun_changes_nothing(graded_class):
    root, out, options, stats, _ = graded_class
    with open(out / "grades.csv", newline="") as handle:
        table = {row["student"]: row for row in csv.DictReader(handle)}
    assert len(table) == 12 and float(table["ana"]["total"]) == _points("nin")
    for name in table:
        report = json.loads((out / "reports" / f"{name}.json").read_text())
        assert report["submission"] == name and report["score"] == float(table[name]["total"])
        assert (out / "feedback" / f"{name}.md").exists() and (out / "gradescope" / name / "results.json").exists()
    if choose_backend() is SANDBOX:
        grading = json.loads(read_runs_environment(out))["grading"]
        assert grading["isolation"]["layers"], "the active isolation layers are recorded with the run"
    before = (out / "gradebook.sqlite").stat().st_size, (out / "grades.csv").read_text()
    again = autograde(options, say=lambda line: None)
    assert (again.skipped, again.graded, again.unreadable) == (12, 0, 0)
    assert (out / "grades.csv").read_text() == before[1]


def read_runs_environment(out):
    from grader.gradebook import read_runs
    return read_runs(out / "gradebook.sqlite")[0]["environment"]
