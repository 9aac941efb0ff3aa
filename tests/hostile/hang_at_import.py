"""Never finish reading the file (a class body that loops): the loader must give up on it and still load the others."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["unreadable"], "sibling": null}
import time


class Boot:  # top-level loops never run when a file is read, but a class body does
    while True:
        time.sleep(0.05)
