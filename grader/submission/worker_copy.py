"""The copy of a submission a worker gets: regular files only, size-capped, with notes about what was left out."""
import shutil
from pathlib import Path

from grader.i18n import _
from grader.submission.loader import SubmissionNotFound

MAX_FILES, MAX_BYTES = 200, 50 * 1024 * 1024  # a submission folder larger than this is not copied in full
MAX_NOTEBOOK_BYTES = 256 << 20  # notebooks apart, above the notebook reader's own 200 MB limit


def copy_submission(source, target):
    """Copy the submission's regular files into the worker's folder; -> (notes about anything left out, bytes
    copied, number of .py/.ipynb sources copied)."""
    source, notes, copied, size, notebook_size = Path(source), [], 0, 0, 0
    if not source.exists():
        raise SubmissionNotFound(_("submission {path} does not exist; pass a folder holding counting.py, vgg.py, "
                                   "nin.py, alexnet.py (or notebooks), or a single .py/.ipynb file").format(
                                       path=source))
    target.mkdir(parents=True)
    files = [source] if source.is_file() else sorted(source.rglob("*"))
    for path in files:
        relative = Path(path.name) if source.is_file() else path.relative_to(source)
        if any(part in ("__pycache__", ".git", ".ipynb_checkpoints") for part in relative.parts):
            continue
        if path.is_symlink():
            notes.append(_("{file} is a symbolic link and was not copied").format(file=relative))
        elif path.is_file():
            # notebook outputs (plots as base64) are never read but can be large: they get their own allowance,
            # so the notebook reader, not the copy, is the one that explains an oversized notebook
            is_notebook = path.suffix == ".ipynb"
            copied = copied + 1
            size += 0 if is_notebook else path.stat().st_size
            notebook_size += path.stat().st_size if is_notebook else 0
            if copied > MAX_FILES or size > MAX_BYTES or notebook_size > MAX_NOTEBOOK_BYTES:
                notes.append(_("the submission is larger than {files} files / {size} MiB; {file} and later files "
                               "were not copied").format(files=MAX_FILES, size=MAX_BYTES >> 20, file=relative))
                break
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)
    sources = sum(1 for path in target.rglob("*") if path.suffix in (".py", ".ipynb"))
    return notes, size + notebook_size, sources
