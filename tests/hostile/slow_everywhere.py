"""Answer every call right, but only just before the per-call time limit (sleeping {{SLEEP}} s): one submission
would hold a grading slot for (calls x limit) seconds; the per-submission budget must stop it."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["timeout"], "sibling": null, "check": "bounded_time", "others_pass": false, "limits": {"timeout": 1.5, "budget": 6.0}}
import time


def conv_output_size(size, kernel_size, stride=1, padding=0):
    time.sleep({{SLEEP}})
    return (size + 2 * padding - kernel_size) // stride + 1
