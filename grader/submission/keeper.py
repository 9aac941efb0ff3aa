"""Each worker's keeper and the worker itself: contain the tree, isolate the worker, then answer questions.

    keeper (forked by the fork server; joins the worker's cgroup first, so nothing it starts is born outside;
            a subreaper; unshares the namespaces with the uid map; waits for the worker, then kills the rest)
      └─ worker (pid 1 of its namespaces where possible): every layer applied, then the submission loaded
The worker answers with exactly the in-process code: loader.load_package + answering.answer. What it learns
from the grader beyond the spawn request (which modules to leave out, the language of its notes) arrives on its
own channel, so nothing about one student ever passes through the fork server that forks the next. Standard
library + torch only.
"""
import os
import signal
import socket
import sys
import time

from grader.i18n import LANGUAGES, N_, _, set_language
from grader.submission import landlock, namespaces, sandbox, seccomp, wire

PACKAGE = "assignments"
SETUP_TIMEOUT = 30.0
LEFT_OUT = N_("left out of this worker: loading it stopped an earlier one")


# ---- the worker -------------------------------------------------------------------------------------------------

def _take_uid(request, in_namespaces, host_uid):
    """Stop being the host's root before anything else: -> (bind sources for the private root, what was kept)."""
    if in_namespaces:  # look the runtime up while we still may, then become uid 0 inside = host_uid outside
        sources = namespaces.open_sources(request["read_only"] + list(namespaces.DEVICES))
        namespaces.become_root_inside()
        return sources, ""
    if os.geteuid() != 0:
        return [], ""
    unreachable = [p for p in request["read_only"] if not sandbox.reachable_by_others(p)]
    sandbox.drop_to(host_uid, keep_read_search=bool(unreachable))
    return [], (f"CAP_DAC_READ_SEARCH (to read {unreachable[0]}, which others may not enter: files outside its "
                f"folder are readable, never writable)" if unreachable else "")


def _isolate(request, in_namespaces, namespace_error, host_uid, sources, kept):
    """Apply every layer this platform allows; -> (active layers, missing guarantees). No student code has run yet."""
    limits = sandbox.Limits(**request["limits"])
    layers, missing = ["python -I -S (staged grader modules only)", "scrubbed environment", "child subreaper"], []
    layers += request["tree"]["layers"]
    missing += request["tree"]["missing"]
    hidden, work = request["hidden"], request["work"]
    read_only = request["read_only"] + list(sandbox.DEVICES_READ_ONLY)
    read_write = [work, *sandbox.SYSTEM_READ_WRITE]
    if in_namespaces:
        layers.append("user+pid+net+mount namespaces")
        try:
            namespaces.private_root(work + "/.root", sources, hidden, work, request["work_bytes"], limits.inodes)
            layers += ["private root, read-only (kit, tests, gradebooks out of sight)", "/proc read-only",
                       "private /dev/null, /dev/zero, /dev/urandom (read-only binds)",
                       f"working folder on a tmpfs ({request['work_bytes'] >> 20} MiB, {limits.inodes} inodes)"]
            read_only = read_only + ["/proc"]  # a fresh /proc showing only the sandbox's processes
        except OSError as error:
            missing.append(f"private root failed ({error}): the host's files are visible as to an unprivileged "
                           f"user, and the working folder is on the host's disk")
    else:
        missing.append(f"no user namespaces ({namespace_error}): network, other processes and the pid tree are not "
                       f"isolated by the kernel, and the working folder is on the host's disk (only the per-file "
                       f"size limit bounds it)")
    layers.append(f"unprivileged host uid {host_uid}" + (" (uid 0 inside maps to it)" if in_namespaces else "")
                  + (f", keeping only {kept}" if kept else ""))
    layers += sandbox.apply_rlimits(limits, use_cuda=False)
    if in_namespaces:
        try:
            sandbox.drop_capabilities()
            layers.append("capabilities dropped")
        except OSError as error:
            missing.append(f"capabilities not dropped ({error})")
    sandbox.prctl(sandbox.PR_SET_NO_NEW_PRIVS, 1)  # Landlock and seccomp both need it
    try:
        found = landlock.apply_landlock(landlock.expand_allowed(read_only, hidden), read_write) \
            if request["landlock"] else []
    except OSError as error:
        found = []
        missing.append(f"landlock failed ({error})")
    layers += found
    try:
        filtered = seccomp.install()
    except OSError as error:
        filtered, why = False, str(error)
    else:
        why = "unknown architecture"
    if filtered:
        layers.append("seccomp (no socket(), connect(), io_uring, utime or open_by_handle_at)")
    elif not in_namespaces:
        missing.append(f"no seccomp ({why}): UDP and connect() to unix sockets stay open"
                       + (", and open_by_handle_at reads any file" if kept else ""))
    if not in_namespaces and not found:
        missing.append("no landlock and no private root: the submission can read any file "
                       + ("of the host (it keeps CAP_DAC_READ_SEARCH)" if kept else "an unprivileged user can")
                       + ", the kit and its solutions included")
    elif not in_namespaces and not any("tcp" in layer for layer in found):
        missing.append("TCP not blocked (landlock ABI < 4 and no network namespace)")
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
            raise ImportError(_(LEFT_OUT))

    sys.addaudithook(hook)
    return state


def run_worker(sock, request):
    """Learn what to leave out, load the submission, then answer questions until the grader closes the channel."""
    from grader.submission.answering import answer
    from grader.submission.loader import load_package

    body, _tensors = wire.read(sock, time.monotonic() + SETUP_TIMEOUT)
    sock.settimeout(None)  # from here on the worker waits for questions as long as the grader likes
    if not (isinstance(body, dict) and body.get("kind") == "setup" and isinstance(body.get("skip"), list)):
        raise RuntimeError("the grader's setup frame is malformed")
    if body.get("lang") in LANGUAGES:  # anything else: English, the source text
        set_language(body["lang"])
    hook = _progress_hook(sock, frozenset(str(name) for name in body["skip"]))
    package = load_package(request["folder"], graded=request["graded"])
    hook["active"] = False
    wire.send(sock, {"kind": "loaded", "problems": package.problems, "notes": package.notes,
                     "sources": package.sources})
    while True:
        try:
            body, _tensors = wire.read(sock)
        except (wire.ChannelClosed, wire.BadFrame):
            return
        data, tensors = answer(body["question"], package.find_function)
        try:
            frame = wire.encode({"kind": "answer", "answer": data}, tensors)
        except (TypeError, ValueError) as error:
            frame = wire.encode({"kind": "answer", "answer": {"ok": False, "status": "invalid",
                                                            "message": _("answer not sendable: {error}").format(
                                                                error=error)}})
        sock.sendall(frame)


def _start_worker(request, sock_fd, keeper_pid, in_namespaces, namespace_error, host_uid):
    sandbox.die_with_parent()
    if os.getppid() != keeper_pid and not in_namespaces:  # the keeper died before we could follow it
        os._exit(1)
    os.setsid()
    sources, kept = _take_uid(request, in_namespaces, host_uid)
    layers, missing = _isolate(request, in_namespaces, namespace_error, host_uid, sources, kept)
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


# ---- the keeper -------------------------------------------------------------------------------------------------

def _hand_over(folder, uid):
    """Give the worker's folder (the submission's copy) to the worker's uid; its parent only lets it pass."""
    if os.geteuid() != 0 or uid == 0:
        return
    for root, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)
    os.chown(folder, uid, uid)


def run_keeper(request, sock_fd, out_fd, group):
    """The worker's parent: contain, start and wait for the worker, then SIGKILL whatever it left behind; exit
    with its status. `group`: the worker's cgroups.WorkerGroup (None where the host has none)."""
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the server's clean-up handler is not the keeper's to run
        sandbox.die_with_parent()
        if group is not None:
            group.join()  # first: every process the worker will ever start is born inside
        sandbox.become_subreaper()
        keeper = os.getpid()
        host_uid = sandbox.sandbox_uid(keeper)
        _hand_over(request["work"], host_uid)
        if os.geteuid() == 0:
            os.setgroups([])  # root's supplementary groups would survive the uid map
        in_namespaces, namespace_error = False, "switched off"
        if request["namespaces"]:
            try:
                namespaces.enter_namespaces(host_uid, host_uid)
                in_namespaces = True
            except OSError as error:
                namespace_error = str(error)
        worker = os.fork()
        if worker == 0:
            try:
                os.dup2(out_fd, 1)
                os.dup2(out_fd, 2)  # from here on, a failure (ours or the student's) shows up in the grader's feedback
                _start_worker(request, sock_fd, keeper, in_namespaces, namespace_error, host_uid)
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
