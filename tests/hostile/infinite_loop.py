"""A busy loop that never returns."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["timeout"], "sibling": "count_params"}


def conv_output_size(size, kernel_size, stride=1, padding=0):
    while True:
        pass
