"""Load a submission (a folder, or one .py/.ipynb file) as the package `assignments`, each file by one reading rule.

Sources: every .py at the top of the folder except tests, conftest, setup and __main__ files (a name Python
cannot import, such as 21VGG.py, is loaded under a safe module name), and every .ipynb. Both are read by the
rule in reading.py (definitions run, top-level code never does); imports between the student's files resolve
as imports.py says. One broken file hides nothing else. `LoadedPackage.sources` lists every file once with what
it gave, and a graded name that no file gives is explained in one sentence naming the file (survey.py).
"""
import ast
import re
import sys
import types
from contextlib import nullcontext
from pathlib import Path

from grader import spec
from grader.i18n import _, ngettext
from grader.submission import reading, survey
from grader.submission.answering import MissingFunction, UnreadableSource, short_traceback
from grader.submission.imports import SubmissionImports, module_name
from grader.submission.notebook import read_notebook

PACKAGE = "assignments"
# .py files that are never a student's answer: tests, pytest and packaging hooks
NOT_ANSWERS = re.compile(r"^(test_.*|.*_test|conftest|setup|__init__|__main__)$")


class SubmissionNotFound(Exception):
    pass


class LoadedPackage:
    """The student's modules (key -> module or None), every file's record, and the copy of each name graded."""

    def __init__(self, folder, records, modules, graded, chosen, notes=(), single_file=False, shadowed=()):
        self.folder, self.records, self.modules, self.graded = folder, records, modules, graded
        self.chosen, self.notes, self.single_file = chosen, list(notes), single_file
        self.home = {name: module for module, names in graded.items() for name in names}
        self.problems = {r.key: r.problem for r in records if r.status == "unreadable"}
        self.files = {r.key: r.file for r in records}
        self.sources = survey.describe_files(records, chosen, list(self.home), shadowed)

    def find_function(self, name):
        """The student's `name`: the copy chosen at load time, else any module's; else why there is none."""
        function = getattr(self.modules.get(self.chosen.get(name)), name, None)
        if callable(function):
            return function
        home = self.home.get(name)
        for key in ([home] if home else []) + [k for k in self.modules if k != home]:
            function = getattr(self.modules.get(key), name, None)
            if callable(function):
                return function
        status, why = survey.explain_missing(name, home, [r for r in self.records if r.status != "not read"],
                                             self.single_file)
        raise (UnreadableSource if status == "unreadable" else MissingFunction)(why)


def _forget_package():
    imports = getattr(sys.modules.get(PACKAGE), "__submission_imports__", None)
    if imports is not None:  # the modules our finder made: no scan of the thousands torch registers
        names = {PACKAGE} | {name for name in imports.created if name.startswith(PACKAGE + ".")}
        imports.uninstall()
    else:
        names = [k for k in sys.modules if k == PACKAGE or k.startswith(PACKAGE + ".")]
    for key in names:
        sys.modules.pop(key, None)


def unload(root):
    """Drop `assignments`, its modules and its import rule if `root` (the package a load made) is still there."""
    if root is not None and sys.modules.get(PACKAGE) is root:
        _forget_package()


def _submission_files(path):
    """(folder, the .py and .ipynb files to load, whether a whole folder was given) for a folder or one file."""
    if path.is_file() and path.suffix in (".py", ".ipynb"):
        return path.parent, [path], False
    if not path.is_dir():
        raise SubmissionNotFound(_("submission {path} does not exist; pass --submission PATH to a folder holding "
                                   "counting.py, vgg.py, nin.py, alexnet.py and/or notebooks (.ipynb)").format(
                                       path=path))
    # names starting with "." are editor and archive litter (macOS "._vgg.ipynb" resource forks, checkpoints)
    return path, sorted(p for p in path.iterdir()
                        if p.suffix in (".py", ".ipynb") and not p.name.startswith(".") and p.is_file()), True


def is_stub(node):
    """True for a function whose body (after its docstring) only raises NotImplementedError — the released stub."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = node.body[1:] if ast.get_docstring(node) is not None else node.body

    def raises_not_implemented(statement):
        exc = getattr(statement, "exc", None)
        exc = exc.func if isinstance(exc, ast.Call) else exc
        return isinstance(statement, ast.Raise) and isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return bool(body) and all(raises_not_implemented(statement) for statement in body)


class _Loading:
    """One load in progress: the records, the modules, and the reader the import rule calls back."""

    def __init__(self, root, graded, texts):
        self.root, self.graded, self.texts = root, graded, texts  # texts: key -> (source text, origin)
        self.names = tuple(name for names in graded.values() for name in names)
        self.records, self.modules = {}, {}
        self.imports = SubmissionImports(root, PACKAGE, self.read)

    def read(self, module, path):
        """Read `path` into `module` by the one rule; raise ImportError (the why) when it cannot be read."""
        key = module.__name__[len(PACKAGE) + 1:] or "__init__"
        record = self.records.setdefault(key, survey.FileRecord(_relative(path, self.root), key))
        if key in self.texts:
            source = reading.read_text(Path(self.texts[key][1]), self.texts[key][0], self.names)
        elif path.suffix == ".ipynb":
            source = read_notebook(path, self.names)
        else:
            source = reading.read_python(path, self.names)
        record.source = source
        if source.problem:
            record.status, record.problem = "unreadable", source.problem
            raise ImportError(source.problem)
        record.defined = reading.run(source, module, self.names)

    def make_package(self, run_init, guard):
        package = types.ModuleType(PACKAGE)
        package.__path__, package.__package__ = [], PACKAGE  # empty: only the submission's own finder finds files
        package.__submission_imports__ = self.imports
        package.__builtins__ = self.imports.builtins
        sys.modules[PACKAGE] = package
        self.imports.install()
        init = self.root / "__init__.py"
        if run_init and init.is_file():
            package.__file__ = str(init)
            self.records["__init__"] = survey.FileRecord("__init__.py", "__init__", problem="")
            try:
                with guard():
                    self.read(package, init)
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # noqa: BLE001 — an __init__ that fails must not stop the others
                if self.records["__init__"].status != "unreadable":
                    self.records["__init__"].status = "unreadable"
                    self.records["__init__"].problem = reading.unreadable("__init__.py", short_traceback(error))
        return package

    def load(self, key, file, guard):
        """Import one source as `assignments.<key>` (its record says what became of it)."""
        record = self.records.setdefault(key, survey.FileRecord(file, key))
        full = f"{PACKAGE}.{key}"
        try:
            with guard():
                __import__(full)  # the builtin import: the sandboxed worker's audit hook sees which file loads
            self.modules[key] = sys.modules[full]
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 — a time limit, an exit in a class body, a skipped module...
            sys.modules.pop(full, None)
            self.modules[key] = None
            if record.status != "unreadable":  # (a worker's refusal of a file that killed it reads "loading x.py ...")
                why = str(error) if type(error) is ImportError and str(error).startswith("loading ") \
                    else short_traceback(error)
                record.status, record.problem = "unreadable", reading.unreadable(file, why)


def _relative(path, root):
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return Path(path).name


def _key_for(path, taken):
    """A module name for a file: its stem when Python can import it, else a safe one (`21VGG.py` -> `py_21VGG`);
    never one a loaded file already uses (vgg.ipynb beside vgg.py becomes vgg_ipynb: _choose says which is graded)."""
    prefix = "nb" if path.suffix == ".ipynb" else "py"
    key = module_name(path.stem) or f"{prefix}_" + re.sub(r"\W", "_", path.stem)
    if key in taken and path.suffix == ".ipynb":
        key += "_ipynb"
    while key in taken:
        key += "_"
    return key


def load_package(folder, extra_sources=None, guard=nullcontext, graded=None):
    """Import the submission at `folder` (a folder, or one .py/.ipynb file) as `assignments.<source>`.

    `graded`: {module: graded function names} (default: grader.spec's). `extra_sources` maps module name ->
    (source text, origin) for code given as text; a `.py` file of the same name wins. Each file's import runs
    inside `guard()` (the in-process backend's time limit). Errors are recorded per file, never raised.
    """
    graded = {module: tuple(names) for module, names in (graded or spec.graded_names()).items()}
    root, files, whole_folder = _submission_files(Path(folder).resolve())
    _forget_package()
    texts = {name: text for name, text in (extra_sources or {}).items()
             if not any(p.suffix == ".py" and p.stem == name for p in files)}
    loading = _Loading(root, graded, texts)
    loading.make_package(run_init=whole_folder, guard=guard)
    python = [p for p in files if p.suffix == ".py"]
    answers = [p for p in python if not NOT_ANSWERS.match(p.stem)]
    order = sorted(answers, key=lambda p: (p.stem not in graded, list(graded).index(p.stem) if p.stem in graded else 0,
                                           p.name))
    for path in order + [Path(origin) for _text, origin in texts.values()] + [p for p in files if p.suffix == ".ipynb"]:
        key = next((name for name, (_text, origin) in texts.items() if Path(origin) == path), None)
        imported = loading.records.get(module_name(path.stem) or "")  # a sibling's import read it already
        key = key or (imported.key if imported and imported.file == path.name else _key_for(path, set(loading.records)))
        if key != path.stem or path.suffix != ".py":
            loading.imports.registered[key] = path
        loading.load(key, path.name, guard)
    for path in (p for p in python if NOT_ANSWERS.match(p.stem) and p.stem != "__init__"):
        loading.records[f"-{path.stem}"] = survey.FileRecord(path.name, path.stem, "not read",
                                                             _("tests, conftest, setup and __main__ files are never "
                                                               "answers, so it is not read"))
    modules = {name: None for name in graded} | loading.modules
    records = sorted(loading.records.values(), key=lambda r: ("/" in r.file, r.file.lower()))
    notes = []
    chosen = _choose(records, modules, graded, notes)
    sources = [r for r in records if r.status != "not read" and r.key != "__init__"]
    return LoadedPackage(root, records, modules, graded, chosen, notes, single_file=not whole_folder or
                         len(sources) == 1, shadowed=loading.imports.shadowing())


def _choose(records, modules, graded, notes):
    """Graded name -> key of the module whose copy is graded: the first implemented copy, .py files before notebooks."""
    chosen = {}
    readable = [r for r in records if r.status == "read" and modules.get(r.key) is not None]
    for home, names in graded.items():
        order = sorted(readable, key=lambda r: (r.file.endswith(".ipynb"), r.stem != home, r.file))
        for name in names:
            copies, seen = [], set()
            for record in order:
                function = getattr(modules[record.key], name, None)
                if callable(function) and id(function) not in seen:  # `from .homework import vgg` is one copy
                    seen.add(id(function))
                    definition = record.defined.get(name)
                    label = (_("{file} ({where})").format(file=record.file, where=definition.where) if definition
                             else record.file)
                    copies.append((record.key, label, is_stub(getattr(definition, "node", None))))
            if not copies:
                continue
            key, label, _stub = next((copy for copy in copies if not copy[2]), copies[0])
            chosen[name] = key
            if len(copies) > 1:
                stubs = [copy[1] for copy in copies if copy[2] and copy[0] != key]
                why = (ngettext("{files} still holds the unfilled stub", "{files} still hold the unfilled stub",
                                len(stubs)).format(files=reading.and_listed(stubs)) if stubs
                       else _(".py files come before notebooks; delete the copy you do not want graded"))
                notes.append(_("{name} is defined in {copies}; graded: the one in {label} ({why})").format(
                    name=name, copies=reading.and_listed((c[1] for c in copies), " and in "), label=label, why=why))
    return chosen
