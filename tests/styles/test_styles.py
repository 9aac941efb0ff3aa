"""Networks written the ways people write them: the correct ones get full credit (both backends) and train; the wrong
ones lose credit with the mistake named in their own module names."""
import re

import pytest

from grader import spec
from grader.grade import grade
from grader.results import Status
from grader.submission.inprocess import InProcessSubmission
from grader.submission.worker import WorkerSubmission
from tests.styles import SOLUTIONS, STYLES, declared, submission_with
from tests.training.conftest import shrink_loop
from tests.training.idx_files import write_band_dataset

CORRECT = [path for path in STYLES if declared(path)["expect"] is None]
WRONG = [path for path in STYLES if declared(path)["expect"] is not None]
REFERENCE_RUNS = {}  # model -> the reference's tiny run (the band data is the same in every test: seeded)


def test_the_library_has_correct_and_wrong_styles_for_every_network():
    assert {declared(p)["module"] for p in CORRECT} >= {"alexnet", "vgg", "nin"}
    assert len(WRONG) >= 4


@pytest.mark.parametrize("backend", ["in-process", "sandboxed"])
@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.stem)
def test_a_correct_network_in_any_style_gets_full_credit(path, backend, tmp_path):
    folder = submission_with(path, tmp_path / "submission")
    opened = InProcessSubmission(folder) if backend == "in-process" else WorkerSubmission(folder)
    try:
        report = grade(opened, tasks=[spec.task(name) for name in declared(path)["tasks"]])
    finally:
        opened.close()
    assert {t.name: t.feedback for t in report.tasks if not t.passed} == {}


def _tiny_training(model, submission, data):
    """(accuracy, losses) of `model`'s cpu-profile run of `submission` on the band data, cut to 10 steps."""
    from grader.training.runner import run_training
    outcome = run_training(model, submission, profile="cpu", data_root=data)
    assert outcome.status == "passed", outcome.feedback  # threshold 0: any finite run passes
    return outcome.record["test_accuracy"], outcome.record["curve"]["loss"]


@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.stem)
def test_a_correct_network_in_any_style_trains_exactly_like_the_reference(path, tmp_path, monkeypatch):
    """The grader's copy, rebuilt from the graph of the student's forward, is the reference's network: the same
    seeded training gives the same losses and accuracy."""
    from grader.training import thresholds
    model = declared(path)["module"]
    shrink_loop(monkeypatch, model, steps=10, batch_size=16, test_images=100, lr=3e-3, log_every=2)
    monkeypatch.setitem(thresholds.CALIBRATION["cpu"], model, {"threshold": 0.0, "provisional": True})
    data = write_band_dataset(tmp_path / "band")
    runs = []
    for folder in (submission_with(path, tmp_path / "style"), SOLUTIONS):
        if folder == SOLUTIONS and model in REFERENCE_RUNS:
            runs.append(REFERENCE_RUNS[model])
            continue
        submission = InProcessSubmission(folder)
        try:
            runs.append(_tiny_training(model, submission, data))
        finally:
            submission.close()
    REFERENCE_RUNS[model] = runs[1]
    (accuracy, losses), (want_accuracy, want_losses) = runs
    assert accuracy == pytest.approx(want_accuracy) and losses == pytest.approx(want_losses, rel=1e-4)


@pytest.mark.parametrize("path", WRONG, ids=lambda p: p.stem)
def test_a_wrong_network_in_any_style_is_named_in_its_own_terms(path, tmp_path):
    meta = declared(path)
    submission = InProcessSubmission(submission_with(path, tmp_path / "submission"))
    try:
        result = grade(submission, tasks=[spec.task(name) for name in meta["tasks"]]).tasks[0]
    finally:
        submission.close()
    assert result.score < result.max_score and result.status is Status.FAILED
    assert re.search(meta["expect"], result.feedback), result.feedback
