"""Allocate and touch memory until something gives (bounded: stops at 6 GiB if no limit ever bites)."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["memory", "crashed"], "sibling": "count_params"}
_hoard = []


def conv_output_size(size, kernel_size, stride=1, padding=0):
    for _ in range(24):
        _hoard.append(bytearray(b"x") * (256 << 20))  # written, so the pages are real
    return len(_hoard)
