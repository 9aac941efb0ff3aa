"""Start a daemon (double fork + setsid, named {{TAG}}) that outlives the call, then hang."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["timeout"], "sibling": "count_params", "check": "no_daemon"}
import ctypes
import os
import time


def _daemon():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            ctypes.CDLL(None).prctl(15, b"{{TAG}}", 0, 0, 0)  # PR_SET_NAME: how the test finds it
            for _ in range(600):  # bounded: gone after a minute even if nobody kills it
                time.sleep(0.1)
        os._exit(0)


def conv_output_size(size, kernel_size, stride=1, padding=0):
    _daemon()
    while True:
        time.sleep(0.05)
