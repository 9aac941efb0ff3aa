"""Load a submission (a folder, or one .py/.ipynb file) as the package `assignments`, one source at a time.

Sources: the assignment files (counting.py, vgg.py, nin.py, alexnet.py), any other top-level .py that
defines a graded function (say, one homework.py), and every .ipynb, of which only the definitions run
(grader.submission.notebook). One broken source hides nothing else; what went wrong goes to `.problems`
(source -> why) and `.notes` (warnings: failed imports, duplicate definitions, which copy is graded).
"""
import ast
import importlib
import importlib.util
import linecache
import re
import sys
import types
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from grader import spec
from grader.submission.answering import MissingFunction, short_traceback
from grader.submission.notebook import read_notebook

PACKAGE = "assignments"
# .py files that are never a student's answer: tests, pytest and packaging hooks (importing them runs them)
NOT_ANSWERS = re.compile(r"^(test_.*|.*_test|conftest|setup|__init__|__main__)$")


class SubmissionNotFound(Exception):
    pass


class LoadedPackage:
    """The student's modules (source name -> module or None) and why any of them failed to load."""

    def __init__(self, folder, modules, problems, notes=(), chosen=None, unreadable=None, files=None, homes=None):
        self.folder, self.modules, self.problems, self.notes = folder, modules, problems, list(notes)
        self.homes = dict(homes or {})            # graded name -> the module it belongs in ("vgg_block" -> "vgg")
        self.chosen = dict(chosen or {})          # graded name -> the module whose definition is graded
        self.unreadable = dict(unreadable or {})  # source -> (why, graded names it seems to hold)
        self.files = dict(files or {})            # module -> the file it came from ("vgg.ipynb")

    def find_function(self, name):
        """The student's `name`: the copy chosen at load time, else its own file first, then any loaded module."""
        function = getattr(self.modules.get(self.chosen.get(name)), name, None)
        if callable(function):
            return function
        home = self.homes.get(name)
        candidates = [home] + [m for m in self.modules if m != home] if home else list(self.modules)
        for module_name in candidates:
            function = getattr(self.modules.get(module_name), name, None)
            if callable(function):
                return function
        for source, (why, held) in self.unreadable.items():
            if name in held or source == home:  # vgg.ipynb, unreadable, holds the vgg tasks by its name
                raise MissingFunction(f"{why}" + (f" (it seems to define {name})" if name in held else ""))
        unread = "".join(f"; note: {why}" for why, _ in self.unreadable.values())
        if home and home in self.problems:
            raise MissingFunction(f"{home}.py could not be loaded: {self.problems[home]}")
        if home and self.modules.get(home) is None:
            raise MissingFunction(f"no {home}.py (or notebook defining {name}) in the submission{unread}")
        raise MissingFunction(f"{self.files.get(home, f'{home}.py')} defines no function named {name}{unread}")


def _forget_package():
    for key in [k for k in sys.modules if k == PACKAGE or k.startswith(PACKAGE + ".")]:
        del sys.modules[key]


def unload(root):
    """Drop `assignments` and its modules from sys.modules if `root` (the package a load made) is still there."""
    if root is not None and sys.modules.get(PACKAGE) is root:
        _forget_package()


def _make_package(folder, problems, run_init):
    init = folder / "__init__.py"
    run_init = run_init and init.exists()
    spec = importlib.util.spec_from_file_location(
        PACKAGE, init if run_init else None, submodule_search_locations=[str(folder)])
    package = importlib.util.module_from_spec(spec) if run_init else types.ModuleType(PACKAGE)
    package.__path__ = [str(folder)]
    sys.modules[PACKAGE] = package
    if run_init:
        try:
            spec.loader.exec_module(package)
        except BaseException as error:  # noqa: BLE001 — an __init__ that fails must not stop the others
            problems["__init__"] = short_traceback(error)
    return package


def _submission_files(path):
    """(folder, the .py and .ipynb files to load, whether a whole folder was given) for a folder or one file."""
    if path.is_file() and path.suffix in (".py", ".ipynb"):
        return path.parent, [path], False
    if not path.is_dir():
        raise SubmissionNotFound(f"submission {path} does not exist; pass --submission PATH to a folder holding "
                                 f"counting.py, vgg.py, nin.py, alexnet.py and/or notebooks (.ipynb)")
    # names starting with "." are editor and archive litter (macOS "._vgg.ipynb" resource forks, checkpoints)
    return path, sorted(p for p in path.iterdir()
                        if p.suffix in (".py", ".ipynb") and not p.name.startswith(".") and p.is_file()), True


def _graded_defs(path, functions):
    """Graded name -> its last top-level `def` node in a .py file ({} when unreadable or unparsable)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8-sig"))
    except (OSError, SyntaxError, ValueError):
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return {name: None for name in functions if re.search(rf"def\s+{name}\s*\(", text)}
    return {node.name: node for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in functions}


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


def load_package(folder, extra_sources=None, guard=nullcontext, graded=None):
    """Import the submission at `folder` (a folder, or one .py/.ipynb file) as `assignments.<source>`.

    `graded` maps each assignment module to the function names graded in it (default: grader.spec's registry;
    the sandboxed worker is told them in its spawn request). `extra_sources` maps module name -> (source text,
    origin) for code given as text; a `.py` file of the same name wins. Each import runs inside `guard()` (the
    in-process backend's time limit). Errors are recorded per source, never raised.
    """
    graded = {str(module): [str(name) for name in names] for module, names in (graded or spec.graded_names()).items()}
    folder, files, whole_folder = _submission_files(Path(folder).resolve())
    _forget_package()
    loaded = _Loading(problems={}, modules={}, notes=[], unreadable={}, origins={}, graded=graded)
    _make_package(folder, loaded.problems, run_init=whole_folder)
    importlib.invalidate_caches()
    _load_python({p.stem: p for p in files if p.suffix == ".py"}, dict(extra_sources or {}), loaded, guard)
    for path in (p for p in files if p.suffix == ".ipynb"):
        _load_notebook(path, loaded)
    chosen = _choose(loaded.modules, loaded.origins, loaded.notes, loaded.homes)
    return LoadedPackage(folder, loaded.modules, loaded.problems, loaded.notes, chosen, loaded.unreadable,
                         {key: origin[0] for key, origin in loaded.origins.items()}, loaded.homes)


@dataclass
class _Loading:
    problems: dict    # source -> why it failed
    modules: dict     # source -> module or None
    notes: list
    unreadable: dict  # source -> (why, with the file's name; graded names it seems to define)
    origins: dict     # source -> (file name, graded name -> (where in the file, its def node))
    graded: dict      # assignment module -> graded function names

    @property
    def functions(self):
        return tuple(name for names in self.graded.values() for name in names)

    @property
    def homes(self):
        return {name: module for module, names in self.graded.items() for name in names}


def _load_python(python_files, extra_sources, loaded, guard=nullcontext):
    """The assignment modules (None when absent), then any other .py defining a graded function, then text."""
    modules = list(loaded.graded)
    others = [stem for stem, path in python_files.items() if stem not in modules and stem.isidentifier()
              and not NOT_ANSWERS.match(stem) and _graded_defs(path, loaded.functions)]
    for name in modules + others + [n for n in extra_sources if n not in modules]:
        full = f"{PACKAGE}.{name}"
        try:
            if name in python_files:
                with guard():
                    loaded.modules[name] = importlib.import_module(full)
                loaded.origins[name] = (python_files[name].name,
                                        {n: ("", node) for n, node in
                                         _graded_defs(python_files[name], loaded.functions).items()})
            elif name in extra_sources:
                loaded.modules[name] = _module_from_source(full, *extra_sources[name])
            else:
                loaded.modules[name] = None
        except BaseException as error:  # noqa: BLE001 — SyntaxError, ImportError, sys.exit() at import...
            sys.modules.pop(full, None)
            loaded.modules[name], loaded.problems[name] = None, short_traceback(error)
            if name in others:  # not named after an assignment: say which file, and what it would have held
                loaded.unreadable[name] = (f"{name}.py could not be loaded: {loaded.problems[name]}",
                                           tuple(_graded_defs(python_files[name], loaded.functions)))


def _load_notebook(path, loaded):
    taken = {key for key, module in loaded.modules.items() if module is not None or key in loaded.problems}
    key = _notebook_key(path.stem, taken | set(loaded.origins))
    notebook = read_notebook(path, loaded.functions)
    loaded.notes.extend(notebook.notes)
    if notebook.problem:
        loaded.modules[key], loaded.problems[key] = None, notebook.problem
        loaded.unreadable[key] = (notebook.problem, notebook.mentions)
        return
    loaded.modules[key], defined = _module_from_notebook(f"{PACKAGE}.{key}", notebook, loaded.notes,
                                                         loaded.functions)
    loaded.origins[key] = (path.name, {name: (d.where, d.node) for name, d in defined.items()})


def _notebook_key(stem, taken):
    """A module name for a notebook: its stem as an identifier, never one a loaded source already uses."""
    key = re.sub(r"\W", "_", stem) or "notebook"
    key = key if key[0].isalpha() or key[0] == "_" else f"nb_{key}"
    if key in taken:  # vgg.ipynb beside vgg.py: both are kept, and _choose says which copy is graded
        key = f"{key}_ipynb"
    while key in taken:
        key += "_"
    return key


def _choose(modules, origins, notes, homes):
    """Graded name -> module whose copy is graded: the first implemented copy, .py files before notebooks.

    `origins`: module -> (file name, graded name -> (where in the file, its def node or None)).
    """
    chosen = {}
    for name, home in homes.items():
        order = sorted(origins, key=lambda key: (origins[key][0].endswith(".ipynb"),
                                                 Path(origins[key][0]).stem != home, origins[key][0]))
        copies, seen = [], set()
        for key in order:
            function = getattr(modules.get(key), name, None)
            if callable(function) and id(function) not in seen:  # `from .homework import vgg` is one copy
                seen.add(id(function))
                where, node = origins[key][1].get(name, ("", None))
                copies.append((key, origins[key][0] + (f" ({where})" if where else ""), is_stub(node)))
        if not copies:
            continue
        key, label, _ = next((copy for copy in copies if not copy[2]), copies[0])
        chosen[name] = key
        if len(copies) > 1:
            stubs = [copy[1] for copy in copies if copy[2] and copy[0] != key]
            why = (f"{' and '.join(stubs)} still hold{'s' if len(stubs) == 1 else ''} the unfilled stub" if stubs
                   else ".py files come before notebooks; delete the copy you do not want graded")
            notes.append(f"{name} is defined in {' and in '.join(c[1] for c in copies)}; graded: the one in "
                         f"{label} ({why})")
    return chosen


def _module_from_notebook(full_name, notebook, notes, functions):
    """Run a notebook's kept definitions one by one into a fresh module; -> (module, name -> Definition run)."""
    module = types.ModuleType(full_name)
    module.__package__, module.__file__ = PACKAGE, str(notebook.path)
    sys.modules[full_name] = module
    for number, text in notebook.cells.items():  # so tracebacks show the student's line
        filename = f"{notebook.path.name} cell {number}"
        linecache.cache[filename] = (len(text), None, [line + "\n" for line in text.split("\n")], filename)
    defined, failed_imports = {}, {}
    for definition in notebook.definitions:
        code = compile(ast.Module(body=[definition.node], type_ignores=[]),
                       f"{notebook.path.name} cell {definition.cell}", "exec")
        try:
            exec(code, module.__dict__)  # noqa: S102 — a definition from the student's notebook, never a top-level call
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 — one failing import or def must not stop the rest
            why = f"{type(error).__name__}: {error}"[:200]
            if isinstance(definition.node, (ast.Import, ast.ImportFrom)):
                failed_imports.setdefault((definition.text, why), []).append(definition.where)
            else:
                notes.append(f"{notebook.path.name} {definition.where}: `{definition.text}` failed ({why}); "
                             f"{', '.join(definition.names)} is not defined")
            continue
        defined.update({name: definition for name in definition.names if name in functions})
    for (text, why), places in failed_imports.items():
        used = ", ".join(sorted({name.split(".")[0] for name in _bound_by(text)})) or "it"
        notes.append(f"{notebook.path.name} {' and '.join(places)}: `{text}` failed ({why}); this costs points only "
                     f"if a graded function uses {used}")
    return module, defined


def _bound_by(import_text):
    try:
        node = ast.parse(import_text).body[0]
        return [alias.asname or alias.name for alias in node.names]
    except (SyntaxError, IndexError, AttributeError):
        return []


def _module_from_source(full_name, source, origin):
    module = types.ModuleType(full_name)
    module.__package__ = PACKAGE
    module.__file__ = origin
    sys.modules[full_name] = module
    exec(compile(source, origin, "exec"), module.__dict__)  # noqa: S102 — student code, in the student's process
    return module
