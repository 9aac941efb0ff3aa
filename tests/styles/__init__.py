"""The style library: correct and wrong networks written the ways people really write them (classes, F.relu,
`view`, torch.flatten, nested Sequential, d2l-en's lazy layers).

Each file is a whole module of a submission (`# style: {...}` names it and what grading must say): the correct ones
must get full credit and train; the wrong ones must lose credit with the mistake named in the file's own terms.
"""
import json
import re
import shutil
from pathlib import Path

HERE = Path(__file__).parent
SOLUTIONS = HERE.parent.parent / "solutions"
STYLES = sorted(p for p in HERE.glob("*.py") if not p.stem.startswith("__") and not p.stem.startswith("test_"))


def declared(path):
    """The `# style: {"module": ..., "tasks": [...], "expect": regex or null}` header of a style file."""
    return json.loads(re.search(r"^# style: (\{.*\})$", Path(path).read_text(encoding="utf-8"), re.M).group(1))


def submission_with(path, folder):
    """The reference solutions in `folder`, with the style file as its module (the whole file replaced)."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(path, Path(folder) / f"{declared(path)['module']}.py")
    return Path(folder)
