"""Read a student's .ipynb as definitions only: per code cell, drop magics, parse with ast, keep imports/defs/constants.

Nothing here runs student code: the loader executes the statements this module keeps. Top-level statements
such as `d2l.train_ch6(...)`, shape-printing loops and plots are dropped, because grading must not train
for ten epochs or open windows. Every problem becomes a note (or, when the file is unusable, `problem`).
"""
import ast
import json
import mmap
import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_NOTEBOOK_BYTES = 200 * 1024 * 1024  # above this, reading the JSON could exhaust a sandboxed worker's memory
# Cell magics whose body is ordinary Python run in the notebook's namespace (its definitions persist);
# the body of any other cell magic (%%bash, %%writefile, %%html, %%timeit's private scope...) is not.
PYTHON_CELL_MAGICS = {"time", "capture", "prun"}
CLEAR_OUTPUTS = "clear its outputs (Jupyter: Edit > Clear Outputs of All Cells) and save it again"
_SHELL_OR_MAGIC = re.compile(r"^(\s*)(?:[!%]|[\w.\[\], ]+=\s*[!%]|[\w.]+\?\??\s*$|\?\??[\w.]+\s*$)")
_DEF = re.compile(rb"def\s+([A-Za-z_]\w*)\s*\(")


@dataclass
class Definition:
    """One top-level statement kept from a notebook, parsed alone so that each can fail alone."""
    cell: int          # 1-based position among all the notebook's cells, as seen scrolling top to bottom
    line: int          # line within that cell
    node: ast.stmt
    names: tuple       # the names it binds
    text: str          # its first line, for messages

    @property
    def where(self):
        return f"cell {self.cell}, line {self.line}"


@dataclass
class NotebookSource:
    path: Path
    definitions: list = field(default_factory=list)
    cells: dict = field(default_factory=dict)     # cell number -> the Python source the definitions come from
    notes: list = field(default_factory=list)
    problem: str = ""                              # why nothing could be taken from the file ("" when readable)
    mentions: tuple = ()                           # graded names the raw file seems to define (for messages)


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
        raise ValueError("it is JSON but not a Jupyter notebook (no \"cells\" list)")
    raw = data.get("cells")
    if raw is None:  # nbformat 3: cells live in worksheets, code in "input"
        raw = [cell for sheet in data["worksheets"] if isinstance(sheet, dict) for cell in sheet.get("cells", [])]
    cells = []
    for cell in raw:
        if not isinstance(cell, dict):
            raise ValueError("it is JSON but not a Jupyter notebook (a cell is not an object)")
        source = cell.get("source", cell.get("input", ""))
        source = "".join(source) if isinstance(source, list) else source
        if not isinstance(source, str):
            raise ValueError("it is JSON but not a Jupyter notebook (a cell's source is not text)")
        cells.append((cell.get("cell_type", "code"), source, cell.get("execution_count")))
    return cells


def python_source(text):
    """(Python text with the same line numbers, or None when the cell is not Python) for one code cell."""
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return None
        head, _, body = text.partition(first)
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


def _simple_value(node):
    """A constant-like expression: literals, names, attributes, arithmetic, lambdas — never a call."""
    allowed = (ast.Constant, ast.Name, ast.Load, ast.Attribute, ast.Tuple, ast.List, ast.Set, ast.Dict,
               ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop, ast.Subscript, ast.Slice)
    if isinstance(node, ast.Lambda):
        return True  # its body runs only when called, like a def
    return all(isinstance(child, allowed) for child in ast.walk(node))


def _target_names(target):
    if isinstance(target, ast.Name):
        return (target.id,)
    if isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(t, ast.Name) for t in target.elts):
        return tuple(t.id for t in target.elts)
    return None


def kept_names(node):
    """The names a kept statement binds, or None when the statement is not a definition (it is dropped)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (node.name,)
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return tuple((alias.asname or alias.name).split(".")[0] for alias in node.names)
    if isinstance(node, ast.Assign) and _simple_value(node.value):
        names = [_target_names(target) for target in node.targets]
        return None if None in names else tuple(n for group in names for n in group)
    if isinstance(node, ast.AnnAssign) and node.value is not None and _simple_value(node.value):
        return _target_names(node.target)
    if isinstance(node, ast.Try):  # `try: from d2l import torch as d2l / except ImportError: d2l = None`
        parts = node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
        inner = [kept_names(s) if not isinstance(s, ast.Pass) else () for s in parts]
        return None if None in inner else tuple(n for group in inner for n in group)
    return None


def _unreadable(path, why, names):
    return NotebookSource(path, problem=f"{path.name} could not be read: {why}", mentions=_mentions(path, names))


def read_notebook(path, graded_names=()):
    """The definitions of one .ipynb, in order; `graded_names` are the functions worth a note when dropped."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size == 0:
            return _unreadable(path, "the file is empty (0 bytes); save the notebook in Jupyter and submit it again",
                               graded_names)
        if size > MAX_NOTEBOOK_BYTES:
            return _unreadable(path, f"it is {_size(size)}, over the {_size(MAX_NOTEBOOK_BYTES)} the grader reads "
                               f"(big images in the outputs?); {CLEAR_OUTPUTS}", graded_names)
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
        cells = _cells(data)
    except UnicodeDecodeError:
        return _unreadable(path, "it is not UTF-8 text, so not a notebook saved by Jupyter", graded_names)
    except json.JSONDecodeError as error:
        return _unreadable(path, f"it is not valid notebook JSON (line {error.lineno}, column {error.colno}: "
                           f"{error.msg}); open it in Jupyter, fix or re-save it, and submit it again", graded_names)
    except (ValueError, RecursionError) as error:
        return _unreadable(path, str(error), graded_names)
    except OSError as error:
        return _unreadable(path, f"{type(error).__name__}: {error.strerror or error}", graded_names)
    source = NotebookSource(path)
    if not any(kind == "code" and text.strip() for kind, text, _ in cells):
        source.problem = f"{path.name} has no code (an empty notebook)"
        return source
    for number, (kind, text, count) in enumerate(cells, start=1):
        if kind == "code":
            _take_cell(source, number, text, count, graded_names)
    for name in graded_names:
        defs = [d for d in source.definitions if name in d.names and not isinstance(d.node, (ast.Import, ast.ImportFrom))]
        if len(defs) > 1:
            places = ", ".join(d.where for d in defs[:-1]) + f" and {defs[-1].where}"
            source.notes.append(f"{path.name}: {name} is defined {len(defs)} times ({places}); the last one is "
                                f"graded, as when the notebook runs top to bottom")
    return source


def _take_cell(source, number, text, count, graded_names):
    where = f"{source.path.name} cell {number}" + (f" (In [{count}])" if count else "")
    python = python_source(text)
    if python is None:
        lost = [name for name in graded_names if re.search(rf"def\s+{name}\s*\(", text)]
        if lost:
            source.notes.append(f"{where} starts with {text.lstrip().split()[0]}, so its code is not run as Python "
                                f"in the notebook; its {', '.join(lost)} is ignored")
        return
    try:
        tree = compile(python, where, "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as error:
        lost = [name for name in graded_names if re.search(rf"def\s+{name}\s*\(", python)]
        source.notes.append(f"{where}, line {error.lineno}: SyntaxError: {error.msg}; the definitions in this cell "
                            f"are skipped" + (f" ({', '.join(lost)} among them)" if lost else ""))
        return
    except ValueError as error:  # e.g. a NUL byte in the source
        source.notes.append(f"{where}: cannot be parsed ({error}); its definitions are skipped")
        return
    source.cells[number] = python
    lines = python.split("\n")
    for node in tree.body:
        names = kept_names(node)
        if names is not None:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            source.definitions.append(Definition(number, first, node, names, lines[first - 1].strip()[:120]))
