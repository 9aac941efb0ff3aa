"""Never finish importing: the loader must give up on this file and still load the others."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["missing"], "sibling": null}
import time
while True:
    time.sleep(0.05)
