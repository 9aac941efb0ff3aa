"""Fixtures for the training tests: tiny IDX datasets written on the fly, reference and broken submissions."""
from pathlib import Path

import pytest

from tests.training.idx_files import write_band_dataset

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def band_data(tmp_path):
    return write_band_dataset(tmp_path / "band")


@pytest.fixture
def no_default_data(monkeypatch, tmp_path):
    """No $FASHION_MNIST, no Debian files, an empty cache: only what a test passes explicitly exists."""
    from grader.training import data
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    monkeypatch.setattr(data, "DEBIAN_ROOT", tmp_path / "no-debian")
    monkeypatch.setattr(data, "CACHE_ROOT", tmp_path / "no-cache")
    monkeypatch.setattr(data, "_LOADED", {})


@pytest.fixture
def reference():
    from grader.training.command import open_for_training
    submission = open_for_training(None)
    yield submission
    submission.close()


@pytest.fixture
def make_submission(tmp_path):
    """Write a submission folder from {module: source} (missing modules copied from the reference) and open it."""
    opened = []

    def make(sources):
        from grader.submission.open import open_submission
        folder = tmp_path / f"submission{len(opened)}"
        folder.mkdir()
        for module in ("counting", "vgg", "nin", "alexnet"):
            text = sources.get(module, (REPO / "solutions" / f"{module}.py").read_text())
            (folder / f"{module}.py").write_text(text)
        submission = open_submission(folder, sandbox=False, timeout=300)
        opened.append(submission)
        return submission

    yield make
    for submission in opened:
        submission.close()


def shrink_loop(monkeypatch, model, profile="cpu", **changes):
    """Cut `model`'s `profile` loop for one test (its declaration in grader.spec is restored afterwards)."""
    from grader import spec
    loops = spec.training_task_for(model).training.loops
    monkeypatch.setitem(loops, profile, {**loops[profile], **changes})
