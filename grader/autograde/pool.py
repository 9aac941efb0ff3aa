"""Grade many submissions on N grader child processes from one single-threaded event loop in the main process.

The main process only sends requests and reads JSON replies; a child that dies, hangs past the job's time limit or
answers garbage costs that one job (reported as an outcome), and a fresh child takes its place.
"""
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field

REPLY_LIMIT = 64 * 1024 * 1024   # bytes of one reply line; reports are kilobytes
JOBS_PER_CHILD = 50              # recycle a reusable child now and then, so slow leaks cannot build up
STARTUP_TIMEOUT = 300            # seconds a child may take to import torch and the grader on a busy machine


@dataclass
class Job:
    name: str
    request: dict                # {"path", "train", "profile", "gpu_lock"}
    started: float = 0.0


@dataclass
class Outcome:
    """What came back for one job: a report dict, or why there is none (kind: crashed | timeout | error)."""
    report: dict = None
    kind: str = ""
    message: str = ""
    wall: float = 0.0            # seconds from sending the request to the reply, in the main process
    child_wall: float = 0.0      # seconds the child spent in the backend
    extra: dict = field(default_factory=dict)


class _Child:
    def __init__(self, backend, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.autograde.child", backend.target, str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, env=env,
            start_new_session=True)  # Ctrl-C in the terminal reaches only the main process, which stops children
        self.fd = self.process.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.buffer = b""
        self.job = None
        self.jobs_done = 0
        self.state, self.since = "starting", time.monotonic()   # starting | idle | busy

    def send(self, job, close_after):
        self.job, self.buffer = job, b""
        job.started = time.monotonic()
        self.process.stdin.write((json.dumps(job.request) + "\n").encode())
        self.process.stdin.flush()
        if close_after:
            self.process.stdin.close()

    def kill(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: takes any helpers it started too
        except (ProcessLookupError, PermissionError):
            pass
        self.reap()

    def reap(self):
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout, self.log):
            try:
                stream.close()
            except (OSError, ValueError, BrokenPipeError):
                pass

    def log_tail(self, limit=800):
        try:
            with open(self.log_path, "rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - limit))
                return log.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""


def _death_reason(process):
    code = process.poll()
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            return f"it was killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"it was killed by signal {-code}"
    return f"it exited with code {code}"


class GraderStartError(RuntimeError):
    """Grader children die before they are ready: a broken installation, not a student's doing."""


class GraderPool:
    """`run(jobs, on_outcome)` grades every job on up to `workers` children; on_outcome(job, outcome) per job.

    A child is `starting` until it says it is ready (imports done), then `idle` or `busy` with one job; a job's
    clock starts when it is sent, so start-up time never counts against a submission.
    """

    def __init__(self, backend, workers, timeout, log_dir, env=None):
        self.backend, self.workers, self.timeout = backend, max(1, int(workers)), timeout
        self.log_dir, self.env = log_dir, env
        self.spawned = 0
        self.startup_seconds = 0.0   # summed over children: for "where the time goes"

    def _spawn(self):
        self.spawned += 1
        return _Child(self.backend, self.env, os.path.join(self.log_dir, f"grader-{self.spawned}.log"))

    def run(self, jobs, on_outcome):
        queue, children, failed_starts = deque(jobs), [], 0
        selector = selectors.DefaultSelector()

        def retire(child):
            selector.unregister(child.fd)
            children.remove(child)
            child.kill()

        def finish(child, outcome, keep):
            job, child.job = child.job, None
            child.jobs_done += 1
            outcome.wall = round(time.monotonic() - job.started, 3)
            if keep and self.backend.reusable and child.jobs_done < JOBS_PER_CHILD and child.process.poll() is None:
                child.state = "idle"
            else:
                retire(child)
            on_outcome(job, outcome)

        def handle_line(child, line):
            nonlocal failed_starts
            if child.state == "starting":
                self.startup_seconds += time.monotonic() - child.since
                child.state, failed_starts = "idle", 0
            elif child.state == "busy":
                finish(child, _parse_reply(line), keep=True)
            else:
                retire(child)  # nobody asked: not a child we can trust with the next job

        try:
            while queue or any(c.state == "busy" for c in children):
                for child in [c for c in children if c.state == "idle"]:
                    if not queue:
                        break
                    job = queue.popleft()
                    try:
                        child.send(job, close_after=not self.backend.reusable)
                        child.state = "busy"
                    except OSError:  # it died while idle: the job goes back to the queue
                        queue.appendleft(job)
                        retire(child)
                wanted = min(self.workers, len(queue) + sum(c.state == "busy" for c in children))
                while len(children) < wanted:
                    child = self._spawn()
                    children.append(child)
                    selector.register(child.fd, selectors.EVENT_READ, child)
                for key, _ in selector.select(timeout=0.2):
                    child = key.data
                    if child not in children:
                        continue
                    chunk = os.read(child.fd, 1 << 20)
                    if not chunk:
                        self._child_ended(child, finish, retire)
                        if child.state == "starting":
                            failed_starts += 1
                            if failed_starts >= 3:
                                raise GraderStartError(f"grader processes die while starting: "
                                                       f"{child.log_tail() or _death_reason(child.process)}")
                        continue
                    child.buffer += chunk
                    while child in children and b"\n" in child.buffer:
                        line, child.buffer = child.buffer.split(b"\n", 1)
                        handle_line(child, line)
                    if child in children and len(child.buffer) > REPLY_LIMIT:
                        if child.state == "busy":
                            finish(child, Outcome(kind="error", message="the grading process sent an oversized "
                                                                        "reply"), keep=False)
                        else:
                            retire(child)
                now = time.monotonic()
                for child in [c for c in children if c.state == "starting" and now - c.since > STARTUP_TIMEOUT]:
                    retire(child)
                    failed_starts += 1
                    if failed_starts >= 3:
                        raise GraderStartError(f"grader processes take over {STARTUP_TIMEOUT} s to start")
                for child in [c for c in children if c.state == "busy" and now - c.job.started > self.timeout]:
                    child.kill()
                    finish(child, Outcome(kind="timeout", message=f"grading this submission took longer than "
                                                                  f"{self.timeout:g} s and was stopped"), keep=False)
        finally:
            for child in list(children):
                retire(child)
            selector.close()

    def _child_ended(self, child, finish, retire):
        """End of file from a child: its job (if any) crashed; the child is gone either way."""
        try:
            child.process.wait(timeout=2)  # let it finish dying, so the reason is its own
        except subprocess.TimeoutExpired:
            pass
        if child.state == "busy":
            tail = child.log_tail()
            finish(child, Outcome(kind="crashed", message=f"the grading process died ({_death_reason(child.process)})"
                                  + (f"; its last words: {tail[-300:]}" if tail else "")), keep=False)
        else:
            retire(child)


def _parse_reply(line):
    try:
        data = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except ValueError as error:
        return Outcome(kind="error", message=f"the grading process sent a malformed reply ({error})")
    child_wall = float(data.get("wall", 0) or 0)
    if "report" in data:
        return Outcome(report=data["report"], child_wall=child_wall)
    return Outcome(kind="error", message=f"the grader failed on this submission ({data.get('error', 'no reason')}); "
                                         f"please report it", child_wall=child_wall,
                   extra={"traceback": str(data.get("traceback", ""))})
