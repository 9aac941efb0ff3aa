"""Ignore SIGTERM (and SIGINT) and sleep forever: only SIGKILL can end this."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["timeout"], "sibling": "count_params"}
import signal
import time


def conv_output_size(size, kernel_size, stride=1, padding=0):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        time.sleep(0.05)
