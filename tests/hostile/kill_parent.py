"""SIGKILL the parent process and its process group (where visible), then its own group; then answer wrongly."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["crashed", "error", "failed"], "sibling": "count_params", "isolation": true}
import os
import signal


def conv_output_size(size, kernel_size, stride=1, padding=0):
    parent = os.getppid()
    if parent > 1:
        os.kill(parent, signal.SIGKILL)
        os.killpg(os.getpgid(parent), signal.SIGKILL)
    os.kill(0, signal.SIGKILL)  # its own group: as pid 1 of a pid namespace, even this is ignored
    return size + 1  # still alive: a wrong answer, so surviving is not mistaken for passing
