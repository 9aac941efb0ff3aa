"""Hand-ins written the way d2l readers write them, one folder each (see test_handins.py for what each holds).

A file may name `{{MARKER}}`: a path its top-level code would write to if the grader ever ran that code.
"""
import shutil
from pathlib import Path

HANDINS = Path(__file__).parent
STYLES = sorted(p.name for p in HANDINS.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def copy_handin(name, target, marker):
    """A copy of the hand-in `name` in `target`, with `{{MARKER}}` replaced by `marker` (a path)."""
    shutil.copytree(HANDINS / name, target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in Path(target).rglob("*"):
        if path.is_file():
            path.write_text(path.read_text(encoding="utf-8").replace("{{MARKER}}", str(marker)), encoding="utf-8")
    return Path(target)
