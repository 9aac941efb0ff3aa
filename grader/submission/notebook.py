"""Read a student's .ipynb: its code cells, magics and shell lines dropped, under the one reading rule (reading.py).

Nothing here runs student code: the loader executes the statements kept. Top-level statements such as
`d2l.train_ch6(...)`, shape-printing loops and plots are dropped, because grading must not train for ten epochs
or open windows. Every problem becomes a note (or, when the file is unusable, `problem`).
"""
import ast
import json
import mmap
import re
from pathlib import Path

from grader.i18n import N_, _
from grader.submission.reading import (Source, kept_names, listed, note_duplicates, note_syntax_errors, parse,
                                       take_statements, unreadable, with_lost)

NotebookSource = Source
__all__ = ["NotebookSource", "kept_names", "python_source", "read_notebook"]

MAX_NOTEBOOK_BYTES = 200 * 1024 * 1024  # above this, reading the JSON could exhaust a sandboxed worker's memory
# Cell magics whose body is ordinary Python run in the notebook's namespace (its definitions persist);
# the body of any other cell magic (%%bash, %%writefile, %%html, %%timeit's private scope...) is not.
PYTHON_CELL_MAGICS = {"time", "capture", "prun"}
CLEAR_OUTPUTS = N_("clear its outputs (Jupyter: Edit > Clear Outputs of All Cells) and save it again")
_SHELL_OR_MAGIC = re.compile(r"^(\s*)(?:[!%]|[\w.\[\], ]+=\s*[!%]|[\w.]+\?\??\s*$|\?\??[\w.]+\s*$)")
_DEF = re.compile(rb"def\s+([A-Za-z_]\w*)\s*\(")


def _size(nbytes):
    return f"{nbytes / 2**20:.0f} MB" if nbytes >= 2**20 else f"{nbytes / 2**10:.0f} KB"


def _mentions(path, names):
    """The graded names with a `def name(` anywhere in the raw bytes (works on broken or huge files)."""
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            found = {match.group(1).decode() for match in _DEF.finditer(data)}
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return ()
    return tuple(name for name in names if name in found)


def _cells(data):
    """(cell_type, source text, execution count) for every cell; nbformat 4 and the older worksheets layout."""
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")), list):
        raise ValueError(_("it is JSON but not a Jupyter notebook (no \"cells\" list)"))
    raw = data.get("cells")
    if raw is None:  # nbformat 3: cells live in worksheets, code in "input"
        raw = [cell for sheet in data["worksheets"] if isinstance(sheet, dict) for cell in sheet.get("cells", [])]
    cells = []
    for cell in raw:
        if not isinstance(cell, dict):
            raise ValueError(_("it is JSON but not a Jupyter notebook (a cell is not an object)"))
        source = cell.get("source", cell.get("input", ""))
        source = "".join(source) if isinstance(source, list) else source
        if not isinstance(source, str):
            raise ValueError(_("it is JSON but not a Jupyter notebook (a cell's source is not text)"))
        cells.append((cell.get("cell_type", "code"), source, cell.get("execution_count")))
    return cells


def python_source(text):
    """(Python text with the same line numbers, or None when the cell is not Python) for one code cell."""
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return None
        head, _magic, body = text.partition(first)
        text = head + body  # the magic's line becomes empty; the body keeps its line numbers
    try:
        ast.parse(text)
        return text  # already valid Python: never rewrite it (a line may legitimately start with `%`)
    except SyntaxError:
        pass
    # `!pip install d2l==0.17`, `%matplotlib inline`, `files = !ls`, `d2l.train_ch6?` -> `pass` at the same indent
    lines = [(match.group(1) + "pass") if (match := _SHELL_OR_MAGIC.match(line)) else line
             for line in text.split("\n")]
    return "\n".join(lines)


def _unreadable(path, why, names):
    return NotebookSource(path, problem=unreadable(path.name, why), mentions=_mentions(path, names))


def read_notebook(path, graded_names=()):
    """The definitions of one .ipynb, in order; `graded_names` are the functions worth a note when dropped."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size == 0:
            return _unreadable(path, _("the file is empty (0 bytes); save the notebook in Jupyter and submit it "
                                       "again"), graded_names)
        if size > MAX_NOTEBOOK_BYTES:
            return _unreadable(path, _("it is {size}, over the {limit} the grader reads (big images in the outputs?); "
                                       "{advice}").format(size=_size(size), limit=_size(MAX_NOTEBOOK_BYTES),
                                                          advice=_(CLEAR_OUTPUTS)), graded_names)
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
        cells = _cells(data)
    except UnicodeDecodeError:
        return _unreadable(path, _("it is not UTF-8 text, so not a notebook saved by Jupyter"), graded_names)
    except json.JSONDecodeError as error:
        return _unreadable(path, _("it is not valid notebook JSON (line {line}, column {column}: {error}); open it "
                                   "in Jupyter, fix or re-save it, and submit it again").format(
                                       line=error.lineno, column=error.colno, error=error.msg), graded_names)
    except (ValueError, RecursionError) as error:
        return _unreadable(path, str(error), graded_names)
    except OSError as error:
        return _unreadable(path, f"{type(error).__name__}: {error.strerror or error}", graded_names)
    source = NotebookSource(path)
    if not any(kind == "code" and text.strip() for kind, text, _count in cells):
        source.problem = _("{file} has no code (an empty notebook)").format(file=path.name)
        return source
    for number, (kind, text, count) in enumerate(cells, start=1):
        if kind == "code":
            _take_cell(source, number, text, count, graded_names)
    note_duplicates(source, graded_names)
    return source


def _plain_python(text, filename):
    """The tree of a cell that is plain Python already (most are: parsed once, not twice), or None."""
    if text.lstrip().startswith("%%"):
        return None
    try:
        return compile(text, filename, "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                       dont_inherit=True)
    except (SyntaxError, ValueError):
        return None


def _take_cell(source, number, text, count, graded_names):
    where = (_("cell {cell} (In [{count}])").format(cell=number, count=count) if count
             else _("cell {cell}").format(cell=number))
    filename = f"{source.path.name} cell {number}"
    tree = _plain_python(text, filename)
    if tree is not None:
        take_statements(source, tree, text, filename, cell=number)
        return
    python = python_source(text)
    if python is None:
        lost = [name for name in graded_names if re.search(rf"def\s+{name}\s*\(", text)]
        if lost:
            source.notes.append(_("{where} starts with {magic}, so its code is not run as Python in the notebook; "
                                  "its {names} is ignored").format(where=where, magic=text.lstrip().split()[0],
                                                                   names=listed(lost)))
        return
    try:
        tree, skipped = parse(python, filename, flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as error:
        lost = [name for name in graded_names if re.search(rf"def\s+{name}\s*\(", python)]
        at = _("{cell}, line {line}").format(cell=where, line=error.lineno)
        source.notes.append(with_lost(_("{where}: SyntaxError: {error}; the definitions in this cell are "
                                        "skipped").format(where=at, error=error.msg), lost))
        source.lost.update({name: f"{at}: SyntaxError: {error.msg}" for name in lost})
        source.lost_at.update({name: at for name in lost})
        return
    except ValueError as error:  # e.g. a NUL byte in the source
        source.notes.append(_("{where}: cannot be parsed ({error}); its definitions are skipped").format(
            where=where, error=error))
        return
    take_statements(source, tree, python, filename, cell=number)
    note_syntax_errors(source, skipped, python, graded_names, where=where)
