"""Every attack in tests/hostile is neutralised: its task scores 0 with the expected status, the rest is graded,
nothing ran in the grader, and the grader goes on."""
import os
import resource
import sys
import time

import pytest
import torch
from torch import nn

from tests.worker.conftest import HOSTILE, attack_meta, build_submission
from grader.grade import grade
from grader import spec
from grader.submission import measure
from grader.submission.worker import WorkerSubmission
from solutions.counting import count_params, conv_output_size

ATTACKS = sorted(HOSTILE.glob("*.py"))
SIBLING_NET = [{"type": "Conv2d", "args": {"in_channels": 1, "out_channels": 4, "kernel_size": 3}},
               {"type": "ReLU", "args": {}}, {"type": "Linear", "args": {"in_features": 3, "out_features": 2}}]
LIMITS = {"timeout": 3.0, "budget": 60.0, "memory_mb": 1024}


def _layers(submission):
    return " ".join(submission.isolation["layers"])


def _processes_named(tag):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as comm:
                if comm.read().strip() == tag:
                    found.append(int(pid))
        except OSError:
            pass
    return found


def _sibling_answer(submission, name):
    """The same submission's untouched function, asked directly: still answered, and correctly."""
    if name == "count_params":
        answer = submission.ask(measure("count_params", SIBLING_NET))
        from grader.netspec import build
        return answer.ok and answer.value == count_params(build(SIBLING_NET))
    answer = submission.ask({"kind": "call", "function": "conv_output_size", "args": [224, 11, 4, 1]})
    return answer.ok and answer.value == conv_output_size(224, 11, 4, 1)


def test_there_are_at_least_twelve_attacks():
    assert len(ATTACKS) >= 12


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.stem for a in ATTACKS])
def test_attack_is_neutralised(attack, tmp_path, listener, tag):
    meta, marker, gradebook = attack_meta(attack), tmp_path / "pwned", tmp_path / "gradebook.csv"
    gradebook.write_text("student,score\nalice,12\n")
    folder = build_submission(tmp_path / "submission", attack, MARKER=marker, GRADEBOOK=gradebook,
                              PORT=listener.getsockname()[1], TAG=tag)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # another in-process grading in this pytest run (the README's command grades solutions/ first) may hold
    # `assignments`; what must hold is that nothing from *this* folder got into the grader's process
    package_before = sys.modules.get("assignments")
    with WorkerSubmission(folder, **LIMITS) as submission:
        report = grade(submission, tasks=[spec.task(meta["task"]), spec.task("vgg_block")])
        if meta["sibling"]:
            assert _sibling_answer(submission, meta["sibling"]), f"{meta['sibling']} was not graded after the attack"
        layers = _layers(submission)
        if meta.get("check") == "no_daemon":  # the timeout killed the worker's whole tree, daemon included
            deadline = time.monotonic() + 3
            while _processes_named(tag) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not _processes_named(tag), "the daemonised child survived the kill"
    hostile = report.task(meta["task"])
    fs_isolated = "landlock-fs" in layers or "private root" in layers
    if meta.get("check") == "fs_isolated" and not fs_isolated:
        pytest.skip(f"no filesystem isolation here ({layers}); the reference is readable")
    assert hostile.status.value in meta["status"], (hostile.status, hostile.feedback)
    assert hostile.score == (hostile.max_score if meta["status"] == ["passed"] else 0)  # a flood that answers right
    other = report.task("vgg_block")
    assert other.passed or (meta.get("others_pass") is False and other.status.value in ("failed", "error")), other
    assert not marker.exists(), "code from the submission ran in the grader"
    assert sys.modules.get("assignments") is package_before, "the grader imported the submission"
    assert not [name for name, module in list(sys.modules.items())
                if str(folder) in str(getattr(module, "__file__", None) or "")], "the grader imported the submission"
    assert not os.environ.get("D2L_SCORE")
    check = meta.get("check")
    if check == "gradebook":
        assert not (folder / "report.json").exists() and not (tmp_path / "report.json").exists()
        if fs_isolated:
            assert gradebook.read_text() == "student,score\nalice,12\n"
    if check == "no_connection" and ("landlock-tcp" in layers or "namespaces" in layers):
        with pytest.raises(TimeoutError):
            listener.accept()
    if check == "torch_intact":
        model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
        assert torch.ones(2, 3).numel() == 6 and count_params(model) == 3 * 4 + 4 + 4 * 2 + 2
    if check == "memory_flat":  # 250 MB printed; the grader keeps a 64 KiB tail (ru_maxrss is in KiB)
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 100 * 1024


def _hostile_code(name):
    return (HOSTILE / f"{name}.py")


@pytest.mark.parametrize("layers", [{"namespaces": False}, {"namespaces": False, "landlock": False}],
                         ids=["landlock-only", "rlimits-only"])
@pytest.mark.parametrize("name", ["daemon_children", "kill_parent", "segfault"])
def test_weaker_layers_still_contain_the_process_attacks(name, layers, tmp_path, tag):
    """Without namespaces (or Landlock) the subreaper sweep must still kill daemons; a killed parent costs one task."""
    meta = attack_meta(_hostile_code(name))
    folder = build_submission(tmp_path / "submission", _hostile_code(name), TAG=tag, MARKER=tmp_path / "m")
    with WorkerSubmission(folder, **LIMITS, **layers) as submission:
        answer = submission.ask({"kind": "call", "function": "conv_output_size", "args": [224, 11, 4, 1]})
        assert not answer.ok and answer.status in meta["status"] + ["error"], answer
        deadline = time.monotonic() + 3
        while _processes_named(tag) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _processes_named(tag), "a daemonised child survived"
        assert _sibling_answer(submission, "count_params")
