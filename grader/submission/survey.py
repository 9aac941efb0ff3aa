"""What each file of a submission gave, or why it gave nothing, and one sentence per graded name it lacks.

Read from the files' statements (reading.Source), never by running anything: near-miss names (`VGG_block`,
`vggblock`), graded names written as class methods, a network built at the top level (`net = nn.Sequential(...)`,
`net = AlexNet()`) where a builder was expected, files that could not be read, a single-file hand-in.
"""
import ast
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader import editions, spec
from grader.i18n import _
from grader.submission.binding import contract_text
from grader.submission.imports import module_name
from grader.submission.reading import listed, place, span

NETWORKS = ("alexnet", "nin", "vgg")  # builders the book writes as a top-level `net = nn.Sequential(...)`
MAX_FILES, MAX_NOTES, MAX_NOTE, MAX_WHY = 100, 20, 500, 2000  # what the list of files may hold (the worker's too)


@dataclass
class FileRecord:
    """One file of the submission and what became of it."""
    file: str                  # as the student named it, relative to the submission folder
    key: str                   # its module under `assignments`
    status: str = "read"       # read | unreadable | not read
    problem: str = ""          # why it is unreadable (or not read), in words, naming the file
    source: object = None      # reading.Source once read
    defined: dict = field(default_factory=dict)  # graded name -> the Definition that bound it
    stem: str = field(init=False)

    def __post_init__(self):
        self.stem = Path(self.file).stem


def _normal(name):
    return name.lower().replace("_", "")


def is_near(found, wanted):
    """`VGG_block`, `vggblock`, `Nin_block`, `vgg_blk` for vgg_block: the same name but for case, `_` or a typo."""
    a, b = _normal(found), _normal(wanted)
    return found != wanted and (a == b or len(b) >= 6 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.85)


def module_of_file(stem, modules):
    """The assignment a file's name points to (`21VGG` -> vgg, `7.1-AlexNet` -> alexnet), or None."""
    runs = [run.lower() for run in re.findall(r"[A-Za-z]+", stem)]
    letters = "".join(runs)
    return next((m for m in modules if m in runs or m == letters), None)


def _functions(source):
    return [d for d in source.definitions if isinstance(d.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def _top_level_nets(source, stem):
    """(builder it stands for, Definition) for each dropped `X = nn.Sequential(...)` / `X = SomeNet(...)`."""
    classes = {d.node.name for d in source.definitions if isinstance(d.node, ast.ClassDef)}
    found = []
    for statement in source.dropped:
        node = statement.node
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        text = ast.unparse(node.value)
        target = getattr(node.targets[0], "id", "")
        if called == "Sequential":  # the book's AlexNet and NiN; a shape-printing toy net is neither
            wanted = "nin" if "nin_block" in text else "alexnet" if "Linear" in text and "Conv2d" in text else None
        elif _normal(called) in NETWORKS:  # `net = AlexNet()`
            wanted = _normal(called)
        elif called in classes and target in ("net", "model"):  # `net = MyNet()`: the file's name says which
            wanted = module_of_file(stem, NETWORKS)
        else:
            continue
        if wanted:
            found.append((wanted, statement))
    return found


def _is_d2l_en_class(node):
    bases = " ".join(ast.unparse(base) for base in node.bases)
    return "Classifier" in bases or "d2l.Module" in bases


def hints(record, missing):
    """{graded name in `missing` -> (what this file holds instead, what to change)}; read from its statements."""
    source, said = record.source, {}
    if source is None:
        return said
    for definition in (d for d in source.definitions if isinstance(d.node, ast.ClassDef)):
        node = definition.node
        for method in (n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            if method.name in missing and method.name not in said:
                said[method.name] = (
                    _("has {name} as a method of class {cls} ({where})").format(
                        name=method.name, cls=node.name, where=place(definition.cell, method.lineno)),
                    _("the grader calls top-level functions: move it out of the class as `def {contract}:`").format(
                        contract=contract_text(method.name)))
    for definition in _functions(source):
        for name in (n for n in missing if n not in said and is_near(definition.node.name, n)):
            if isinstance(definition.node, ast.ClassDef):
                what = (_("defines class {cls} (d2l-en's style), not the function {name}")
                        if _is_d2l_en_class(definition.node) else _("defines class {cls}, not the function {name}"))
                said[name] = (what.format(cls=definition.node.name, name=name),
                              _("this assignment follows {edition}, which calls a function: add `def {contract}:` "
                                "returning the network").format(edition=editions.EDITION,
                                                                contract=contract_text(name)))
            else:
                said[name] = (_("defines {found} ({where}), not {name}").format(
                                  found=definition.node.name, where=definition.where, name=name),
                              _("names are case-sensitive: rename it to {name}").format(name=name))
    for wanted, statement in _top_level_nets(source, record.stem):
        if wanted in missing and wanted not in said:
            said[wanted] = (_("builds the network at the top level ({where}: `{code}`) but defines no {name}").format(
                                where=statement.where, code=statement.text, name=wanted),
                            _("top-level code never runs when grading: write `def {contract}:` and return that "
                              "network from it, built from the parameters").format(contract=contract_text(wanted)))
    return said


def explain_missing(name, home, records, single_file):
    """(status, sentence) for a graded name no file defines: which file to change, and how."""
    for record in records:
        if record.status == "unreadable" and (name in getattr(record.source, "mentions", ()) or record.key == home
                                              or module_of_file(record.stem, (home,))):
            return "unreadable", _("{file} could not be read, so {name} was not graded (the reason is under {file} in "
                                   "the list of files)").format(file=record.file, name=name)
        if record.source is not None and name in record.source.lost:
            line = record.source.lost_at.get(name) or record.source.lost[name].split(":")[0]  # the note says the rest
            return "unreadable", _("{file} has a syntax error where {name} is defined ({where}; see the note under "
                                   "{file}): fix it and {name} is graded").format(file=record.file, name=name,
                                                                                  where=line)
    for record in records:
        said = hints(record, (name,))
        if name in said:
            return "missing", _("{file} {what}; {change}").format(file=record.file, what=said[name][0],
                                                                  change=said[name][1])
    add = (_("add `def {contract}:`").format(contract=contract_text(name)) if name in spec.signatures()
           else _("define {name}").format(name=name))
    if single_file and records:
        return "missing", _("{file}, the only file handed in, defines no function named {name}: {add} to it").format(
            file=records[0].file, name=name, add=add)
    own = next((r for r in records if r.status == "read" and (r.key == home or module_of_file(r.stem, (home,)))), None)
    if own:
        broken = listed(span(a, b) for a, b in getattr(own.source, "skipped", ()))
        if broken:
            return "missing", _("{file} defines no function named {name} ({lines} skipped for a syntax error: see its "
                                "notes): {add} to it").format(file=own.file, name=name, lines=broken, add=add)
        return "missing", _("{file} defines no function named {name}: {add} to it").format(file=own.file, name=name,
                                                                                          add=add)
    return "missing", _("no file in the submission defines {name}: {add} to {home}.py (or a notebook)").format(
        name=name, add=add, home=home)


def describe_files(records, chosen, graded_names, shadowed=()):
    """The sources list (plain data): every file once, with what it gave or why it gave nothing."""
    missing = [name for name in graded_names if name not in chosen]
    files = []
    for record in records:
        gave = [name for name in graded_names if chosen.get(name) == record.key]
        remarks = []
        if record.status == "read" and record.file.endswith(".py") and module_name(record.stem) is None:
            remarks.append(_("read as module {module}, since {stem} is not a name Python can import").format(
                module=record.key, stem=repr(record.stem)))
        if record.stem in shadowed:
            remarks.append(_("named like the module {module} that Python already has: `import {module}` means "
                             "Python's own, never this file; rename it if your code imports it").format(
                                 module=record.stem))
        if record.key == "__init__" and record.status == "read":
            remarks.append(_("the folder's package file, read by the same rule"))
        elif record.status == "read" and not gave:
            found = hints(record, missing)
            remarks.append(_("nothing graded: {what}").format(what=_("; ").join(what for what, _change in
                                                                              found.values())) if found
                           else _("no graded function"))
        notes = list(record.source.notes) if record.source is not None else []
        notes = [note[:MAX_NOTE] for note in notes[:MAX_NOTES]] + (
            [_("... and {count} more notes").format(count=len(notes) - MAX_NOTES)] if len(notes) > MAX_NOTES else [])
        files.append({"file": record.file, "module": record.key, "status": record.status, "gave": gave,
                      "why": (record.problem or _("; ").join(remarks))[:MAX_WHY], "notes": notes})
    if len(files) > MAX_FILES:  # the list crosses the worker's wire: it stays well under a frame's size
        files[MAX_FILES:] = [{"file": "...", "module": "", "status": "not read", "gave": [],
                              "why": _("{count} more files are not listed").format(count=len(files) - MAX_FILES),
                              "notes": []}]
    return files


def namespace_hint(name, namespace):
    """The same hints for a notebook's live globals() (its check cell): a near-miss name, a top-level network."""
    for key, value in list(namespace.items()):
        if callable(value) and not key.startswith("_") and is_near(key, name):
            if isinstance(value, type):
                return _("this notebook defines class {found}, not {name} (names are case-sensitive): rename it to "
                         "{name}, run that cell, then run the check again").format(found=key, name=name)
            return _("this notebook defines {found}, not {name} (names are case-sensitive): rename it to {name}, run "
                     "that cell, then run the check again").format(found=key, name=name)
    if name in NETWORKS:
        for key, value in list(namespace.items()):
            kind = type(value).__name__  # the book builds AlexNet and NiN as a top-level nn.Sequential
            if kind == "Sequential" and name != "vgg" or _normal(kind) == name:
                return _("this notebook builds {found} = {kind}(...) at the top level but defines no {name}: write "
                         "`def {contract}:` returning that network, run it, then the check").format(
                             found=key, kind=kind, name=name, contract=contract_text(name))
    return ""
