"""Send a frame header announcing 4 GiB down the grading channel, then answer correctly."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["invalid"], "sibling": "count_params"}
import os
import socket
import stat
import struct


def conv_output_size(size, kernel_size, stride=1, padding=0):
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                socket.socket(fileno=os.dup(fd)).sendall(b"D2LW" + struct.pack(">I", 0xFFFFFFF0) + b"{")
        except OSError:
            pass
    return (size + 2 * padding - kernel_size) // stride + 1
