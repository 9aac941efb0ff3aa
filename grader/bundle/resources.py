"""What one Gradescope grading needs (CPUs, memory, timeout), from measured runs — the settings the README names.

MEASURED holds what `benchmarks/gradescope_resources.py` printed for the reference solutions graded by
run_autograder in a Gradescope layout; rerun it and copy its numbers here when the checks or profiles change.
Gradescope's defaults are 1/2 vCPU, 768 MB and a 10-minute timeout, at most 40 minutes, all changed under the
assignment's Autograder Settings (https://gradescope-autograders.readthedocs.io/en/latest/troubleshooting/).
"""
import math

from grader.submission.sandbox import Limits

# seconds all of one submission's questions may take in the sandboxed worker
SUBMISSION_BUDGET = Limits.budget  # what grade_path uses when the bundle sets no --budget

MEASURED = {
    # key: the profile, or "no-train"; wall and peak memory of the whole run_autograder process tree
    "no-train": {"cpus": 2, "wall_s": 21.8, "peak_mb": 1209},
    "cpu": {"cpus": 2, "wall_s": 198.7, "peak_mb": 1767},
}
MEASURED_ON = ("2-core x86_64, Python 3.11.7, torch 2.14.1 (CPU), 2026-12-02, shared with other jobs (load average "
               "2.2 without training, 2.8 with)")
GRADESCOPE_MAX_TIMEOUT_MIN = 40
MEMORY_MARGIN = 1.5     # a student's network may be larger than the reference's (the checks cap what they build)


def recommend(train, profile="cpu"):
    """{"cpus", "memory_gb", "timeout_min", "measured", "text"} for a bundle with these settings."""
    key = profile if train else "no-train"
    measured = MEASURED[key]
    if measured["wall_s"] is None:
        return {"cpus": None, "memory_gb": None, "timeout_min": None, "measured": measured,
                "text": "Resources: not measured for this profile yet (run benchmarks/gradescope_resources.py).\n"}
    memory_gb = max(1.0, math.ceil(measured["peak_mb"] * MEMORY_MARGIN / 512) / 2)  # in steps of 0.5 GB
    # the sandbox stops a submission's questions after SUBMISSION_BUDGET seconds; the rest is the reference's time
    worst_s = SUBMISSION_BUDGET + measured["wall_s"]
    timeout_min = min(GRADESCOPE_MAX_TIMEOUT_MIN, 5 * math.ceil(worst_s / 60 / 5))
    text = (f"Gradescope > Assignment > Settings > Autograder Settings ({'training ' + profile if train else 'no training'}):\n"
            f"  CPUs:    {measured['cpus']} (the times below; the default 1/2 vCPU is about {2 * measured['cpus']}x slower)\n"
            f"  memory:  {memory_gb:g} GB (measured peak {measured['peak_mb']:.0f} MB x {MEMORY_MARGIN})\n"
            f"  timeout: {timeout_min} minutes (the reference took {measured['wall_s']:.0f} s; a submission's own "
            f"calls are stopped after {SUBMISSION_BUDGET:.0f} s)\n"
            f"  measured: {MEASURED_ON}\n")
    return {"cpus": measured["cpus"], "memory_gb": memory_gb, "timeout_min": timeout_min, "measured": measured,
            "text": text}
