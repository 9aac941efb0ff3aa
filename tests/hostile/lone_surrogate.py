"""Put a lone surrogate ("\ud800", legal JSON, not valid text) everywhere a student's text goes: captured prints,
an exception message, and a forged answer frame whose message carries it as a JSON escape."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["error", "invalid"], "sibling": "count_params"}
import os
import stat
import struct

_calls = []


def conv_output_size(size, kernel_size, stride=1, padding=0):
    _calls.append(size)
    print("before \ud800 after")
    if len(_calls) > 1:  # the first call raises normally; a later one (after a restart) forges a frame
        header = (b'{"body": {"kind": "answer", "answer": {"ok": false, "status": "error", '
                  b'"message": "\\ud800\\udfff\\ud800", "output": ""}}, "tensors": []}')
        for fd in range(3, 64):
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.write(fd, b"D2LW" + struct.pack(">I", len(header)) + header)
            except OSError:
                pass
        os._exit(0)
    raise ValueError("bad size \ud800" + chr(0xDFFF))
