"""Every attack in tests/hostile is neutralised, in every isolation mode this machine can offer: its task scores 0
with the expected status, the rest is graded, nothing ran in the grader, no host file changed, and nothing of
the worker (process, cgroup, folder) outlives the submission."""
import json
import os
import resource
import secrets
import subprocess
import sys
import time

import pytest
import torch
from torch import nn

from tests.worker.conftest import (HOSTILE, KIT, MODES, assert_nothing_left, attack_meta, build_submission,
                                   processes_named, sandbox_processes, wait_for)
from grader.grade import grade
from grader import spec
from grader.submission import measure
from grader.submission.forkserver import fork_server
from grader.submission.worker import WorkerSubmission
from solutions.counting import count_params, conv_output_size

ATTACKS = sorted(HOSTILE.glob("*.py"))
WORKER_ATTACKS = [a for a in ATTACKS if attack_meta(a).get("runner", "worker") == "worker"
                  and not attack_meta(a).get("victim")]
SIBLING_NET = [{"type": "Conv2d", "args": {"in_channels": 1, "out_channels": 4, "kernel_size": 3}},
               {"type": "ReLU", "args": {}}, {"type": "Linear", "args": {"in_features": 3, "out_features": 2}}]
LIMITS = {"timeout": 3.0, "budget": 60.0, "memory_mb": 512}
# every attack in full isolation; those marked "isolation" (they aim at the host) in the weaker modes as well
CASES = [(attack, mode) for attack in WORKER_ATTACKS for mode in MODES
         if mode == "full" or attack_meta(attack).get("isolation")]
HOST_FILES = ("/dev/null", "/proc/sys/kernel/core_pattern")


def _layers(submission):
    return " ".join(submission.isolation["layers"])


def _sibling_answer(submission, name):
    """The same submission's untouched function, asked directly: still answered, and correctly."""
    if name == "count_params":
        answer = submission.ask(measure("count_params", SIBLING_NET))
        from grader.netspec import build
        return answer.ok and answer.value == count_params(build(SIBLING_NET))
    answer = submission.ask({"kind": "call", "function": "conv_output_size", "args": [224, 11, 4, 1]})
    return answer.ok and answer.value == conv_output_size(224, 11, 4, 1)


def _host_state():
    """What an attack on the host would change: the inodes (mode, owner, times) and contents of HOST_FILES."""
    state = {}
    for path in HOST_FILES:
        info = os.stat(path)
        state[path] = (info.st_mode, info.st_uid, info.st_mtime_ns, info.st_ctime_ns, open(path, "rb").read()
                       if path.startswith("/proc") else b"")
    return state


def _survives_every_sink(report, tmp_path):
    """The report prints, stores and exports: table, JSON, Markdown, CSV, Gradescope and the gradebook all take it."""
    from grader.collect import Staged
    from grader.gradebook import Gradebook, read_gradebook
    from grader.report.csv_export import render_csv
    from grader.report.feedback_md import render_feedback
    from grader.report.gradescope import results_json
    from grader.report.table import render
    texts = [render(report), json.dumps(report.to_dict(), ensure_ascii=False), render_feedback(report),
             json.dumps(results_json(report), ensure_ascii=False)]
    with Gradebook(tmp_path / "sinks" / "gradebook.sqlite") as book:
        run = book.start_run({"attack": True}, report.environment)
        book.record(Staged("student", "student", "folder", folder=tmp_path, content_hash="x"), "key", report, run)
    texts.append(render_csv(read_gradebook(tmp_path / "sinks" / "gradebook.sqlite")))
    for text in texts:
        text.encode("utf-8")  # strict: what a terminal, a file or a database is given


def _skip_unless_offered(mode, layers):
    """Skip a mode this machine cannot offer (the report then says so; test_isolation checks the wording)."""
    wanted = MODES[mode]
    if wanted.get("namespaces", True) and "namespaces" not in layers:
        pytest.skip(f"{mode}: no user namespaces here")
    if wanted.get("landlock", True) and "landlock-fs" not in layers:
        pytest.skip(f"{mode}: no Landlock here")


def test_there_are_at_least_twenty_attacks():
    assert len(WORKER_ATTACKS) >= 20


@pytest.fixture
def placeholders(tmp_path, listener, datagram_listener, unix_listener, tag):
    secret = secrets.token_hex(12)
    return {"MARKER": tmp_path / "pwned", "GRADEBOOK": tmp_path / "gradebook.csv", "TAG": tag, "SLEEP": 1.3,
            "QUOTA_MB": 32, "QUOTA_FILES": 1000,  # disk_fill.py's own limits
            "PORT": listener.getsockname()[1], "UDP_PORT": datagram_listener.getsockname()[1],
            "UNIX_SOCKET": unix_listener.getsockname(), "SECRET": secret, "SECRET_HEAD": secret[:12],
            "SECRET_TAIL": secret[12:]}


def _grade_victim(meta, tmp_path, placeholders, options):
    """The submission graded just before the attack (same fork server): it leaves something to be stolen."""
    victim = HOSTILE / f"{meta['before']}.py"
    folder = build_submission(tmp_path / "victim", victim, **placeholders)
    with WorkerSubmission(folder, **options) as submission:
        result = grade(submission, tasks=[spec.task(attack_meta(victim)["task"])]).tasks[0]
    assert result.status.value in attack_meta(victim)["status"], result


@pytest.mark.parametrize("attack, mode", CASES, ids=[f"{a.stem}-{m}" for a, m in CASES])
def test_attack_is_neutralised(attack, mode, tmp_path, placeholders, listener, datagram_listener, unix_listener,
                               tag):
    meta = attack_meta(attack)
    marker, gradebook = placeholders["MARKER"], placeholders["GRADEBOOK"]
    gradebook.write_text("student,score\nalice,12\n")
    options = {**LIMITS, **meta.get("limits", {}), **MODES[mode]}
    if meta.get("before"):
        _grade_victim(meta, tmp_path, placeholders, options)
    folder = build_submission(tmp_path / "submission", attack, **placeholders)
    peak_before, host_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, _host_state()
    # another in-process grading in this pytest run (the README's command grades solutions/ first) may hold
    # `assignments`; what must hold is that nothing from *this* folder got into the grader's process
    package_before = sys.modules.get("assignments")
    started = time.monotonic()
    with WorkerSubmission(folder, **options) as submission:
        report = grade(submission, tasks=[spec.task(meta["task"]), spec.task("vgg_block")])
        graded_in = time.monotonic() - started
        layers, missing = _layers(submission), " ".join(submission.isolation["missing"])
        _skip_unless_offered(mode, layers)
        if meta["sibling"]:
            assert _sibling_answer(submission, meta["sibling"]), f"{meta['sibling']} was not graded after the attack"
        work = submission._dir
    server = fork_server().pid
    assert_nothing_left(server, work)  # every process, cgroup and folder of the worker is gone with close()
    if meta.get("check") == "no_daemon":
        assert wait_for(lambda: not processes_named(tag)), "a daemonised child survived the kill"
    hostile = report.task(meta["task"])
    fs_isolated = "landlock-fs" in layers or "private root" in layers
    if meta.get("check") == "fs_isolated" and not fs_isolated:
        pytest.skip(f"no filesystem isolation in {mode} ({layers}); the reference is readable")
    if meta.get("check") == "disk_quota" and "tmpfs" not in layers:
        assert "working folder is on the host's disk" in missing  # not claimed where it is not there
        pytest.skip(f"no folder quota in {mode}: reported missing")
    assert hostile.status.value in meta["status"], (hostile.status, hostile.feedback)
    assert hostile.score == (hostile.max_score if meta["status"] == ["passed"] else 0)  # a flood that answers right
    other = report.task("vgg_block")
    assert other.passed or (meta.get("others_pass") is False and not other.passed), other
    assert not marker.exists(), "code from the submission ran in the grader"
    assert sys.modules.get("assignments") is package_before, "the grader imported the submission"
    assert not [name for name, module in list(sys.modules.items())
                if str(folder) in str(getattr(module, "__file__", None) or "")], "the grader imported the submission"
    assert not os.environ.get("D2L_SCORE")
    assert _host_state() == host_before, "a host file changed"
    _survives_every_sink(report, tmp_path)
    if meta.get("max_seconds"):
        assert graded_in < meta["max_seconds"], f"graded in {graded_in:.1f} s"
    check = meta.get("check")
    if check == "gradebook":
        assert not (folder / "report.json").exists() and not (tmp_path / "report.json").exists()
        if fs_isolated:
            assert gradebook.read_text() == "student,score\nalice,12\n"
    if check == "no_connection" and ("landlock-tcp" in layers or "namespaces" in layers):
        with pytest.raises(TimeoutError):
            listener.accept()
    if check == "no_datagram":
        assert "namespaces" in layers or "seccomp" in layers, "neither a network namespace nor seccomp is claimed"
        with pytest.raises(TimeoutError):
            datagram_listener.recv(100)
        with pytest.raises(TimeoutError):
            unix_listener.accept()
    if check == "bounded_time":  # the budget, plus the grader's own work between calls and the worker's start
        assert graded_in < options["budget"] + 6, f"graded in {graded_in:.1f} s with a {options['budget']} s budget"
    if check == "torch_intact":
        model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
        assert torch.ones(2, 3).numel() == 6 and count_params(model) == 3 * 4 + 4 + 4 * 2 + 2
    if check == "memory_flat":  # 250 MB printed; the grader keeps a 64 KiB tail (ru_maxrss is in KiB)
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 100 * 1024


@pytest.mark.parametrize("attack", [a for a in ATTACKS if attack_meta(a).get("runner") == "cli"],
                         ids=lambda a: a.stem)
def test_the_grade_command_imports_nothing_from_where_it_is_started(attack, tmp_path, placeholders, tag):
    """`python -m grader grade .` run from inside the submission: the folder is not on the grader's sys.path, and
    when the command exits no worker is left running (counting.py is orphan_survivor: a worker and a daemon that
    cleared their parent-death signals; the other tasks are `missing` at once)."""
    meta = attack_meta(attack)
    folder = build_submission(tmp_path / "submission", attack, **placeholders)
    for source in folder.glob("*.py"):
        if source.stem != meta["module"]:
            source.unlink()
    (folder / "counting.py").write_text((HOSTILE / "orphan_survivor.py").read_text().replace("{{TAG}}", tag))
    out = tmp_path / "report.json"
    result = subprocess.run([sys.executable, "-m", "grader", "grade", ".", "--no-train", "--json", str(out)],
                            cwd=folder, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(KIT)})
    assert result.returncode == 0, result.stderr
    assert not placeholders["MARKER"].exists(), "the grader imported a file from the folder it was started in"
    task = next(t for t in json.loads(out.read_text())["tasks"] if t["name"] == meta["task"])
    assert task["status"] in meta["status"] and task["score"] == 0, task
    assert wait_for(lambda: not processes_named(tag)), f"still running after grade exited: {processes_named(tag)}"
    assert wait_for(lambda: not sandbox_processes())


@pytest.mark.parametrize("attack", [a for a in ATTACKS if attack_meta(a).get("runner") == "entry"],
                         ids=lambda a: a.stem)
def test_a_hostile_entry_is_refused_before_it_costs_the_grader(attack, tmp_path):
    """Entries an instructor collects (zips): refused with a reason, quickly and without the memory they ask for."""
    from grader.collect import stage
    namespace = {}
    exec(compile(attack.read_text(), str(attack), "exec"), namespace)  # noqa: S102 — the kit's own test code
    entry = tmp_path / f"student{attack_meta(attack).get('suffix', '.zip')}"
    namespace["make"](entry)
    started, peak = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    staged = stage(entry, "student", tmp_path / "staging")
    assert not staged.readable and attack_meta(attack)["reason"] in staged.reason, staged
    assert time.monotonic() - started < 2.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50 * 1024  # KiB


def test_a_socket_pair_still_works_for_students(tmp_path):
    """seccomp refuses new sockets, not pipes and socket pairs (multiprocessing's plumbing)."""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "counting.py").write_text("import os, socket\n\ndef conv_output_size(size, kernel_size, stride=1, "
                                        "padding=0):\n    a, b = socket.socketpair()\n    r, w = os.pipe()\n"
                                        "    a.send(b'x'); os.write(w, b'y')\n    assert b.recv(1) + os.read(r, 1) "
                                        "== b'xy'\n    return (size + 2 * padding - kernel_size) // stride + 1\n")
    with WorkerSubmission(folder, **LIMITS) as submission:
        answer = submission.ask({"kind": "call", "function": "conv_output_size", "args": [224, 11, 4, 1]})
    assert answer.ok and answer.value == 54, answer
