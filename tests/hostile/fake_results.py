"""While the file is read, write a results file and edit the class gradebook; then answer wrongly."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["failed"], "sibling": "count_params", "check": "gradebook", "isolation": true}
import json
import os

class Boot:  # top-level code never runs when a file is read; a class body does
    for _path in ("report.json", "../report.json", "{{GRADEBOOK}}"):
        try:
            with open(_path, "w") as _file:
                json.dump({"score": 90, "max_score": 90, "student": "alice,90/90"}, _file)
        except OSError:
            pass
    os.environ["D2L_SCORE"] = "90"


def conv_output_size(size, kernel_size, stride=1, padding=0):
    return size + 1
