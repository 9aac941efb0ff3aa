"""The one reading rule for every source, a .py file or a notebook's code cells: which top-level statements run.

What runs, in order, each statement able to fail on its own: imports; `def` and `class` statements (so their decorators,
default values and class bodies run, as Python runs them); assignments whose value is a literal, a name, an
attribute, arithmetic, a subscript or a lambda (never a call); `try` blocks made only of these. Nothing else at
the top level ever runs: calls, loops, `if` blocks (`if __name__ == "__main__":` too), `with` blocks, prints,
plots, training. A statement that fails is a note and the others still run; a syntax error costs only the
top-level statement it is in. What is graded is loader.py's business; how imports resolve, imports.py's.
"""
import __future__
import ast
import linecache
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader.i18n import _, current_language, joined

MAX_SOURCE_BYTES = 4 * 1024 * 1024  # no hand-written answer is larger; reading one this big could exhaust a worker
MAX_SYNTAX_ERRORS = 30              # statements skipped for syntax errors before a file is given up as unreadable
_FUTURE_FLAGS = {name: getattr(__future__, name).compiler_flag for name in __future__.all_feature_names}


def listed(items, separator=", "):
    """Items as one list: joined by `separator` in English (as the messages always were), `a、b` in Chinese."""
    items = [str(item) for item in items]
    return "、".join(items) if current_language() == "zh" else separator.join(items)


def and_listed(items, separator=" and "):
    """Items joined by `separator` in English (`a and b and c`), `a、b 和 c` in Chinese."""
    items = [str(item) for item in items]
    return joined(items) if current_language() == "zh" else separator.join(items)


def place(cell, line):
    """`cell 3, line 4` in a notebook, `line 4` in a .py file (in the current language)."""
    if cell is None:
        return _("line {line}").format(line=line)
    return _("cell {cell}, line {line}").format(cell=cell, line=line)


def span(start, end):
    """`line 4` or `lines 4–7`."""
    if start == end:
        return _("line {line}").format(line=start)
    return _("lines {start}–{end}").format(start=start, end=end)


@dataclass
class Definition:
    """One top-level statement of a source, parsed alone so that each can fail alone."""
    cell: object       # 1-based position among a notebook's cells, as seen scrolling; None in a .py file
    line: int          # line within that cell (or file)
    node: ast.stmt
    names: tuple       # the names it binds (() for a statement that is not run)
    text: str          # its first line, for messages
    filename: str = ""  # what its code objects are compiled as: the .py path, or "nb.ipynb cell 3"

    @property
    def where(self):
        return place(self.cell, self.line)


@dataclass
class Source:
    """What reading one file gave: the statements that run, those that do not, and every problem, in words."""
    path: Path
    definitions: list = field(default_factory=list)  # run, in order
    dropped: list = field(default_factory=list)      # top-level statements that never run (Definition, names=())
    cells: dict = field(default_factory=dict)        # compiled filename -> its Python text (tracebacks show it)
    notes: list = field(default_factory=list)        # about this file only, without its name
    problem: str = ""                                # why nothing could be taken from the file ("" when readable)
    mentions: tuple = ()                             # graded names with a `def name(` in the raw text
    lost: dict = field(default_factory=dict)         # graded name -> why its definition could not be read
    lost_at: dict = field(default_factory=dict)      # graded name -> where that is ("line 12", "cell 3, line 4")
    skipped: list = field(default_factory=list)      # (first, last line) of statements lost to syntax errors


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
    """The names a statement that runs binds, or None when the statement never runs."""
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


def _starts_statement(line):
    """A line at column 0 that can begin a top-level statement (not a comment, a closing bracket, a continuation)."""
    return bool(line) and line[0] not in " \t#)]}" and not re.match(r"(else|elif|except|finally)\b", line)


def parse(text, filename, flags=0):
    """(module tree, [(first line, last line, SyntaxError)]): each top-level statement with a syntax error is
    blanked out (line numbers kept) and the rest parsed again. Raises the SyntaxError when nothing can be saved."""
    original = text.split("\n")
    lines, skipped = list(original), []
    while True:
        try:
            tree = compile("\n".join(lines), filename, "exec", flags=flags | ast.PyCF_ONLY_AST, dont_inherit=True)
            return tree, skipped
        except SyntaxError as error:
            at = min(max(error.lineno or 1, 1), len(lines))
            start = next((n for n in range(at, 0, -1) if _starts_statement(lines[n - 1])), 1)
            while start > 1 and lines[start - 2].startswith("@"):  # a decorated def starts at its decorator
                start -= 1
            end = next((n - 1 for n in range(at + 1, len(lines) + 1) if _starts_statement(lines[n - 1])), len(lines))
            if len(skipped) >= MAX_SYNTAX_ERRORS or not any(line.strip() for line in lines[start - 1:end]):
                raise  # no progress possible: the file is unreadable as Python
            lines[start - 1:end] = [""] * (end - start + 1)
            while end > start and not original[end - 1].strip():  # the span names code, not blank lines
                end -= 1
            skipped.append((start, end, error))


def take_statements(source, tree, text, filename, cell=None):
    """Add the top-level statements of `tree` to `source`: those that run to definitions, the rest to dropped."""
    lines = text.split("\n")
    for node in tree.body:
        names = kept_names(node)
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        statement = Definition(cell, first, node, names or (), lines[first - 1].strip()[:120], filename)
        (source.definitions if names is not None else source.dropped).append(statement)
    source.cells[filename] = text


def with_lost(note, lost):
    """`note (vgg, nin among them)`: the graded names a skipped statement or cell took with it."""
    return _("{note} ({names} among them)").format(note=note, names=listed(lost)) if lost else note


def note_syntax_errors(source, skipped, text, graded_names, where=""):
    """One note per statement skipped for a syntax error; a graded function lost with it is remembered.
    `where`: the notebook cell (`cell 3 (In [4])`), or "" in a .py file."""
    lines = text.split("\n")
    for start, end, error in skipped:
        region = "\n".join(lines[start - 1:end])
        lost = [name for name in graded_names if re.search(rf"def\s+{name}\s*\(", region)]
        at = (_("{cell}, line {line}").format(cell=where, line=error.lineno) if where
              else _("line {line}").format(line=error.lineno))
        why = _("{where}: SyntaxError: {error}; {lines} skipped").format(where=at, error=error.msg,
                                                                         lines=span(start, end))
        source.notes.append(with_lost(why, lost))
        source.lost.update({name: why for name in lost})
        source.lost_at.update({name: at for name in lost})
        source.skipped.append((start, end))


def mentions(text, graded_names):
    """The graded names with a `def name(` somewhere in `text` (read from the raw text: works on broken files)."""
    found = set(re.findall(r"def\s+([A-Za-z_]\w*)\s*\(", text))
    return tuple(name for name in graded_names if name in found)


def read_python(path, graded_names=()):
    """The Source of one .py file: which statements run, which do not, and its syntax errors as notes."""
    path = Path(path)
    source = Source(path)
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            source.problem = unreadable(path.name, _("it is larger than {size} MB, too large for hand-written "
                                                     "code").format(size=MAX_SOURCE_BYTES >> 20))
            return source
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        source.problem = unreadable(path.name, _("it is not UTF-8 text; save it with the UTF-8 encoding"))
        return source
    except OSError as error:
        source.problem = unreadable(path.name, f"{type(error).__name__}: {error.strerror or error}")
        return source
    return read_text(path, text, graded_names)


def unreadable(file, why):
    """`vgg.py could not be read: why` (the file's name first: the list of files shows it as the whole line)."""
    return _("{file} could not be read: {why}").format(file=file, why=why)


def read_text(path, text, graded_names=()):
    """The Source of Python `text` that comes from (or stands for) the file `path`."""
    source = Source(Path(path))
    source.mentions = mentions(text, graded_names)
    try:
        tree, skipped = parse(text, str(path))
    except (SyntaxError, ValueError) as error:  # ValueError: a NUL byte
        why = f"{type(error).__name__}: {getattr(error, 'msg', error)}"
        if getattr(error, "lineno", None):
            why = _("line {line}: {error}").format(line=error.lineno, error=why)
        source.problem = unreadable(path.name, why)
        return source
    take_statements(source, tree, text, str(path))
    note_syntax_errors(source, skipped, text, graded_names)
    note_duplicates(source, graded_names)
    return source


def note_duplicates(source, graded_names):
    for name in graded_names:
        defs = [d for d in source.definitions if name in d.names and not _is_import(d)]
        if len(defs) > 1:
            source.notes.append(_("{name} is defined {count} times ({places}); the last one is graded, as when it "
                                  "runs top to bottom").format(name=name, count=len(defs),
                                                               places=joined(d.where for d in defs)))


def _bound_by(node):
    return [alias.asname or alias.name for alias in getattr(node, "names", [])]


def run(source, module, graded_names):
    """Run `source`'s definitions in order in `module`, each able to fail alone; -> {graded name: its Definition}.

    A definition that raises is a note (a failed import: one note for all its places, saying that it costs points
    only where a graded function uses the name). KeyboardInterrupt and the grader's own time limits
    (BaseExceptions other than SystemExit) are not caught: they stop the whole file.
    """
    for filename, text in source.cells.items():  # so tracebacks show the student's line, notebooks included
        if not Path(filename).is_file():
            linecache.cache[filename] = (len(text), None, [line + "\n" for line in text.split("\n")], filename)
    defined, failed_imports, notes, flags = {}, {}, [], 0  # notes: text, or the key of a failed import's note
    for group in _groups(source.definitions):
        rest = group
        while rest:
            ran, error = _run_together(rest, module, flags)
            for definition in rest[:ran]:
                defined.update({name: definition for name in definition.names if name in graded_names})
            if error is not None:
                definition, why = rest[ran], f"{type(error).__name__}: {error}"[:200]
                if isinstance(definition.node, (ast.Import, ast.ImportFrom)):  # one note for all its places
                    key = (definition.text, why)
                    notes += [] if key in failed_imports else [key]
                    failed_imports.setdefault(key, ([], definition.node))[0].append(definition.where)
                else:
                    notes.append(_("{where}: `{code}` failed ({error}); {names} is not defined").format(
                        where=definition.where, code=definition.text, error=why, names=listed(definition.names)))
                ran += 1
            rest = rest[ran:]
        flags |= _future_flags(group)
    for note in notes:
        if isinstance(note, tuple):
            (text, why), (places, node) = note, failed_imports[note]
            used = sorted({alias.split(".")[0] for alias in _bound_by(node)})
            if used:
                note = _("{where}: `{code}` failed ({error}); this costs points only if a graded function uses "
                         "{names}").format(where=and_listed(places), code=text, error=why, names=listed(used))
            else:
                note = _("{where}: `{code}` failed ({error}); this costs points only if a graded function uses "
                         "it").format(where=and_listed(places), code=text, error=why)
        source.notes.append(note)
    return defined


def _is_import(definition):
    return isinstance(definition.node, (ast.Import, ast.ImportFrom))


def _future_flags(group):
    return sum(_FUTURE_FLAGS.get(alias.name, 0) for d in group if isinstance(d.node, ast.ImportFrom)
               and d.node.module == "__future__" for alias in d.node.names)


def _groups(definitions):
    """Runs of definitions compiled and run as one piece (a file costs one compile, not one per def): same file or
    cell, and every import alone — it may read a sibling file, and `from __future__` changes how the rest compiles."""
    group = []
    for definition in definitions:
        if group and (definition.filename != group[-1].filename or _is_import(definition) or _is_import(group[-1])):
            yield group
            group = []
        group.append(definition)
    if group:
        yield group


def _run_together(group, module, flags):
    """Run the start of `group` as one code object; -> (how many statements ran to their end, the error of the
    statement after them, or None). The caller goes on with the rest."""
    try:
        code = compile(ast.Module(body=[d.node for d in group], type_ignores=[]), group[0].filename, "exec",
                       flags=flags, dont_inherit=True)
    except (SyntaxError, ValueError) as error:  # valid alone but not together, or not at all: one at a time
        return (0, error) if len(group) == 1 else _run_together(group[:1], module, flags)
    _be_latest(module.__name__)
    try:
        exec(code, module.__dict__)  # noqa: S102 — definitions from the student's file, never a top-level call
    except (Exception, SystemExit) as error:  # noqa: BLE001 — one failing import or def must not stop the rest
        return _statement_at(error, code, group), error
    return len(group), None


def _statement_at(error, code, group):
    """Index in `group` of the statement that raised `error` (found by its line in `code`'s frame)."""
    trace = error.__traceback__
    while trace is not None and trace.tb_frame.f_code is not code:
        trace = trace.tb_next
    line = trace.tb_lineno if trace is not None else group[0].line
    return next((i for i, d in enumerate(group) if d.line <= line <= (d.node.end_lineno or d.line)), 0)


def _be_latest(name):
    """Keep the module whose code runs last in sys.modules: the sandboxed worker's progress hook names the
    most recently registered submission module as the one loading (a sibling imported meanwhile is not it)."""
    if name in sys.modules and next(reversed(sys.modules)) != name:
        sys.modules[name] = sys.modules.pop(name)
