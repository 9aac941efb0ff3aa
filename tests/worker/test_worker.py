"""The sandboxed backend grades like the in-process one, keeps to its time budget, and reports its isolation."""
import json
import subprocess
import sys
import time

import pytest

from tests.worker.conftest import KIT, build_submission
from grader.grade import grade
from grader import spec
from grader.submission import call
from grader.submission.inprocess import InProcessSubmission
from grader.submission.worker import WorkerSubmission
from tests.mutants import MUTANTS, declared, splice

CHEAP_TASKS = [spec.task(name) for name in ("conv_output_size", "count_flops", "vgg_block", "nin_block")]


def _mutant(folder):
    """A typical wrong submission: true division in conv_output_size (a float, and wrong for odd strides)."""
    counting = folder / "counting.py"
    text = counting.read_text()
    assert "// stride + 1" in text
    counting.write_text(text.replace("// stride + 1", "/ stride + 1"))
    return folder


@pytest.mark.parametrize("make", [lambda folder: folder, _mutant], ids=["reference", "true-division mutant"])
def test_sandboxed_verdicts_match_in_process(make, tmp_path):
    folder = make(build_submission(tmp_path / "submission"))
    inside = grade(InProcessSubmission(folder), tasks=CHEAP_TASKS)
    with WorkerSubmission(folder, timeout=30) as submission:
        outside = grade(submission, tasks=CHEAP_TASKS)
    assert [(t.name, t.status, t.score, t.feedback) for t in outside.tasks] == \
           [(t.name, t.status, t.score, t.feedback) for t in inside.tasks]


def test_a_hung_submission_stops_at_its_budget_and_each_function_hangs_only_once(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "counting.py").write_text("def conv_output_size(*a):\n    while True: pass\n\n"
                                        "def count_params(m):\n    while True: pass\n\n"
                                        "def trace_shapes(m, s):\n    while True: pass\n")
    started = time.monotonic()
    with WorkerSubmission(folder, timeout=1.0, budget=2.5) as submission:
        first = submission.ask(call("conv_output_size", 5, 3))
        again = submission.ask(call("conv_output_size", 7, 3))  # already known to hang: not run again
        second = submission.ask(call("count_params", None))
        third = submission.ask(call("trace_shapes", None, [1]))
    assert time.monotonic() - started < 8
    assert first.status == again.status == second.status == third.status == "timeout"
    assert "timed out after 1 s in conv_output_size" in first.message
    assert "budget" in third.message


def test_grade_command_writes_the_report_for_a_single_file(tmp_path):
    student = tmp_path / "counting.py"
    student.write_text("def conv_output_size(size, kernel_size, stride=1, padding=0):\n"
                       "    raise NotImplementedError\n")
    out = tmp_path / "out" / "report.json"
    result = subprocess.run([sys.executable, "-m", "grader", "grade", str(student), "--no-train", "--json", str(out)],
                            cwd=KIT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert {"submission", "score", "max_score", "tasks", "environment"} <= set(report)
    names = [task["name"] for task in report["tasks"]]
    assert names == [task.name for task in spec.tasks()]  # every graded function, in the registry's order
    assert report["score"] == 0 and report["tasks"][0]["status"] == "not_implemented"
    assert {task["status"] for task in report["tasks"][1:]} == {"missing"}
    assert report["environment"]["isolation"]["layers"]
    assert "conv_output_size" in result.stdout and "total" in result.stdout


def test_grade_command_refuses_a_missing_path_clearly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "grader", "grade", str(tmp_path / "nope"), "--no-train"],
                            cwd=KIT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_a_zip_is_graded_as_autograde_unpacks_it(tmp_path):
    import shutil
    from grader.grade import grade_path
    from tests.mutants import reference_copy
    archive = shutil.make_archive(str(tmp_path / "bob"), "zip", reference_copy(tmp_path / "bob"))
    report = grade_path(archive, sandbox=False)
    assert report.score == report.max_score == 90, [(t.name, t.status, t.feedback) for t in report.tasks]


def test_grade_refuses_what_is_not_a_submission_with_the_reason(tmp_path):
    from grader.grade import grade_path
    from grader.submission.loader import SubmissionNotFound
    (tmp_path / "essay.pdf").write_bytes(b"%PDF-1.7")
    with pytest.raises(SubmissionNotFound, match="not a folder, .py, .ipynb or .zip"):
        grade_path(tmp_path / "essay.pdf")
    (tmp_path / "evil.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip: nothing to grade
    with pytest.raises(SubmissionNotFound):
        grade_path(tmp_path / "evil.zip")


@pytest.mark.parametrize("path", MUTANTS, ids=lambda p: p.stem)
def test_every_mutant_gets_the_same_verdict_in_the_sandbox(path, tmp_path):
    task = spec.task(declared(path)[0])
    folder = splice(path, tmp_path / "submission")
    inside = grade(InProcessSubmission(folder), tasks=[task]).tasks[0]
    with WorkerSubmission(folder, timeout=30) as submission:
        outside = grade(submission, tasks=[task]).tasks[0]
    assert (outside.status, outside.score, outside.feedback) == (inside.status, inside.score, inside.feedback)
