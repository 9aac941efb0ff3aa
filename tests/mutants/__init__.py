"""The mutant library: realistic wrong implementations, one per file.

Each file defines TASK (the function it breaks), EXPECT (a regex the feedback must match) and the wrong function.
tests/mutants.py splices a mutant into a copy of the reference solutions, so every other function stays right.
"""
import re
import shutil
from pathlib import Path

from grader import spec

HERE = Path(__file__).parent
SOLUTIONS = HERE.parent.parent / "solutions"
MUTANTS = sorted(p for p in HERE.glob("*.py") if "__" in p.stem and not p.stem.startswith("__"))


def declared(path):
    """(TASK, EXPECT) read from a mutant's source without importing it."""
    text = Path(path).read_text(encoding="utf-8")
    task, expect = re.search(r'^TASK, EXPECT = "(\w+)", r?"(.+)"$', text, re.M).groups()
    return task, expect


def reference_copy(folder):
    """A copy of the reference solutions in `folder`, as a student would hand them in."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    return Path(folder)


def splice(path, folder):
    """A copy of the reference solutions in `folder` whose TASK function is replaced by the mutant's."""
    reference_copy(folder)
    task, _ = declared(path)
    target = Path(folder) / f"{spec.task(task).module}.py"
    # a later `def` of the same name wins: the rest of the module stays the reference's
    target.write_text(target.read_text(encoding="utf-8") + "\n\n# --- mutant ---\n" +
                      Path(path).read_text(encoding="utf-8"), encoding="utf-8")
    return Path(folder)
