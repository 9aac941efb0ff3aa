"""Clear the worker's own parent-death signal, start a daemon that clears its own too (both named {{TAG}}), then
answer wrongly at once: nothing hangs, so only a kill of the whole tree ends them (bounded: a minute)."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["failed"], "sibling": "count_params", "check": "no_daemon", "isolation": true}
import ctypes
import os
import time

PR_SET_NAME, PR_SET_PDEATHSIG = 15, 1


def _survive():
    libc = ctypes.CDLL(None)
    libc.prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0)
    libc.prctl(PR_SET_NAME, b"{{TAG}}", 0, 0, 0)


def conv_output_size(size, kernel_size, stride=1, padding=0):
    _survive()  # the worker itself: killing its keeper would no longer take it along
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            _survive()
            for _ in range(600):
                time.sleep(0.1)
        os._exit(0)
    return size + 1
