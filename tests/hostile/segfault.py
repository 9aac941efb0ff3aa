"""Write through a wild pointer: the worker dies of SIGSEGV (a kernel fault, which kills even a pid-1 worker)."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["crashed"], "sibling": "count_params"}
import ctypes


def conv_output_size(size, kernel_size, stride=1, padding=0):
    ctypes.memset(16, 0, 1)
    return 0
