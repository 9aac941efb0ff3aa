"""A hypothesis.py in the submission folder, for an instructor who runs `python -m grader grade .` from inside it:
imported by the grader in place of the real hypothesis, its code would run in the grading process (here it only
writes {{MARKER}}; the version that found this breach made every check pass)."""
# attack: {"runner": "cli", "module": "hypothesis", "task": "conv_output_size", "status": ["failed"]}
import pathlib

pathlib.Path("{{MARKER}}").write_text("imported by the grader")
raise ImportError("the real hypothesis is elsewhere; this one only proves where it ran")
