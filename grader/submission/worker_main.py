"""The fork server's loop, each worker's keeper, and the worker running student code (forkserver.py starts it).

Process tree (the grader talks to the fork server over a control socket, and to each worker over its own socket):
    fork server (imported torch once; child subreaper: SIGKILLs any orphan that is not a keeper)
      └─ keeper, one per worker (subreaper; waits for the worker, then SIGKILLs whatever it left behind)
           └─ worker (pid 1 of its own namespaces where possible): loads the submission, answers questions
The worker answers with exactly the in-process code: loader.load_package + answering.answer. Started as
`python -I -S` with a sys.path holding only the Python runtime and a staged copy of the few grader modules it
needs, so neither the reference solutions nor the checks can be imported.
"""
import json
import os
import select
import shutil
import signal
import socket
import sys

from grader.submission import sandbox, wire

PACKAGE = "assignments"


# ---- the worker -------------------------------------------------------------------------------------------------

def _isolate(request, in_namespaces):
    """Apply every layer this platform allows; -> (active layers, missing guarantees). No student code has run yet."""
    layers, missing = ["python -I -S (staged grader modules only)", "fresh working folder", "scrubbed environment",
                       "child subreaper"], []
    read_only, hidden = request["read_only"], request["hidden"]
    read_write = [request["work"], *sandbox.SYSTEM_READ_WRITE]
    if in_namespaces:
        layers.append("user+pid+net+mount namespaces")
        try:
            sandbox.private_root(request["work"] + "/.root", read_only, read_write, hidden)
            layers.append("private root (kit, tests, gradebooks out of sight)")
            read_only = read_only + ["/proc"]  # a fresh /proc showing only the sandbox's processes
        except OSError as error:
            missing.append(f"private root failed ({error})")
    else:
        missing.append("no user namespaces: network, other processes and the pid tree are not isolated by the kernel")
    layers += sandbox.apply_rlimits(sandbox.Limits(**request["limits"]), use_cuda=False)
    if "RLIMIT_NPROC" not in layers:  # uid 0, in or out of our namespaces (they map our uid to itself)
        missing.append("running as root: the kernel does not enforce RLIMIT_NPROC, so the number of processes is "
                       "not limited and the memory limit (per process) does not bound their total; a pids cgroup "
                       "would")
    if in_namespaces:
        try:
            sandbox.drop_capabilities()
            layers.append("capabilities dropped")
        except OSError as error:
            missing.append(f"capabilities not dropped ({error})")
    try:
        landlock = [] if not request.get("landlock", True) else sandbox.apply_landlock(sandbox.expand_allowed(read_only, hidden), read_write)
    except OSError as error:
        landlock = []
        missing.append(f"landlock failed ({error})")
    layers += landlock
    if not landlock:
        sandbox.prctl(sandbox.PR_SET_NO_NEW_PRIVS, 1)
        if not in_namespaces:
            missing.append("no landlock and no private root: the submission can read any file this user can")
    elif not any("tcp" in layer for layer in landlock) and not in_namespaces:
        missing.append("network not blocked (landlock ABI < 4 and no network namespace)")
    layers.append("no_new_privs")
    return layers, missing


def _progress_hook(sock, skip):
    """Audit hook reporting which student module is loading, and refusing modules that killed an earlier worker."""
    state = {"current": None, "active": True}

    def hook(event, args):
        if not state["active"] or event not in ("import", "exec"):
            return
        if event == "import":
            name = args[0]
        else:  # importlib (and the notebook loader) put the module in sys.modules before executing its code
            name = next((k for k in reversed(list(sys.modules)) if k == PACKAGE or k.startswith(PACKAGE + ".")), None)
        if not name or not (name == PACKAGE or name.startswith(PACKAGE + ".")):
            return
        if name != state["current"]:
            state["current"] = name
            state["active"] = False  # sending must not re-enter the hook
            try:
                wire.send(sock, {"kind": "progress", "module": name})
            finally:
                state["active"] = True
        if name in skip:
            raise ImportError(skip[name])

    sys.addaudithook(hook)
    return state


def run_worker(sock, request):
    """Load the submission, then answer questions until the grader closes the channel."""
    from grader.submission.answering import answer
    from grader.submission.loader import load_package

    hook = _progress_hook(sock, request["skip"])
    package = load_package(request["folder"], graded=request.get("graded"))  # None: grader.spec's tasks
    hook["active"] = False
    wire.send(sock, {"kind": "loaded", "problems": package.problems, "notes": package.notes,
                     "sources": package.sources})
    while True:
        try:
            body, _ = wire.read(sock)
        except (wire.ChannelClosed, wire.BadFrame):
            return
        data, tensors = answer(body["question"], package.find_function)
        try:
            frame = wire.encode({"kind": "answer", "answer": data}, tensors)
        except (TypeError, ValueError) as error:
            frame = wire.encode({"kind": "answer", "answer": {"ok": False, "status": "invalid",
                                                            "message": f"answer not sendable: {error}"}})
        sock.sendall(frame)


def _start_worker(request, sock_fd, out_fd, keeper_pid, in_namespaces):
    sandbox.die_with_parent()
    if os.getppid() != keeper_pid and not in_namespaces:  # the keeper died before we could follow it
        os._exit(1)
    os.setsid()
    layers, missing = _isolate(request, in_namespaces)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.closerange(3, sock_fd)
    os.closerange(sock_fd + 1, 65536)
    os.chdir(request["work"])
    os.environ.clear()
    os.environ.update({"HOME": request["work"], "TMPDIR": request["work"], "PATH": "/usr/bin:/bin",
                       "LANG": "C.UTF-8", "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1"})
    import torch
    torch.set_num_threads(1)  # workers answer small questions; one thread keeps parallel graders from thrashing
    sock = socket.socket(fileno=sock_fd)
    wire.send(sock, {"kind": "ready", "isolation": {"layers": layers, "missing": missing}})
    run_worker(sock, request)


def run_keeper(request, sock_fd, out_fd, use_namespaces):
    """The worker's parent: start it, wait for it, then SIGKILL everything it left behind; exit with its status."""
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the server's clean-up handler is not the keeper's to run
        sandbox.die_with_parent()
        sandbox.become_subreaper()
        in_namespaces = False
        if use_namespaces:
            try:
                sandbox.enter_namespaces()
                in_namespaces = True
            except OSError:
                pass
        keeper = os.getpid()
        worker = os.fork()
        if worker == 0:
            try:
                os.dup2(out_fd, 1)
                os.dup2(out_fd, 2)  # from here on, a failure (ours or the student's) shows up in the grader's feedback
                _start_worker(request, sock_fd, out_fd, keeper, in_namespaces)
            except BaseException:  # noqa: BLE001
                import traceback
                traceback.print_exc()
                sys.stderr.flush()
                os._exit(70)
            os._exit(0)
        os.close(sock_fd)
        os.close(out_fd)
        code = 1
        while True:
            pid, status = os.waitpid(-1, 0)
            if pid == worker:
                code = 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
                break
        while True:  # orphans of the worker were reparented to us: kill them until none is left
            for child in sandbox.children_of(keeper):
                sandbox.kill_quietly(child)
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
    except BaseException:  # noqa: BLE001 — the keeper never runs Python's cleanup in a forked copy of the server
        code = 1
    os._exit(code)


# ---- the fork server --------------------------------------------------------------------------------------------

def serve_forks(control_fd, config):
    """Fork one keeper per `spawn` request; answer `status` queries with a keeper's exit status."""
    import numpy  # noqa: F401 — imported once here, shared copy-on-write by every worker
    import torch  # noqa: F401
    from grader.submission import answering, loader  # noqa: F401
    try:  # torch imports dynamo on the first in-place op (~5 s); pay that once here, not in every worker
        import torch._dynamo  # noqa: F401
    except Exception:  # noqa: BLE001 — an optional speed-up
        pass

    def leave(*_):  # the grader died: remove the staged modules, then go (keepers and workers follow: PDEATHSIG)
        shutil.rmtree(config.get("stage") or "/nonexistent", ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, leave)
    sandbox.prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGTERM)
    sandbox.become_subreaper()
    control = socket.socket(fileno=control_fd)
    keepers, finished = set(), {}
    control.send(json.dumps({"ready": True, "pid": os.getpid()}).encode())
    while True:
        ready, _, _ = select.select([control], [], [], 0.2)
        for pid, status in sandbox.reap_all().items():
            if pid in keepers:
                keepers.discard(pid)
                finished[pid] = os.WTERMSIG(status) * -1 if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        for orphan in sandbox.children_of(os.getpid()) - keepers:
            sandbox.kill_quietly(orphan)
        if not ready:
            continue
        message, fds, _, _ = socket.recv_fds(control, 1 << 20, 2)
        if not message:  # the grader closed the channel (or exited): same as its death
            leave()
        request = json.loads(message)
        if request["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                control.close()
                run_keeper(request, fds[0], fds[1], config["namespaces"] and request.get("namespaces", True))
            for fd in fds:
                os.close(fd)
            keepers.add(pid)
            control.send(json.dumps({"pid": pid}).encode())
        elif request["op"] == "status":
            control.send(json.dumps({"status": finished.pop(request["pid"], None),
                                     "running": request["pid"] in keepers}).encode())


def main():
    """Entry point: `python -I -S -c '...' CONTROL_FD CONFIG_JSON` (sys.path already set by the bootstrap)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the grader, which shuts us down
    serve_forks(int(sys.argv[1]), json.loads(sys.argv[2]))


if __name__ == "__main__":
    main()
