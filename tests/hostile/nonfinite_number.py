"""Answer with a number JSON can spell but no int can hold: 1e400 parses as infinity (which int() cannot take)."""
# attack: {"module": "counting", "task": "count_params", "status": ["invalid"], "sibling": "conv_output_size"}
import os
import stat
import struct


def count_params(model):
    header = b'{"body": {"kind": "answer", "answer": {"ok": true, "value": 1e400, "output": ""}}, "tensors": []}'
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.write(fd, b"D2LW" + struct.pack(">I", len(header)) + header)
        except OSError:
            pass
    os._exit(0)
