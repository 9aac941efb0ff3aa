"""`python -m grader train`: a bar, a verdict, a PNG and a JSON record; clear errors for bad input."""
import json

import pytest

from grader.cli import main
from grader.training import data, profiles
from tests.training.conftest import shrink_loop


@pytest.fixture
def tiny_vgg(monkeypatch):
    shrink_loop(monkeypatch, "vgg", batch_size=32, test_images=200)


def test_train_writes_curve_record_and_verdict(band_data, tmp_path, capsys, tiny_vgg):
    code = main(["train", "vgg", "--profile", "cpu", "--steps", "6", "--seed", "3", "--data", str(band_data),
                 "--out", str(tmp_path / "runs")])
    out, err = capsys.readouterr()
    png, record_path = tmp_path / "runs" / "vgg-cpu-seed3.png", tmp_path / "runs" / "vgg-cpu-seed3.json"
    assert f"curve:  {png}" in out and f"record: {record_path}" in out and "verdict: " in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    record = json.loads(record_path.read_text())
    assert code == (0 if record["verdict"] == "passed" else 1)
    assert record["model"] == "vgg" and record["profile"] == "cpu" and record["seed"] == 3 and record["steps"] == 6
    assert record["calibrated_budget"] is False  # --steps changed the budget: the verdict says so
    assert "calibrated for 200 steps, so this is indicative only" in out  # cpu vgg's own budget, declared in grader/catalog/vgg.py
    assert 0 <= record["test_accuracy"] <= 1 and record["images_per_second"] > 0
    for key in ("device", "train_accuracy", "threshold", "seconds", "data", "curve"):
        assert key in record
    assert "vgg/cpu (reference)" in err  # the tqdm bar's description


def test_epochs_become_steps():
    loop = profiles.loop_config("nin", "cpu")
    assert profiles.get("nin", "cpu", epochs=0.5).loop.steps == -(-30_000 // loop.batch_size)  # ceil(0.5·60000/B)


def test_missing_submission_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["train", "nin", "--profile", "cpu", "--submission", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_no_data_and_no_network_names_both_ways(no_default_data, monkeypatch, tmp_path, capsys):
    tried = []

    def offline(root):
        tried.append(root)
        raise data.DataNotFound("download failed (URLError: no network). " + data.NO_DATA_HELP)

    monkeypatch.setattr(data, "download_into", offline)  # the CLI may download; the test never does
    assert main(["train", "nin", "--profile", "cpu", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert tried, "the command did not try to download"
    assert "download failed" in err and "apt-get install dataset-fashion-mnist" in err


@pytest.mark.parametrize("flags, sandboxed", [([], True), (["--in-process"], False)])
def test_a_submission_is_described_in_the_sandbox_unless_asked(monkeypatch, tmp_path, capsys, flags, sandboxed):
    from grader.submission import open as opener
    from grader.submission.loader import SubmissionNotFound
    asked = []

    def spy(path, sandbox=True, **options):
        asked.append(sandbox)
        raise SubmissionNotFound("stopped by the test")

    monkeypatch.setattr(opener, "open_submission", spy)
    assert main(["train", "nin", "--profile", "cpu", "--submission", str(tmp_path), *flags]) == 2
    assert asked == [sandboxed]


def test_zero_steps_is_refused(capsys):
    assert main(["train", "nin", "--profile", "cpu", "--steps", "0"]) == 2
    assert "at least one step" in capsys.readouterr().err
