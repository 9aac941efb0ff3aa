"""A grader child process: reads job requests (JSON lines) on stdin and answers each with one JSON line.

Run as `python -m grader.autograde.child TARGET PARENT_PID`. The reply goes to a private copy of the original
stdout; file descriptor 1 then points at stderr (a log file), so nothing printed by libraries or by in-process
student code can be mistaken for a reply. The child dies with its parent (even after `kill -9`).
"""
import ctypes
import json
import os
import signal
import sys
import time
import traceback

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the closed stdin still ends the loop after the current job
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def serve(target, reply):
    import importlib
    from grader.autograde.backend import resolve
    from grader.i18n import using_language
    grade_one = resolve(target)
    warm_up = getattr(importlib.import_module(target.split(":")[0]), "warm_up", None)
    if warm_up:
        warm_up()  # heavy imports happen now, so a job's clock measures grading, not start-up
    reply.write(json.dumps({"ready": True}) + "\n")
    reply.flush()
    for line in sys.stdin:
        request = json.loads(line)
        started = time.perf_counter()
        try:
            with using_language(request.get("lang") or "en"):
                report = grade_one(request["path"], train=request["train"], profile=request["profile"],
                                   gpu_lock=request.get("gpu_lock"), **request.get("limits", {}),
                                   **({"train_cache": request["train_cache"]} if request.get("train_cache") else {}))
            data = {"report": report.to_dict()}
        except BaseException as error:  # noqa: BLE001 — a failure here must reach the parent as data
            data = {"error": f"{type(error).__name__}: {error}"[:1000], "traceback": traceback.format_exc()[-3000:]}
        data["wall"] = round(time.perf_counter() - started, 3)
        reply.write(json.dumps(data) + "\n")
        reply.flush()


def main(argv):
    target, parent_pid = argv[1], int(argv[2])
    _die_with_parent(parent_pid)
    reply = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    serve(target, reply)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
