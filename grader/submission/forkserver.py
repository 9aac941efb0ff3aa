"""The grader's handle on the fork server: stage the few modules a worker may import, start it, ask it for workers.

The server itself is worker_main.py (its loop) and keeper.py (each worker's keeper and the worker); it runs under
`python -I -S` with only the staged copy of the kit on its path. The staged modules are the public kit's
question/answer layer, readable by the workers' unprivileged uids; the server's log is not.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

from grader import scratch
from grader.scratch import owned_folder
from grader.submission import sandbox

# What the worker may import from the kit: the question/answer layer and what it needs, nothing that knows answers.
STAGED_MODULES = ("grader/__init__.py", "grader/assignment.py", "grader/book.py", "grader/spec.py",
                  "grader/catalog/*.py", "grader/editions.py", "grader/netspec.py", "grader/graph/*.py",
                  "grader/submission/*.py", "grader/i18n.py",
                  "grader/locale/*/LC_MESSAGES/messages.mo")  # the students' language: notes made while loading
BOOT = ("import sys, json; sys.path[:] = json.loads(sys.argv[3]); "
        "from grader.submission.worker_main import main; main()")
START_TIMEOUT = 300.0  # importing torch on a cold, busy machine


def _kit_paths():
    """(kit folder holding `grader/`, paths the worker must not see: the kit's packages, tests and solutions)."""
    import importlib.util
    kit = Path(__file__).resolve().parents[2]
    hidden = [kit / "grader", kit / "solutions", kit / "tests", kit / "test_assignments.py"]
    spec = importlib.util.find_spec("solutions")
    if spec and spec.submodule_search_locations:
        hidden += [Path(p) for p in spec.submodule_search_locations]
    return kit, sorted({str(p.resolve()) for p in hidden})


def _runtime_paths(kit):
    """The sys.path entries of the Python installation (stdlib, site-packages, where torch lives) — not the script's
    folder, the current folder, PYTHONPATH additions or the kit itself, which may hold answers or gradebooks."""
    import importlib.util
    import site
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
    roots.update(os.path.realpath(p) for p in site.getsitepackages() + [site.getusersitepackages()])
    for package in ("torch", "numpy", "nbformat"):
        spec = importlib.util.find_spec(package)
        if spec and spec.submodule_search_locations:
            roots.add(os.path.dirname(os.path.realpath(list(spec.submodule_search_locations)[0])))
    kit = os.path.realpath(kit)
    keep = []
    for path in sys.path:
        real = os.path.realpath(path) if path else ""
        if (path and os.path.isdir(path) and real != kit and real != os.path.realpath(os.getcwd())
                and any(real == root or real.startswith(root + os.sep) for root in roots)):
            keep.append(path)
    return keep


class ForkServer:
    """A `python -I -S` process that imported torch once and forks one keeper + worker per request."""

    def __init__(self):
        kit, self.hidden = _kit_paths()
        self.stage = owned_folder(scratch.FORK_SERVER_STAGE)
        for pattern in STAGED_MODULES:
            for source in kit.glob(pattern):
                (self.stage / source.relative_to(kit)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, self.stage / source.relative_to(kit))
        for folder in [self.stage, *(p for p in self.stage.rglob("*") if p.is_dir())]:
            folder.chmod(0o755)  # mkdtemp's 0700 would keep the workers' own uid out
        runtime = _runtime_paths(kit)
        self.read_only = [*sandbox.SYSTEM_READ_ONLY, str(self.stage), *runtime]
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = open(os.open(self.stage / "server.log", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600), "w+b")
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "CUDA_VISIBLE_DEVICES": ""}
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", BOOT, str(theirs.fileno()), json.dumps({"namespaces": True, "stage": str(self.stage)}),
             json.dumps([str(self.stage), *runtime])],
            pass_fds=[theirs.fileno()], env=env, cwd=self.stage, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=self.log, start_new_session=True)
        theirs.close()
        self.control, self.lock = ours, threading.Lock()
        self.pid = self._receive(START_TIMEOUT)["pid"]

    def _receive(self, timeout):
        self.control.settimeout(timeout)
        try:
            message = self.control.recv(1 << 16)
        except (socket.timeout, OSError):
            message = b""
        if not message:
            self.log.seek(0)
            raise RuntimeError(f"the fork server is not answering: {self.log.read()[-2000:].decode(errors='replace')}")
        return json.loads(message)

    def alive(self):
        return self.process.poll() is None

    def _ask(self, request, fds=()):
        with self.lock:
            socket.send_fds(self.control, [json.dumps(request).encode()], list(fds))
            reply = self._receive(30.0)
        if "error" in reply:
            raise RuntimeError(f"the fork server refused {request['op']}: {reply['error']}")
        return reply

    def spawn(self, request, fds):
        """Start a worker; -> its keeper's pid (`kill(pid)` ends the worker's whole process tree)."""
        return self._ask(request, fds)["pid"]

    def kill(self, pid):
        """End the whole tree of the worker kept by `pid` (its cgroup, or pidfds and a sweep); returns when done."""
        self._ask({"op": "kill", "pid": pid})

    def status(self, pid):
        """{"status": keeper exit code (None while running; -N: killed by signal N), "running": bool}."""
        return self._ask({"op": "status", "pid": pid})

    def close(self):
        self.control.close()  # at end of stream the server ends every worker tree, then exits
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.stage, ignore_errors=True)


_SERVER, _SERVER_LOCK = {}, threading.Lock()


def fork_server(fresh=False):
    """This process's fork server, started (or restarted after it died) on first use; `fresh`: replace it now.

    `fresh` is for a server that stopped answering but may not look dead yet (a SIGKILLed process holding
    torch takes a moment to exit): it is closed, waited for, and a new one started.
    """
    with _SERVER_LOCK:
        server = _SERVER.get(os.getpid())
        if server is None or fresh or not server.alive():
            if server is not None:
                server.close()
            server = _SERVER[os.getpid()] = ForkServer()
            import atexit
            atexit.register(server.close)
        return server
