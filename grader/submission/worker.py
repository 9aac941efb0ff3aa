"""The sandboxed backend, grader side: ask questions of a worker process over JSON + npy frames, and fail closed.

Policy (what happens when a worker misbehaves):
  - Each question gets `timeout` seconds and the submission `budget` seconds in all (loading and restarts
    included). A question that times out, kills its worker (segfault, exit, memory) or sends anything but one
    well-formed answer frame is answered `timeout` / `crashed` / `invalid`, and the worker's whole process tree
    is SIGKILLed. The next question gets a fresh worker while budget remains, so one bad function costs only its
    own tasks; the function that did it is not run again in this submission (its first failure is its verdict).
  - A student module that kills, hangs or garbles the worker while loading is left out of the next worker
    (reported under problems()); the other modules still load and are graded.
  - Nothing the worker sends is imported, unpickled or evaluated; its exit code and output are only quoted in
    feedback, never used as a verdict. An answer frame carries data, or a failure kind from ANSWER_FAILURES
    for a failed answer — never a verdict: anything else (`ok: false, status: "passed"`, unknown fields) is a
    malformed frame. Every string it sends is valid text (wire.py) and is cut to a bounded length here.
  - What the grader tells a worker beyond the spawn request (the modules to leave out) goes on the worker's own
    channel, so nothing derived from a student ever enters the fork server that forks the next one.
"""
import dataclasses
import os
import re
import shutil
import signal
import socket
import threading
import time

from grader import spec
from grader import scratch
from grader.i18n import N_, _, current_language
from grader.scratch import owned_folder
from grader.submission import wire
from grader.submission.base import ANSWER_FAILURES, Answer
from grader.submission.worker_copy import copy_submission
from grader.submission.sandbox import Limits
from grader.submission.forkserver import fork_server

ANSWER_FIELDS = {"ok", "value", "status", "message", "output"}
# what a progress frame may name: the package, its modules and subpackages (identifiers, 作业7 included)
MODULE_NAME = re.compile(r"assignments(\.(?!\d)\w{1,100}){0,8}")
MAX_PROBLEMS, MAX_NOTES, MESSAGE_CHARS = 250, 20, 4000
# why a signal ended the worker, in words (translated where the reason is written)
SIGNAL_REASONS = {"SIGSEGV": N_("segmentation fault"),
                  "SIGKILL": N_("killed: out of memory, or by the submission itself"),
                  "SIGXCPU": N_("CPU time limit"), "SIGABRT": N_("aborted")}


class SandboxError(RuntimeError):
    """No worker could be started at all (not the submission's fault: the platform or the kit)."""


class _OutputTail(threading.Thread):
    """Drain the worker's raw stdout/stderr pipe, keeping only the last `limit` bytes (a flood costs nothing)."""

    def __init__(self, fd, limit):
        super().__init__(daemon=True)
        self.fd, self.limit, self.total, self.data = fd, limit, 0, bytearray()
        self.start()

    def run(self):
        with open(self.fd, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                self.total += len(chunk)
                self.data += chunk
                del self.data[:-self.limit]

    def text(self, characters=600):
        shown = bytes(self.data).decode("utf-8", "replace").strip()[-characters:]
        return shown and _("\nThe worker printed (last {shown} of {total} bytes):\n{output}").format(
            shown=len(shown), total=self.total, output=shown)


def _exit_reason(code):
    """Plain words for the keeper's exit status (a worker killed by signal N makes it exit 128+N)."""
    if code is None:
        return _("ended without an exit status")
    if code < 0 or code >= 128:
        number = -code if code < 0 else code - 128
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else f"signal {number}"
        why = _(SIGNAL_REASONS[name]) if name in SIGNAL_REASONS else _("killed")
        return _("was killed by {signal} ({why})").format(signal=name, why=why)
    return _("exited with code {code} (os._exit, sys.exit or exit at import time?)").format(code=code)


class _Worker:
    """One live worker: its keeper's pid, the question channel and the output drain."""

    def __init__(self, request, output_limit, skip, language):
        self.sock, theirs = socket.socketpair()
        out_read, out_write = os.pipe()
        try:
            try:
                self.server = fork_server()
                self.pid = self.server.spawn(request, [theirs.fileno(), out_write])
            except (RuntimeError, OSError):  # an earlier submission killed the server: one fresh try
                self.server = fork_server(fresh=True)
                self.pid = self.server.spawn(request, [theirs.fileno(), out_write])
        except BaseException:
            self.sock.close()
            os.close(out_read)
            raise
        finally:
            theirs.close()
            os.close(out_write)
        self.output = _OutputTail(out_read, output_limit)
        try:  # buffered until the worker, isolated, reads it; never through the fork server
            wire.send(self.sock, {"kind": "setup", "skip": sorted(skip), "lang": language})
        except OSError:
            pass  # it died already: the first read says how

    def kill(self):
        """End the worker's whole tree (its cgroup, or pidfds and a sweep, in the fork server); returns when done."""
        try:
            self.server.kill(self.pid)
        except (RuntimeError, OSError):  # the fork server is gone: its exit ended every tree it had started
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.sock.close()

    def death(self):
        """Why the worker is gone, after the channel closed."""
        deadline, status = time.monotonic() + 2.0, None
        try:
            while time.monotonic() < deadline:
                status = self.server.status(self.pid)
                if status["status"] is not None or not status["running"]:
                    break
                time.sleep(0.02)
        except (RuntimeError, OSError):  # the submission killed the fork server too; a new one starts on demand
            status = {"status": -signal.SIGKILL}
        self.kill()
        return _exit_reason(status and status["status"]) + self.output.text()


class WorkerSubmission:
    """Answers questions about the submission at `path` from sandboxed worker processes."""

    def __init__(self, path, timeout=Limits.timeout, budget=Limits.budget, namespaces=True, landlock=True,
                 hidden=(), **limits):
        """`limits`: any other field of sandbox.Limits (memory_mb, disk_mb, inodes, processes, ...)."""
        self.name = str(path)
        self.limits = Limits(timeout=float(timeout), budget=float(budget), **limits)
        self._dir = owned_folder(scratch.WORKER)  # a copy of student code: a later run removes it if we are killed
        self._dir.chmod(0o711)  # the worker's own uid may pass through to its folder (handed to it), not list
        self._work = self._dir / "work"
        try:
            self._notes, copied, self._source_count = copy_submission(path, self._work / "submission")
            self._work_bytes = (self.limits.disk_mb << 20) + copied
        except BaseException:
            shutil.rmtree(self._dir, ignore_errors=True)
            raise
        self._options = {"namespaces": namespaces, "landlock": landlock, "hidden": [str(h) for h in hidden]}
        self._spent, self._worker, self._poisoned = 0.0, None, {}
        self._skip, self._load_problems, self._problems, self._start_error = {}, {}, {}, None
        self._sources = []
        self._language = current_language()  # the loader's notes come back in the language of this grading
        self.isolation = {}
        self._start()
        if not self.isolation:
            self.close()
            raise SandboxError(_("the sandboxed worker did not start ({why}); grade your own code with --in-process, "
                                 "or report this with the output above").format(why=self._start_error))

    # -- the Submission protocol ----------------------------------------------------------------------------------

    def problems(self):
        return {**self._problems, **self._load_problems}

    def notes(self):
        return list(self._notes)

    def sources(self):
        return [dict(source) for source in self._sources]

    def ask(self, question):
        function = str(question.get("function"))
        if function in self._poisoned:
            return dataclasses.replace(self._poisoned[function])
        if self._start_error:
            return Answer(ok=False, status="crashed", message=_("not run: {why}").format(why=self._start_error))
        if self._worker is None and self._start() is None:
            if self._start_error:
                return Answer(ok=False, status="crashed", message=_("not run: {why}").format(why=self._start_error))
            return Answer(ok=False, status="timeout", message=self._budget_message(function))
        limit = min(self.limits.timeout, self._budget_left())
        if limit <= 0:
            return Answer(ok=False, status="timeout", message=self._budget_message(function))
        worker, started = self._worker, time.monotonic()
        try:
            worker.sock.settimeout(limit)
            wire.send(worker.sock, {"kind": "question", "question": question})
            answer = self._checked(*wire.read(worker.sock, started + limit))
            if answer.status != "memory":
                return answer
            # out of memory: whatever the function hoarded stays in that worker, so the next question gets a new one
            answer.message = _("{message}; the worker was replaced").format(message=answer.message)
        except (wire.ChannelTimeout, socket.timeout):
            why = (_("timed out after {seconds:g} s in {function}").format(seconds=limit, function=function)
                   if limit == self.limits.timeout else
                   _("stopped after {seconds:g} s in {function}: the submission's time budget ({budget:g} s) is "
                     "spent").format(seconds=limit, function=function, budget=self.limits.budget))
            answer = Answer(ok=False, status="timeout", message=why + worker.output.text())
        except (wire.ChannelClosed, OSError):
            answer = Answer(ok=False, status="crashed",
                            message=_("the worker process {death} while running {function}").format(
                                death=worker.death(), function=function))
        except wire.BadFrame as error:
            answer = Answer(ok=False, status="invalid",
                            message=_("{function} corrupted the grading channel ({error}); answers travel only as "
                                      "return values").format(function=function, error=error) + worker.output.text())
        finally:
            self._spent += time.monotonic() - started
        self._discard_worker()
        self._poisoned[function] = answer
        return answer

    def close(self):
        self._discard_worker()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- internals ------------------------------------------------------------------------------------------------

    def _budget_left(self):
        return self.limits.budget - self._spent

    def _budget_message(self, function):
        return _("{function} was not run: the submission's time budget ({budget:g} s) is spent").format(
            function=function, budget=self.limits.budget)

    @staticmethod
    def _checked(body, tensors):
        """The worker's answer frame as an Answer, or BadFrame if it is not exactly an answer.

        A worker reports data (ok) or why it has none (one of ANSWER_FAILURES); a verdict is never its to give."""
        data = body.get("answer") if isinstance(body, dict) and set(body) == {"kind", "answer"} \
            and body["kind"] == "answer" else None
        if not isinstance(data, dict) or type(data.get("ok")) is not bool or not set(data) <= ANSWER_FIELDS:
            raise wire.BadFrame(_("expected an answer frame"))
        if data["ok"] != ("status" not in data) or (not data["ok"] and data["status"] not in ANSWER_FAILURES):
            raise wire.BadFrame(_("an answer with ok={ok} and status {status} is not allowed").format(
                ok=data["ok"], status=repr(str(data.get("status")))[:40]))
        if not all(isinstance(data.get(key, ""), str) for key in ("message", "output")):
            raise wire.BadFrame(_("answer message/output must be text"))
        data = {**data, "message": data.get("message", "")[:MESSAGE_CHARS],
                "output": data.get("output", "")[:MESSAGE_CHARS]}
        return Answer.from_dict(data, tensors)

    def _discard_worker(self):
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def _request(self):
        """Only paths and limits the grader chose: the fork server must never hold anything from a student."""
        server = fork_server()
        return {"op": "spawn", "folder": str(self._work / "submission"), "work": str(self._work),
                "graded": spec.graded_names(),  # the registry's names: the worker's own copy may lack a test's
                "limits": self.limits.to_dict(), "namespaces": bool(self._options["namespaces"]),
                "landlock": bool(self._options["landlock"]), "work_bytes": self._work_bytes,
                "read_only": server.read_only, "hidden": server.hidden + self._options["hidden"]}

    def _start(self):
        """A worker with the submission loaded, or None (then `_start_error` says why, or the budget is spent)."""
        while self._budget_left() > 0:
            worker = _Worker(self._request(), self.limits.output_kb * 1024, self._skip, self._language)
            started, current = time.monotonic(), None
            limit = min(self.limits.timeout, self._budget_left())
            try:
                while True:
                    body, _tensors = wire.read(worker.sock, started + limit)
                    kind = body.get("kind") if isinstance(body, dict) else None
                    if kind == "ready" and not self.isolation:
                        self.isolation = _plain_isolation(body.get("isolation"))
                    elif kind == "progress" and MODULE_NAME.fullmatch(str(body.get("module"))):
                        current = body["module"]
                    elif kind == "loaded" and _plain_problems(body):
                        self._problems = {k[:100]: v[:2000] for k, v in list(body["problems"].items())[:MAX_PROBLEMS]}
                        self._notes += [note[:500] for note in body["notes"][:MAX_NOTES]]
                        self._sources = _plain_sources(body.get("sources"))
                        self._spent += time.monotonic() - started
                        self._worker = worker
                        return worker
                    elif kind != "ready":
                        raise wire.BadFrame(_("unexpected frame while loading: {frame}").format(frame=str(body)[:80]))
            except wire.ChannelTimeout:
                if limit < self.limits.timeout:  # the budget ran out, not this module's fault: load nothing more
                    self._spent += time.monotonic() - started
                    worker.kill()
                    return None
                why = _("did not finish within {seconds:g} s").format(seconds=limit) + worker.output.text()
            except wire.ChannelClosed:
                why = worker.death()
            except wire.BadFrame as error:
                why = _("corrupted the grading channel ({error})").format(error=error) + worker.output.text()
            self._spent += time.monotonic() - started
            worker.kill()
            # a module is left out once, and no more of them than the submission has sources: a worker naming
            # fake modules before each death cannot make the restarts (or the skip list) grow without end
            if current is None or current in self._skip or len(self._skip) > self._source_count:
                self._start_error = _("the worker {why}").format(why=why)
                return None
            module = current.split(".", 1)[1] if "." in current else "__init__"
            reason = _("loading {file} {why}").format(file=f"{module}.py", why=why)
            self._skip[current] = reason
            self._load_problems[module] = reason
        return None


def _plain_isolation(value):
    if not isinstance(value, dict):
        return {"layers": [], "missing": ["the worker sent no isolation report"]}
    return {key: [str(item)[:400] for item in value.get(key, []) if isinstance(item, str)][:30]
            for key in ("layers", "missing")}


def _plain_problems(body):
    problems, notes = body.get("problems"), body.get("notes")
    return (isinstance(problems, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in problems.items())
            and isinstance(notes, list) and all(isinstance(n, str) for n in notes))


def _plain_sources(value):
    """The worker's list of files as plain text (capped): anything of another shape is dropped, not trusted."""
    def text(item, limit):
        return item[:limit] if isinstance(item, str) else ""

    def texts(items, limit):
        return [text(item, limit) for item in items[:20] if isinstance(item, str)] if isinstance(items, list) else []
    if not isinstance(value, list):
        return []
    return [{"file": text(s.get("file"), 300), "module": text(s.get("module"), 300),
             "status": text(s.get("status"), 20), "gave": texts(s.get("gave"), 100), "why": text(s.get("why"), 2000),
             "notes": texts(s.get("notes"), 500)}
            for s in value[:101] if isinstance(s, dict)]
