"""The in-process backend: the student's own `pytest` and a notebook's check cell answer questions directly."""
import json
import signal
import sys
import threading
from contextlib import contextmanager

from grader.i18n import N_, _
from grader.submission.answering import answer
from grader.submission.base import Answer
from grader.submission.loader import PACKAGE, load_package, unload


class CallTimeout(BaseException):
    """Raised by SIGALRM inside a slow student call (BaseException so student `except Exception` can't swallow it)."""


IMPORT_TOO_SLOW = N_("reading the file took longer than {seconds:g} s: its imports, decorators, default values and "
                     "class bodies run when it is read (top-level calls never do); move slow work into a function")
TOOK_TOO_LONG = N_("took too long")


@contextmanager
def _time_limit(seconds, message=TOOK_TOO_LONG):
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise CallTimeout(_(message).format(seconds=seconds))

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class InProcessSubmission:
    """Loads the folder as the package `assignments` in this process; a call over `timeout` seconds is interrupted."""

    def __init__(self, folder, timeout=60.0, extra_sources=None):
        self.folder = folder
        self.name = str(folder)
        self.timeout = timeout
        self.package = load_package(folder, extra_sources,
                                    guard=lambda: _time_limit(timeout, IMPORT_TOO_SLOW))  # one limit per file
        self._root = sys.modules.get(PACKAGE)  # the package object this load registered

    def problems(self):
        return dict(self.package.problems)

    def notes(self):
        return list(self.package.notes)

    def sources(self):
        return [dict(source) for source in self.package.sources]

    def ask(self, question):
        try:
            with _time_limit(self.timeout):
                data, tensors = answer(question, self.package.find_function)
        except CallTimeout:
            return Answer(ok=False, status="timeout",
                          message=_("timed out after {seconds:g} s in {function}").format(
                              seconds=self.timeout, function=question["function"]))
        # a JSON round trip guarantees the checks see plain data only, exactly as from the worker
        return Answer.from_dict(json.loads(json.dumps(data)), tensors)

    def close(self):
        # the student's modules leave the process with the submission; a later load's package is left alone
        unload(self._root)
        self._root = None
