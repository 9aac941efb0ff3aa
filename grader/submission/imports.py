"""How a submission's own imports resolve: its files as `assignments.*`, each read by the one rule (reading.py).

The package `assignments` gets a finder of its own at the front of sys.meta_path: `assignments.x` is the
submission's x.py (or its folder x/, or a notebook or oddly named file the loader registered as x), read by the
loader's callback; nothing else under `assignments.` is importable (no compiled extension, no .pyc). Each student
module gets its own `__import__`: a top-level name that is one of the submission's files (`import d2l` beside a
d2l.py) means that file, unless the name is PROTECTED — the standard library, torch, numpy and the kit always
mean the real modules, so no student file ever shadows them, for the student's code or anyone else's.
"""
import builtins
import importlib.abc
import importlib.machinery
import keyword
import sys
from pathlib import Path

PROTECTED = frozenset(sys.stdlib_module_names) | {
    "torch", "torchvision", "numpy", "grader", "solutions", "tests", "test_assignments", "assignments"}
_REAL_IMPORT = builtins.__import__


def module_name(stem):
    """`stem` if Python can import it by that name, else None."""
    return stem if stem.isidentifier() and not keyword.iskeyword(stem) else None


def sibling_names(root):
    """The names the submission's own code may import: its .py files and the folders holding .py files."""
    names = set()
    for path in Path(root).iterdir():
        name = module_name(path.stem if path.suffix == ".py" else path.name)
        if name and (path.suffix == ".py" and path.is_file()
                     or path.is_dir() and any(p.suffix == ".py" for p in path.iterdir())):
            names.add(name)
    return names


class _Loader(importlib.abc.Loader):
    def __init__(self, imports, path):
        self.imports, self.path = imports, path

    def create_module(self, spec):
        return None  # the default module object

    def exec_module(self, module):
        module.__dict__["__builtins__"] = self.imports.builtins
        if self.path is not None:  # a folder without __init__.py is an empty package
            self.imports.read(module, self.path)


class SubmissionImports(importlib.abc.MetaPathFinder):
    """The import rule of one loaded submission; `read(module, path)` runs a file's definitions into `module`."""

    def __init__(self, root, package, read):
        self.root, self.package, self.read = Path(root), package, read
        self.registered = {}  # module key -> file: notebooks, files whose names are not identifiers, texts
        self.created = set()  # every module name this finder gave a spec for (what unloading removes)
        self.siblings = sibling_names(root)
        self.builtins = dict(builtins.__dict__, __import__=self._import)

    def install(self):
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, SubmissionImports)]
        sys.meta_path.insert(0, self)

    def uninstall(self):
        if self in sys.meta_path:
            sys.meta_path.remove(self)

    def shadowing(self):
        """The submission's files named like a protected module: its own code's imports never reach them."""
        return sorted(self.siblings & PROTECTED)

    def _import(self, name, globals=None, locals=None, fromlist=(), level=0):
        top = name.partition(".")[0]
        if level == 0 and top in self.siblings and top not in PROTECTED:
            module = _REAL_IMPORT(f"{self.package}.{name}", globals, locals, fromlist, 0)
            return module if fromlist else sys.modules[f"{self.package}.{top}"]
        return _REAL_IMPORT(name, globals, locals, fromlist, level)

    def find_spec(self, fullname, path=None, target=None):
        prefix = self.package + "."
        if not fullname.startswith(prefix):
            return None
        parts = fullname[len(prefix):].split(".")
        if len(parts) == 1 and parts[0] in self.registered:
            return self._spec(fullname, self.registered[parts[0]], package=False)
        base = self.root.joinpath(*parts)
        if (base / "__init__.py").is_file():
            return self._spec(fullname, base / "__init__.py", package=True)
        if base.with_name(base.name + ".py").is_file():
            return self._spec(fullname, base.with_name(base.name + ".py"), package=False)
        if base.is_dir() and any(p.suffix == ".py" for p in base.iterdir()):
            return self._spec(fullname, None, package=True)
        return None  # and since `assignments` has an empty __path__, no other finder finds it either

    def _spec(self, fullname, path, package):
        self.created.add(fullname)
        spec = importlib.machinery.ModuleSpec(fullname, _Loader(self, path), origin=str(path) if path else None,
                                              is_package=package)
        spec.has_location = path is not None
        if package:
            spec.submodule_search_locations = []  # this finder resolves submodules itself, from the folder
        return spec
