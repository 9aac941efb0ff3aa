"""Temporary folders carry their owner's pid: a later run removes those whose owner died (kill -9), and no other."""
import os
import subprocess
import sys
import tempfile

from grader.scratch import owned_folder, remove_abandoned


def test_folders_of_dead_owners_are_removed_and_live_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ours = owned_folder("d2l-worker-")  # this process is alive
    assert ours.parent == tmp_path and ours.name.startswith(f"d2l-worker-{os.getpid()}-")
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    theirs = tmp_path / f"d2l-worker-{int(finished.stdout)}-abc"  # what a killed grader leaves behind
    (theirs / "work").mkdir(parents=True)
    unrelated = tmp_path / "d2l-worker-notapid"
    unrelated.mkdir()
    assert remove_abandoned() == [theirs]
    assert ours.is_dir() and unrelated.is_dir() and not theirs.exists()
