"""The student's pytest, run through pytester: points table, one-line statuses, named mistakes, no tracebacks."""
import shutil
import sys
from pathlib import Path

import pytest
import torch  # noqa: F401 — import once out here: pytester drops modules first imported by an inner run, and
# importing torch's C extension a second time in one process crashes it

from tests.mutants import MUTANTS, SOLUTIONS, reference_copy, splice

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["pytester"]


@pytest.fixture
def student(pytester, monkeypatch):
    shutil.copy(ROOT / "test_assignments.py", pytester.path / "test_assignments.py")
    # the outer run (README's command) imported the repository's own test_assignments.py under the same
    # name; the inner run must import the copy, or pytest stops at "import file mismatch"
    monkeypatch.delitem(sys.modules, "test_assignments", raising=False)
    return pytester


def test_untouched_skeletons_give_a_clean_table_of_not_implemented(student):
    shutil.copytree(ROOT / "assignments", student.path / "assignments")
    result = student.runpytest("test_assignments.py")  # default submission: assignments/ under the rootdir
    result.assert_outcomes(failed=9, skipped=3)
    result.stdout.fnmatch_lines(["*points for*assignments*", "conv_output_size*0/5*not implemented yet*",
                                 "train_alexnet*0/5*skipped*", "*fix alexnet first*", "total*0/105"])
    assert "Traceback" not in result.stdout.str() and "NotImplementedError" not in result.stdout.str()


def test_solutions_score_their_points(student):
    result = student.runpytest("test_assignments.py", "--submission", str(SOLUTIONS), "--no-train",
                               "-k", "conv_output_size or nin_block")
    result.assert_outcomes(passed=2, deselected=10)
    result.stdout.fnmatch_lines(["conv_output_size*5/5*passed", "nin_block*10/10*passed", "total*15/15"])


def test_a_wrong_answer_names_the_mistake_and_the_smallest_example(student):
    mutant = next(p for p in MUTANTS if p.stem == "conv_output_size__ceil")
    folder = splice(mutant, student.path / "mine")
    result = student.runpytest("test_assignments.py", "--submission", str(folder), "-k", "conv_output_size")
    result.assert_outcomes(failed=1, deselected=11)
    result.stdout.fnmatch_lines(["conv_output_size: *conv_output_size(size=224, kernel_size=11, stride=4, padding=1)"
                                 " should be 54*got 55. You rounded up*"])
    assert "Traceback" not in result.stdout.str()


def test_a_missing_folder_says_what_to_pass(student):
    result = student.runpytest("test_assignments.py", "--submission", "nowhere", "-k", "count_params")
    assert "--submission PATH" in result.stdout.str()


def test_a_submission_outside_the_kit_still_runs_only_the_assignment(student, tmp_path_factory):
    # the README's `pytest --submission ~/my-work`: pytest roots itself at the folder common to both, where
    # no pyproject.toml names testpaths; the kit's own tests must not be collected
    student.makefile(".toml", pyproject='[tool.pytest.ini_options]\ntestpaths = ["test_assignments.py"]\n')
    student.makepyfile(test_kit_internals="def test_kit_internals():\n    raise AssertionError('collected')\n")
    outside = reference_copy(tmp_path_factory.mktemp("home") / "my-work")
    result = student.runpytest("--submission", str(outside), "--no-train", "-k", "conv_output_size or vgg_block")
    result.assert_outcomes(passed=2, deselected=10)
    assert "test_kit_internals" not in result.stdout.str()


def test_notes_about_the_submission_are_printed_under_the_table(student):
    folder = reference_copy(student.path / "mine")
    (folder / "extra.py").write_text("def nin_block(:\n")  # a syntax error in a file that would define nin_block
    result = student.runpytest("test_assignments.py", "--submission", str(folder), "--no-train", "-k", "nin_block")
    result.assert_outcomes(passed=1, deselected=11)
    result.stdout.fnmatch_lines(["files read:", "*extra.py: no graded function",
                                 "*note: line 1: SyntaxError*(nin_block among them)", "*nin.py: nin_block, nin"])


def test_unchanged_work_trains_only_the_first_time(student, monkeypatch, tmp_path):
    from grader.training import profiles
    from tests.training.conftest import shrink_loop
    from tests.training.idx_files import write_band_dataset
    shrink_loop(monkeypatch, "vgg", steps=25, batch_size=32, test_images=200, lr=3e-3)
    monkeypatch.setitem(profiles.CALIBRATION["cpu"], "vgg", {"threshold": 0.5, "provisional": False, "reference": {}})
    monkeypatch.setenv("D2L_GRADER_TRAIN_CACHE", str(tmp_path / "cache"))
    data = write_band_dataset(tmp_path / "d")
    arguments = ("test_assignments.py", "--submission", str(SOLUTIONS), "--data", str(data), "--train-profile", "cpu",
                 "-k", "vgg")
    # two inner runs only: a second inner run that trains re-imports the torch modules the first one dropped
    first, second = student.runpytest(*arguments), student.runpytest(*arguments)
    for result in (first, second):
        result.assert_outcomes(passed=3, deselected=9)
        result.stdout.fnmatch_lines(["train_vgg*5/5*passed", "*test accuracy*threshold 0.50*"])
    assert "not trained again" in second.stdout.str() and "not trained again" not in first.stdout.str()
    second.stdout.fnmatch_lines(["*same network as a run recorded on*"])


def test_no_train_cache_gives_the_training_checks_no_cache(monkeypatch, tmp_path):
    from grader.pytest_plugin import GradingSession

    class Config:
        def __init__(self, off):
            self.off = off

        def getoption(self, name):
            return self.off if name == "no_train_cache" else None

    monkeypatch.setenv("D2L_GRADER_TRAIN_CACHE", str(tmp_path))
    assert GradingSession(Config(False)).train_cache() == {"cache": {"folder": str(tmp_path)}}
    assert GradingSession(Config(True)).train_cache() == {}
