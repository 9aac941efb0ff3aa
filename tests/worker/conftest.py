"""Shared fixtures for the worker tests: submissions built from the reference plus one attack, a loopback listener."""
import json
import os
import re
import secrets
import shutil
import socket
import tempfile
import time
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[2]
HOSTILE = KIT / "tests" / "hostile"
# the four ways the sandbox runs (README "The sandbox"): WorkerSubmission options for each
MODES = {"full": {}, "namespaces-without-landlock": {"landlock": False}, "landlock-only": {"namespaces": False},
         "rlimits-only": {"namespaces": False, "landlock": False}}


def attack_meta(path):
    """The `# attack: {...}` header of a hostile file."""
    match = re.search(r"^# attack: (\{.*\})$", Path(path).read_text(), re.M)
    return json.loads(match.group(1))


def build_submission(folder, attack=None, **placeholders):
    """The reference solutions in `folder`, with `attack` appended to the module its header names."""
    folder.mkdir(parents=True)
    for source in (KIT / "solutions").glob("*.py"):
        if source.name != "__init__.py":
            shutil.copyfile(source, folder / source.name)
    if attack is not None:
        text = Path(attack).read_text()
        for key, value in {"KIT": str(KIT), **placeholders}.items():
            text = text.replace("{{%s}}" % key, str(value))
        target = folder / f"{attack_meta(attack)['module']}.py"
        before = target.read_text() + "\n\n# ---- hostile part ----\n" if target.exists() else ""
        target.write_text(before + text)
    return folder


@pytest.fixture
def listener():
    """A loopback TCP port the attacks try to reach; the test checks nobody connected."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.3)
    yield server
    server.close()


@pytest.fixture
def tag():
    return "d2lh" + secrets.token_hex(4)


@pytest.fixture
def datagram_listener():
    """A loopback UDP port the attacks try to reach; the test checks nothing arrived."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(0.3)
    yield server
    server.close()


@pytest.fixture
def unix_listener():
    """A unix socket on a host path (a stand-in for docker.sock): the test checks nobody connected."""
    folder = tempfile.mkdtemp(prefix="d2lu")  # short: a socket path has at most 107 bytes
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(os.path.join(folder, "s"))
    server.listen(4)
    server.settimeout(0.3)
    yield server
    server.close()
    shutil.rmtree(folder, ignore_errors=True)


def processes_named(tag):
    """Pids of the live processes called `tag` (attacks name their processes with PR_SET_NAME)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as comm:
                if comm.read().strip() == tag:
                    found.append(int(pid))
        except OSError:
            pass
    return found


def sandbox_processes():
    """Live processes running as a worker's own host uid (grader.submission.sandbox.sandbox_uid, when root)."""
    from grader.submission.sandbox import SANDBOX_UID_BASE
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        if fields.get("State", "").split()[:1] != ["Z"] and \
                SANDBOX_UID_BASE <= int(fields["Uid"].split()[0]) < SANDBOX_UID_BASE + (1 << 22):
            found.append(int(pid))
    return found


def worker_cgroups(server_pid):
    """The cgroup folders of the fork server `server_pid`'s workers that still exist."""
    from grader.submission import cgroups
    host, _ = cgroups.detect()
    if host is None:
        return []
    parents = list(host.parents.values()) + ([host.freezer] if host.freezer else [])
    return [os.path.join(parent, name) for parent in parents for name in os.listdir(parent)
            if name.startswith(f"{cgroups.PREFIX}{server_pid}-")]


def wait_for(condition, seconds=3.0):
    """True as soon as `condition()` holds, False if it still does not after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def assert_nothing_left(server_pid, work_folder=None):
    """No worker process, cgroup or copy of the submission outlives the submission's close()."""
    assert wait_for(lambda: not sandbox_processes()), f"worker processes left running: {sandbox_processes()}"
    assert not worker_cgroups(server_pid), f"cgroups left behind: {worker_cgroups(server_pid)}"
    if work_folder is not None:
        assert not Path(work_folder).exists(), f"{work_folder} was left behind"
