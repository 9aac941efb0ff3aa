"""Answers are plain data or refused: exact types, captured prints, and failures that stay with their function."""
import textwrap

import pytest

from grader.checks.counting import check_conv_output_size, check_count_params
from grader.grade import grade
from grader.results import Status
from grader import spec
from grader.submission import call, measure
from grader.submission.inprocess import InProcessSubmission
from tests.mutants import SOLUTIONS, reference_copy


def _submission(tmp_path, files):
    folder = tmp_path / "submission"
    folder.mkdir()
    for name, source in files.items():
        (folder / name).write_text(textwrap.dedent(source))
    return InProcessSubmission(folder, timeout=5)


@pytest.mark.parametrize("body, hint", [
    ("class Yes(int):\n    def __eq__(self, other): return True\nreturn Yes(1)", "subclass of int"),
    ("import numpy as np\nreturn np.int64(54)", "numpy"),
    ("import torch\nreturn torch.tensor(54)", "torch.Tensor"),
    ("return True", "plain int"),
])
def test_values_that_only_claim_to_be_ints_are_refused(tmp_path, body, hint):
    source = "def conv_output_size(size, kernel_size, stride=1, padding=0):\n" + textwrap.indent(body, "    ")
    result = check_conv_output_size(_submission(tmp_path, {"counting.py": source}))
    assert result.score == 0 and hint in result.feedback


def test_prints_and_warnings_are_captured_and_cost_nothing(tmp_path):
    source = """
        import warnings
        def count_params(model):
            print("debugging!")
            warnings.warn("noisy")
            return sum(p.numel() for p in model.parameters() if p.requires_grad)
    """
    submission = _submission(tmp_path, {"counting.py": source})
    answer = submission.ask(measure("count_params", [{"type": "Linear", "args": {
        "in_features": 2, "out_features": 3, "bias": True}}]))
    assert answer.ok and answer.value == 9 and "debugging!" in answer.output
    assert check_count_params(submission).passed


def test_a_broken_file_hides_nothing_else(tmp_path):
    folder = reference_copy(tmp_path / "s")
    (folder / "nin.py").write_text("def nin_block(:\n")  # syntax error
    (folder / "alexnet.py").write_text("import sys\n\nclass Boot:\n    sys.exit(3)\n\n"  # a class body runs
                                       + (SOLUTIONS / "alexnet.py").read_text())
    report = grade(InProcessSubmission(folder), tasks=[spec.task(n) for n in ("nin_block", "nin", "alexnet",
                                                                                   "vgg_block")])
    by_name = {t.name: t for t in report.tasks}
    assert by_name["nin_block"].status is Status.UNREADABLE and "syntax error" in by_name["nin_block"].feedback
    assert by_name["nin"].status is Status.MISSING and "syntax error" in by_name["nin"].feedback
    assert by_name["alexnet"].passed and by_name["vgg_block"].passed
    [alexnet] = [s for s in report.environment["sources"] if s["file"] == "alexnet.py"]
    assert any("`class Boot:` failed (SystemExit: 3)" in note for note in alexnet["notes"])


def test_missing_function_and_exceptions_are_named(tmp_path):
    submission = _submission(tmp_path, {"counting.py": """
        def conv_output_size(size, kernel_size, stride=1, padding=0):
            raise ValueError("oops")
    """})
    missing = submission.ask(measure("count_flops", [], [1, 1, 2, 2]))
    assert missing.status == "missing" and "count_flops" in missing.message
    raised = submission.ask(call("conv_output_size", 5, 3, 1, 0))
    assert raised.status == "error" and "ValueError: oops" in raised.message and "counting.py" in raised.message


def test_a_slow_call_times_out_and_a_sys_exit_is_contained(tmp_path):
    submission = _submission(tmp_path, {"counting.py": """
        import sys
        def conv_output_size(size, kernel_size, stride=1, padding=0):
            while True:
                pass
        def count_params(model):
            sys.exit(0)
    """})
    submission.timeout = 0.5
    assert submission.ask(call("conv_output_size", 5, 3)).status == "timeout"
    exited = submission.ask(measure("count_params", []))
    assert exited.status == "error" and "sys.exit" in exited.message


def test_a_package_with_relative_imports_loads_as_assignments(tmp_path):
    folder = reference_copy(tmp_path / "s")
    (folder / "nin.py").write_text("from .counting import conv_output_size\nfrom assignments.vgg import vgg_block\n"
                                   + (SOLUTIONS / "nin.py").read_text())
    report = grade(InProcessSubmission(folder), tasks=[spec.task("nin_block")])
    assert report.tasks[0].passed


def test_closing_unloads_the_students_modules_but_not_a_later_load(tmp_path):
    import sys
    first = InProcessSubmission(reference_copy(tmp_path / "first"))
    second = InProcessSubmission(reference_copy(tmp_path / "second"))  # replaces `assignments` in sys.modules
    first.close()  # the package it loaded is gone already: the second's stays
    assert str(tmp_path / "second") in sys.modules["assignments.counting"].__file__
    second.close()
    assert not [name for name in sys.modules if name == "assignments" or name.startswith("assignments.")]


def test_slow_code_at_import_costs_only_its_own_file(tmp_path):
    folder = reference_copy(tmp_path / "student")
    with open(folder / "vgg.py", "a") as vgg:  # a class body runs when the file is read; top-level calls never do
        vgg.write("\nimport time\nclass Slow:\n    time.sleep(60)  # a class that trains while it is defined\n")
    submission = InProcessSubmission(folder, timeout=1)
    try:
        assert submission.ask(call("conv_output_size", 224, 11, 4, 1)).value == 54  # counting.py still graded
        assert "took longer than 1 s" in submission.problems()["vgg"]
        assert "time.sleep(60)" in submission.problems()["vgg"]  # the line that hung, for the student
    finally:
        submission.close()
