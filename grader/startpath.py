"""Keep the folder the grader is started from off sys.path: a file in a submission must never run in the grader.

`python -m grader` puts the current folder first on sys.path, and the kit imports hypothesis, tqdm, numpy,
matplotlib and torch lazily: started from inside a submission folder, a `hypothesis.py` there would run in the
grading process and could turn every task into a pass. `drop_start_folder()` runs before any such import, in
grader/__main__.py and in cli.main (the `d2l-grader` script, whose sys.path may hold '' through PYTHONPATH).
The kit's own folder stays: started from the kit's root, the current folder is the kit. Standard library only.
"""
import os
import sys

KIT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def drop_start_folder():
    """Remove '' and every entry naming the current folder from sys.path, unless that folder is the kit's root."""
    try:
        here = os.path.realpath(os.getcwd())
    except FileNotFoundError:  # started in a folder that was deleted: '' names nothing either
        here = None
    if here == os.path.realpath(KIT_ROOT):
        return
    sys.path[:] = [entry for entry in sys.path if entry and os.path.realpath(entry) != here]
