"""Exit the interpreter while the grader reads the file (os._exit skips every handler), from a class body."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["unreadable"], "sibling": null}
import os


class Boot:  # top-level calls never run when a file is read, but a class body does
    os._exit(0)
