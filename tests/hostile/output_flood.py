"""Print 200 MB to the raw stdout and 50 MB through print(), then answer correctly."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["passed"], "sibling": "count_params", "check": "memory_flat"}
import os

_flooded = []


def conv_output_size(size, kernel_size, stride=1, padding=0):
    if not _flooded:
        _flooded.append(True)
        line = b"flood " * 170000 + b"\n"  # ~1 MB
        for _ in range(200):
            os.write(1, line)
        for _ in range(50):
            print(line.decode())
    return (size + 2 * padding - kernel_size) // stride + 1
