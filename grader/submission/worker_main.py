"""The fork server (forkserver.py starts it): one contained keeper + worker per spawn request, kills on request.

Process tree (the grader talks to the fork server over a control socket, and to each worker over its own socket):
    fork server (imported torch once; child subreaper; root of every worker tree it starts)
      └─ keeper, one per worker, inside the worker's own cgroup (keeper.py)
           └─ worker (pid 1 of its own namespaces where possible): loads the submission, answers questions
What this process guarantees:
  - it never holds data derived from a student: a spawn request carries only paths and limits the grader chose,
    and is refused unless every field is of the expected kind and size (`valid_spawn`); a worker's answers,
    output and load failures travel on the worker's own channel to the grader, never through here;
  - every worker tree is killed as a whole, without any cooperation from student code: by its cgroup where the
    host has one (a member can neither escape nor outlive it), else by pidfd plus a sweep of its orphans (this
    process is their subreaper) — on the grader's `kill` request, when its keeper ends, and before this
    process exits for any reason it can handle (the grader closing the channel, or dying: PDEATHSIG);
  - cgroups left by a fork server that was SIGKILLed are removed by the next one (cgroups.remove_abandoned).
Started as `python -I -S` with a sys.path holding only the Python runtime and a staged copy of the few grader
modules a worker needs, so neither the reference solutions nor the checks can be imported.
"""
import json
import math
import os
import select
import shutil
import signal
import socket
import sys
import time

from grader.submission import cgroups, sandbox
from grader.submission.keeper import run_keeper

SPAWN_FIELDS = {"op", "folder", "work", "limits", "namespaces", "landlock", "read_only", "hidden", "work_bytes",
                "graded"}
MAX_GRADED = 64  # assignment modules, and function names in one (the chapter has 4 and at most 4)
LIMIT_FIELDS = set(sandbox.Limits().to_dict())
MAX_PATHS, MAX_PATH = 256, 4096
SWEEP_SECONDS = 5.0


def _path(value):
    if not (isinstance(value, str) and value.startswith("/") and 0 < len(value) <= MAX_PATH and "\0" not in value
            and os.path.normpath(value) == value):
        raise ValueError(f"not a normalised absolute path: {str(value)[:80]!r}")
    return value


def _identifier(value):
    return isinstance(value, str) and len(value) <= 100 and value.isidentifier()


def valid_spawn(request):
    """`request` if it holds exactly what a spawn needs, each field of the expected kind and bounded, else
    ValueError."""
    if not isinstance(request, dict) or set(request) != SPAWN_FIELDS:
        raise ValueError(f"a spawn request has the fields {sorted(SPAWN_FIELDS)}")
    _path(request["work"])
    if not _path(request["folder"]).startswith(request["work"] + "/"):
        raise ValueError("the submission folder must lie inside the worker's folder")
    for key in ("read_only", "hidden"):
        if not isinstance(request[key], list) or len(request[key]) > MAX_PATHS:
            raise ValueError(f"{key} must be a list of at most {MAX_PATHS} paths")
        for path in request[key]:
            _path(path)
    if type(request["namespaces"]) is not bool or type(request["landlock"]) is not bool:
        raise ValueError("namespaces and landlock must be true or false")
    limits = request["limits"]
    if not isinstance(limits, dict) or set(limits) != LIMIT_FIELDS or not all(
            type(v) in (int, float) and math.isfinite(v) and 0 < v <= 1e7 for v in limits.values()):
        raise ValueError(f"limits must give {sorted(LIMIT_FIELDS)}, each a positive number")
    if type(request["work_bytes"]) is not int or not 1 << 20 <= request["work_bytes"] <= 1 << 36:
        raise ValueError("work_bytes must be an int between 1 MiB and 64 GiB")
    graded = request["graded"]  # the registry's names (grader.spec), which the worker's loader looks for
    if not (isinstance(graded, dict) and 0 < len(graded) <= MAX_GRADED and all(
            _identifier(module) and isinstance(names, list) and len(names) <= MAX_GRADED
            and all(_identifier(name) for name in names) for module, names in graded.items())):
        raise ValueError(f"graded must map at most {MAX_GRADED} module names to lists of function names")
    return request


class Trees:
    """The live worker trees of this fork server: keeper pid -> its cgroup (or None), and how to end them."""

    def __init__(self):
        self.host, self.why_none = cgroups.detect()
        if self.host:
            cgroups.remove_abandoned(self.host)
        self.groups, self.count = {}, 0
        self.made = []  # every cgroup not yet removed, whoever holds it (a signal may interrupt end())

    def create(self, limits):
        """A fresh cgroup for the next keeper, or None when the host has none or it cannot be made."""
        if self.host is None:
            return None
        self.count += 1
        try:
            group = cgroups.WorkerGroup.create(self.host, f"{cgroups.PREFIX}{os.getpid()}-{self.count}",
                                               limits.processes, limits.memory_mb << 20)
        except OSError as error:
            self.why_none = f"this worker's cgroup could not be made: {error}"
            return None
        self.made.append(group)
        return group

    def report(self, limits, group):
        """(layers, missing) for the isolation report: exactly how this worker's tree is contained."""
        if group is None:
            why = self.why_none or "none found"
            return (["process tree killed by pidfd and swept (subreaper)"],
                    [f"no cgroup ({why}): processes are limited per uid (RLIMIT_NPROC) and memory per process "
                     f"(RLIMIT_AS) only"])
        bounds = {"pids": f"pids.max {limits.processes}", "memory": f"memory {limits.memory_mb} MiB for the tree"}
        layers = [f"{self.host.describe()} per worker: "
                  f"{', '.join(bounds[c] for c in self.host.controllers)}; killed as a whole"]
        unbounded = {"pids": "processes are limited per uid (RLIMIT_NPROC) only",
                     "memory": "memory is limited per process (RLIMIT_AS) only"}
        return layers, [f"no {c} cgroup: {unbounded[c]}" for c in cgroups.CONTROLLERS if c not in self.host.controllers]

    def end(self, keeper, reaped=False):
        """Kill the whole tree of `keeper` and remove its cgroup. Once `reaped`, its pid may belong to another
        process already: only its cgroup, and the orphans it left us, are killed then."""
        group = self.groups.pop(keeper, None)
        if group is not None:
            group.kill()
            if group.remove():
                self.made.remove(group)
        elif not reaped:
            sandbox.kill_tree(keeper)
        sweep(set(self.groups), until=time.monotonic() + 1.0)

    def end_all(self):
        """Kill every tree, reap every child, remove every cgroup: nothing of ours outlives this process."""
        keepers, self.groups = list(self.groups), {}
        for group in self.made:
            group.kill()
        for keeper in keepers:  # not reaped yet: their pids are still theirs
            sandbox.kill_tree(keeper)
        sweep(set(), until=time.monotonic() + SWEEP_SECONDS)
        for group in list(self.made):
            if group.remove():
                self.made.remove(group)


def sweep(keep, until=None):
    """SIGKILL and reap our children not in `keep` (orphans of killed trees are reparented to us, the subreaper);
    one pass, or with `until` (a monotonic deadline) until none is left."""
    pending = set()
    while True:
        strays = sandbox.children_of(os.getpid()) - keep
        for pid in strays:
            sandbox.kill_quietly(pid)
        pending |= strays
        for pid in list(pending):  # only strays are reaped here: a keeper's exit status is the main loop's to read
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                pending.discard(pid)
        if until is None or (not strays and not pending) or time.monotonic() > until:
            return
        time.sleep(0.002)


def serve_forks(control_fd, config):
    """Fork one keeper per `spawn` request; `kill` ends a worker's tree; `status` gives a keeper's exit status."""
    import numpy  # noqa: F401 — imported once here, shared copy-on-write by every worker
    import torch  # noqa: F401
    from grader.submission import answering, loader  # noqa: F401
    try:  # torch imports dynamo on the first in-place op (~5 s); pay that once here, not in every worker
        import torch._dynamo  # noqa: F401
    except Exception:  # noqa: BLE001 — an optional speed-up
        pass

    trees = Trees()

    def leave(*_):  # the grader closed the channel or died: end every tree, remove the staged modules, go
        trees.end_all()
        shutil.rmtree(config.get("stage") or "/nonexistent", ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, leave)
    sandbox.prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGTERM)
    sandbox.become_subreaper()
    control = socket.socket(fileno=control_fd)
    try:
        _loop(control, trees, leave)
    finally:  # a bug of ours must not leave a worker tree behind either
        trees.end_all()


def _loop(control, trees, leave):
    finished = {}
    control.send(json.dumps({"ready": True, "pid": os.getpid()}).encode())
    while True:
        ready, _, _ = select.select([control], [], [], 0.2)
        for pid, status in sandbox.reap_all().items():
            if pid in trees.groups:
                finished[pid] = os.WTERMSIG(status) * -1 if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
                trees.end(pid, reaped=True)  # the worker's leftovers die with their keeper, whatever they cleared
        sweep(set(trees.groups))
        if not ready:
            continue
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, 2)
        if not message:  # the grader closed the channel (or exited): same as its death
            leave()
        try:
            request = json.loads(message)
            op = request.get("op") if isinstance(request, dict) else None
            if op == "spawn":
                reply = _spawn(valid_spawn(request), fds, trees, control)
            elif op == "kill" and type(request.get("pid")) is int:
                if request["pid"] in trees.groups:
                    trees.end(request["pid"])
                finished.pop(request["pid"], None)
                reply = {"killed": True}
            elif op == "status" and type(request.get("pid")) is int:
                reply = {"status": finished.pop(request["pid"], None), "running": request["pid"] in trees.groups}
            else:
                raise ValueError(f"unknown request {str(op)[:40]!r}")
        except (ValueError, OSError) as error:  # a bad request, or no fork possible right now
            reply = {"error": str(error)[:300]}
        finally:
            for fd in fds:
                os.close(fd)
        control.send(json.dumps(reply).encode())


def _spawn(request, fds, trees, control):
    if len(fds) != 2:
        raise ValueError("a spawn request passes exactly two descriptors (channel, output)")
    limits = sandbox.Limits(**request["limits"])
    group = trees.create(limits)
    layers, missing = trees.report(limits, group)
    request = {**request, "tree": {"layers": layers, "missing": missing}}
    pid = os.fork()
    if pid == 0:
        control.close()
        run_keeper(request, fds[0], fds[1], group)
    trees.groups[pid] = group
    return {"pid": pid}


def main():
    """Entry point: `python -I -S -c '...' CONTROL_FD CONFIG_JSON` (sys.path already set by the bootstrap)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the grader, which shuts us down
    serve_forks(int(sys.argv[1]), json.loads(sys.argv[2]))


if __name__ == "__main__":
    main()
