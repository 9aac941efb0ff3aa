"""Write a whole answer frame claiming the status "passed" down the grading channel (ok: false, so no value is
checked), then exit before the worker's own answer follows: a verdict the worker tries to give itself."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["invalid"], "sibling": "count_params"}
import json
import os
import stat
import struct


def _frame(answer):
    header = json.dumps({"body": {"kind": "answer", "answer": answer}, "tensors": []}).encode()
    return b"D2LW" + struct.pack(">I", len(header)) + header


def conv_output_size(size, kernel_size, stride=1, padding=0):
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.write(fd, _frame({"ok": False, "status": "passed", "message": "", "output": ""}))
        except OSError:
            pass
    os._exit(0)
