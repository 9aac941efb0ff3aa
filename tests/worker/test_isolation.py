"""The isolation report says exactly what is active, in each mode; a worker tree never outlives its grading (after
`kill -9` of the grader here; after `grade` exits: test_hostile's command test); cgroups are detected and
cleaned up as documented."""
import os
import re
import select
import signal
import subprocess
import sys
import textwrap

import pytest

from tests.worker.conftest import (HOSTILE, KIT, MODES, assert_nothing_left, processes_named, wait_for,
                                   worker_cgroups)
from grader.submission import call, cgroups
from grader.submission.sandbox import Limits
from grader.submission.worker import WorkerSubmission

# What the worker sees, measured from inside it (plain data), to hold each claim of the report against.
PROBE = textwrap.dedent('''
    import os
    import resource


    def _fact(read):
        try:
            return read()
        except OSError:
            return None


    def conv_output_size(*args):
        def mounted_read_only(point):
            return any(line.split()[1] == point and "ro" in line.split()[3].split(",")
                       for line in open("/proc/self/mounts"))
        def folder():
            vfs = os.statvfs(".")
            return [vfs.f_blocks * vfs.f_frsize >> 20, vfs.f_files]
        status = _fact(lambda: dict(line.split(":", 1) for line in open("/proc/self/status")))
        return {"pid": os.getpid(), "uid": os.getuid(),
                "kit": _fact(lambda: bool(open("{KIT}/solutions/counting.py").read())) or False,
                "uid_map": _fact(lambda: open("/proc/self/uid_map").read().split()),
                "net": _fact(lambda: os.readlink("/proc/self/ns/net")), "folder": folder(),
                "proc_read_only": _fact(lambda: mounted_read_only("/proc")),
                "seccomp": status and status["Seccomp"].strip(),
                "cgroup": _fact(lambda: open("/proc/self/cgroup").read()),
                "nproc": list(resource.getrlimit(resource.RLIMIT_NPROC))}
''').replace("{KIT}", str(KIT))


@pytest.mark.parametrize("mode", MODES)
def test_the_report_names_exactly_what_is_active(mode, tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "counting.py").write_text(PROBE)
    with WorkerSubmission(folder, timeout=30, **MODES[mode]) as submission:
        answer = submission.ask(call("conv_output_size", 1, 1))
        layers, missing = submission.isolation["layers"], submission.isolation["missing"]
    assert answer.ok, answer
    seen, claimed = answer.value, " ".join(layers)
    in_namespaces = "namespaces" in claimed
    assert in_namespaces == (seen["pid"] == 1 and seen["net"] != os.readlink("/proc/self/ns/net"))
    if MODES[mode].get("namespaces") is False:
        assert not in_namespaces and any("no user namespaces" in gap for gap in missing)
    if MODES[mode].get("landlock") is False:
        assert "landlock" not in claimed
    assert seen["kit"] == ("private root" not in claimed and "landlock-fs" not in claimed)
    if "private root" not in claimed and "landlock-fs" not in claimed:
        assert any("can read any file" in gap for gap in missing)
    assert ("/proc read-only" in claimed) == bool(seen["proc_read_only"])
    quota = re.search(r"tmpfs \((\d+) MiB, (\d+) inodes\)", claimed)
    assert bool(quota) == in_namespaces
    if quota:
        assert seen["folder"] == [int(quota.group(1)), int(quota.group(2))] == [Limits.disk_mb, Limits.inodes]
    else:
        assert any("working folder is on the host's disk" in gap for gap in missing)
    host_uid = re.search(r"unprivileged host uid (\d+)", claimed)
    if os.geteuid() == 0:
        assert host_uid, "as root, the worker must run as another host uid"
        assert (seen["uid_map"][:3] == ["0", host_uid.group(1), "1"]) if in_namespaces else \
            seen["uid"] == int(host_uid.group(1))
    assert ("RLIMIT_NPROC" in claimed) == (seen["nproc"] == [Limits.processes] * 2 and bool(host_uid or os.geteuid()))
    if seen["seccomp"] is not None:
        assert ("seccomp" in claimed) == (seen["seccomp"] == "2")
    assert ("cgroup v" in claimed) == ("d2l-" in (seen["cgroup"] or "")) or seen["cgroup"] is None
    assert ("cgroup v" in claimed) != any("no cgroup" in gap for gap in missing)
    if mode == "full" and cgroups.detect()[0] and "landlock-fs" in claimed and "namespaces" in claimed:
        assert missing == [], missing  # this machine offers every layer: nothing may be reported missing


def _orphan_submission(folder, tag):
    """counting.py holding only the orphan_survivor attack (the other tasks are `missing` at once): a worker and
    a daemon named `tag` that cleared their parent-death signals and answer at once, so the tree is alive when
    grading ends."""
    folder.mkdir()
    (folder / "counting.py").write_text((HOSTILE / "orphan_survivor.py").read_text().replace("{{TAG}}", tag))
    return folder


def test_kill_minus_9_of_the_grader_leaves_no_worker_and_no_cgroup(tmp_path, tag):
    folder = _orphan_submission(tmp_path / "submission", tag)
    script = textwrap.dedent(f"""
        import sys, time
        from grader.submission import call
        from grader.submission.forkserver import fork_server
        from grader.submission.worker import WorkerSubmission
        submission = WorkerSubmission({str(folder)!r}, timeout=30)
        submission.ask(call("conv_output_size", 5, 3))  # the worker now survives its keeper, and has a daemon
        print(fork_server().pid, fork_server().stage, flush=True)
        time.sleep(120)
    """)
    grader = subprocess.Popen([sys.executable, "-c", script], cwd=KIT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(KIT)})
    try:
        assert select.select([grader.stdout], [], [], 180)[0], "the grading script did not start"
        server, stage = grader.stdout.readline().split()
        assert wait_for(lambda: len(processes_named(tag)) >= 2, 10.0), "the attack did not start its processes"
        os.kill(grader.pid, signal.SIGKILL)
        grader.wait(10)
        assert wait_for(lambda: not processes_named(tag), 10.0), f"alive after kill -9: {processes_named(tag)}"
        assert wait_for(lambda: not worker_cgroups(int(server)), 5.0), worker_cgroups(int(server))
        assert wait_for(lambda: not os.path.exists(stage), 5.0), "the fork server's stage was left behind"
        assert_nothing_left(int(server))
    finally:
        grader.kill()


@pytest.fixture
def host():
    found, why = cgroups.detect()
    if found is None:
        pytest.skip(f"no usable cgroup here: {why}")
    return found


def _dead_pid():
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _start_in(group, command):
    """A process started inside `group` (it joins before exec)."""
    return subprocess.Popen(command, preexec_fn=group.join, start_new_session=True)


def test_a_cgroup_is_killed_as_a_whole_even_while_it_forks(host):
    group = cgroups.WorkerGroup.create(host, f"{cgroups.PREFIX}{os.getpid()}-test", 32, 256 << 20)
    try:
        forker = _start_in(group, [sys.executable, "-c", "import os, time\nwhile True:\n    try:\n        "
                                   "os.fork() or time.sleep(30)\n    except OSError:\n        time.sleep(0.01)"])
        assert wait_for(lambda: len(group.members()) >= 10, 10.0)
        if "pids" in host.controllers:
            assert len(group.members()) <= 32
        assert group.kill() and not group.members()
        forker.wait(5)
    finally:
        group.kill()
        assert group.remove()
    assert not any(os.path.exists(folder) for folder in group.folders)


def test_cgroups_left_by_a_killed_fork_server_are_removed_by_the_next(host):
    name = f"{cgroups.PREFIX}{_dead_pid()}-1"
    group = cgroups.WorkerGroup.create(host, name, 8, 64 << 20)
    sleeper = _start_in(group, ["sleep", "60"])
    assert name in cgroups.remove_abandoned(host)
    assert sleeper.wait(5) == -signal.SIGKILL
    assert not any(os.path.exists(folder) for folder in group.folders)


def test_detection_covers_v2_delegation_v1_and_none(monkeypatch):
    files = {}
    monkeypatch.setattr(cgroups, "_read", lambda path: files[path])
    monkeypatch.setattr(cgroups, "_can_make_children", lambda folder: True)
    monkeypatch.setattr(cgroups.os.path, "isdir", lambda folder: True)
    monkeypatch.setattr(cgroups, "_write", lambda path, text: files.__setitem__(path, text))
    v2 = "30 20 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n"
    files.update({"/proc/self/mountinfo": v2, "/proc/self/cgroup": "0::/user.slice/grader.scope\n",
                  "/sys/fs/cgroup/user.slice/grader.scope/cgroup.controllers": "cpu memory pids",
                  "/sys/fs/cgroup/user.slice/grader.scope/cgroup.subtree_control": "memory pids"})
    host, _ = cgroups.detect()
    assert (host.version, host.parents, host.controllers) == (2, {"unified": "/sys/fs/cgroup/user.slice/grader.scope"},
                                                              ("pids", "memory"))
    files["/sys/fs/cgroup/user.slice/grader.scope/cgroup.controllers"] = "cpu io"
    v1 = ("31 20 0:27 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
          "32 20 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
          "33 20 0:29 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n")
    files.update({"/proc/self/mountinfo": v2 + v1,
                  "/proc/self/cgroup": "3:pids:/\n2:memory:/grading\n1:freezer:/\n0::/user.slice/grader.scope\n"})
    host, _ = cgroups.detect()
    assert (host.version, host.controllers, host.freezer) == (1, ("pids", "memory"), "/sys/fs/cgroup/freezer")
    assert host.parents == {"pids": "/sys/fs/cgroup/pids", "memory": "/sys/fs/cgroup/memory/grading"}
    files["/proc/self/mountinfo"] = "22 1 0:21 / /proc rw - proc proc rw\n"
    host, why = cgroups.detect()
    assert host is None and "no cgroup v2 mount" in why and "v1" in why


def test_a_worker_tree_is_limited_as_a_whole(tmp_path):
    """pids.max and the memory limit bind the tree, not each process: 8 children of 96 MiB each exceed 512 MiB."""
    if cgroups.detect()[0] is None:
        pytest.skip("no usable cgroup here")
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "counting.py").write_text(textwrap.dedent("""
        import os, time
        def conv_output_size(*args):
            children = []
            for _ in range(8):
                pid = os.fork()
                if pid == 0:
                    block = bytearray(b"x") * (96 << 20)  # written: the pages are real
                    time.sleep(5)
                    os._exit(0)
                children.append(pid)
            return sum(os.waitpid(pid, 0)[1] != 0 for pid in children)  # children that were killed
    """))
    with WorkerSubmission(folder, timeout=20, memory_mb=512) as submission:
        answer = submission.ask(call("conv_output_size", 1, 1))
    assert (answer.ok and answer.value > 0) or answer.status == "crashed", answer
