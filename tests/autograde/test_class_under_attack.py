"""A class run through the real sandboxed grader with attacks mixed in completes in one go: the clean entries get
their points, each attack loses its task, the exports hold, and no worker is left (the full 20 + 10 version is
benchmarks/class_under_attack.py). Each entry holds one module only, so the rest is `missing` at once."""
import csv
import secrets

import pytest

from grader.autograde.backend import SANDBOX, choose_backend
from grader.autograde.runner import Options, autograde
from grader.gradebook import read_gradebook
from grader import spec
from tests.worker.conftest import HOSTILE, KIT, attack_meta, processes_named, sandbox_processes, wait_for

ATTACKS = ("forged_verdict", "lone_surrogate", "orphan_survivor")


@pytest.mark.skipif(choose_backend() is not SANDBOX, reason="needs the sandboxed worker")
def test_a_class_with_attacks_completes_in_one_run(tmp_path):
    root, tag = tmp_path / "class", "d2lc" + secrets.token_hex(4)
    (root / "ann").mkdir(parents=True)
    (root / "ann" / "nin.py").write_text((KIT / "solutions" / "nin.py").read_text())
    for attack in ATTACKS:
        (root / attack).mkdir()
        text = (HOSTILE / f"{attack}.py").read_text().replace("{{TAG}}", tag)
        (root / attack / "counting.py").write_text((KIT / "solutions" / "counting.py").read_text() + "\n\n" + text)
    stats = autograde(Options(submissions=root, out=tmp_path / "out", workers=1, train=False, progress=False),
                      say=lambda line: None)
    assert (stats.graded, stats.failed_jobs) == (1 + len(ATTACKS), 0)
    rows = {row["name"]: report for row, report in read_gradebook(tmp_path / "out" / "gradebook.sqlite")}
    nin_points = sum(task.points for task in spec.tasks() if task.module == "nin")
    assert rows["ann"].score == nin_points
    for attack in ATTACKS:
        meta = attack_meta(HOSTILE / f"{attack}.py")
        task = rows[attack].task(meta["task"])
        assert task.score == 0 and task.status.value in meta["status"], (attack, task)
    with open(tmp_path / "out" / "grades.csv", newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 1 + len(ATTACKS)
    assert wait_for(lambda: not sandbox_processes()) and not processes_named(tag)
