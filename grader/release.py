"""Release: regenerate what students receive in assignments/ from solutions/ (solution markers -> stubs).

The .py skeletons are written here (grader.markers turns solution regions into stubs); the notebooks
(assignments/notebooks/*.ipynb) by grader.notebooks.
"""
import sys
from pathlib import Path

from grader.markers import MarkerError, strip_solutions
from grader.notebooks import planned_notebooks

HEADER = ('# Generated from solutions/{name} by `python -m grader release` — do not edit by hand.\n'
          '# Students: replace each `raise NotImplementedError` with your code, then run `pytest`.\n')


def skeleton(path):
    path = Path(path)
    return HEADER.format(name=path.name) + strip_solutions(path.read_text(encoding="utf-8"), str(path))


def planned_files(solutions="solutions"):
    """Release output: relative path -> text, for every file students receive."""
    files = {}
    for path in sorted(Path(solutions).glob("*.py")):
        files[path.name] = skeleton(path) if path.name != "__init__.py" else \
            '"""Your work for d2l-zh v2 §7.1–7.3: fill in the functions, then run `pytest`."""\n'
    files.update(planned_notebooks(solutions))
    return files


def stale_files(solutions="solutions", out="assignments", files=None):
    """Relative paths whose committed content differs from what release would write."""
    out = Path(out)
    return [name for name, text in (files or planned_files(solutions)).items()
            if not (out / name).exists() or (out / name).read_text(encoding="utf-8") != text]


def write_release(solutions="solutions", out="assignments"):
    """Write the files that changed; returns their relative paths (empty when already up to date)."""
    files = planned_files(solutions)
    changed = stale_files(solutions, out, files)
    for name in changed:
        target = Path(out) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[name], encoding="utf-8")
    return changed


def run(args):
    try:
        if args.check:
            stale = stale_files(args.solutions, args.out)
            for name in stale:
                print(f"out of date: {Path(args.out) / name}")
            print("up to date" if not stale else "run `python -m grader release` to regenerate")
            return 1 if stale else 0
        changed = write_release(args.solutions, args.out)
    except MarkerError as error:
        print(f"release: {error}", file=sys.stderr)
        return 2
    for name in changed:
        print(f"wrote {Path(args.out) / name}")
    print(f"{len(changed)} file(s) changed" if changed else "already up to date")
    return 0
