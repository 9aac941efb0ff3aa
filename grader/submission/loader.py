"""Load a submission folder as the package `assignments`, one file at a time, so one broken file hides nothing else."""
import importlib
import importlib.util
import sys
import types
from pathlib import Path

from grader.spec import MODULES, TASKS_BY_NAME
from grader.submission.answering import MissingFunction, _short_traceback

PACKAGE = "assignments"


class SubmissionNotFound(Exception):
    pass


class LoadedPackage:
    """The student's modules (module name -> module or None) and why any of them failed to load."""

    def __init__(self, folder, modules, problems, notes=()):
        self.folder, self.modules, self.problems, self.notes = folder, modules, problems, list(notes)

    def find_function(self, name):
        """The student's `name`: from its own file first, then from any other loaded module."""
        home = TASKS_BY_NAME[name].module if name in TASKS_BY_NAME else None
        candidates = [home] + [m for m in self.modules if m != home] if home else list(self.modules)
        for module_name in candidates:
            function = getattr(self.modules.get(module_name), name, None)
            if callable(function):
                return function
        if home and home in self.problems:
            raise MissingFunction(f"{home}.py could not be loaded: {self.problems[home]}")
        if home and self.modules.get(home) is None:
            raise MissingFunction(f"no {home}.py (or notebook defining {name}) in the submission")
        raise MissingFunction(f"{home}.py defines no function named {name}")


def _forget_package():
    for key in [k for k in sys.modules if k == PACKAGE or k.startswith(PACKAGE + ".")]:
        del sys.modules[key]


def _make_package(folder, problems):
    init = folder / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        PACKAGE, init if init.exists() else None, submodule_search_locations=[str(folder)])
    package = importlib.util.module_from_spec(spec) if init.exists() else types.ModuleType(PACKAGE)
    package.__path__ = [str(folder)]
    sys.modules[PACKAGE] = package
    if init.exists():
        try:
            spec.loader.exec_module(package)
        except BaseException as error:  # noqa: BLE001 — an __init__ that fails must not stop the others
            problems["__init__"] = _short_traceback(error)
    return package


def load_package(folder, extra_sources=None):
    """Import each of MODULES from `folder` as `assignments.<name>`.

    `extra_sources` maps module name -> (source text, origin) for modules that come from notebooks; a `.py`
    file of the same name wins. Errors are recorded per module, never raised.
    """
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise SubmissionNotFound(f"submission folder {folder} does not exist; pass --submission PATH to a folder "
                                 f"holding counting.py, vgg.py, nin.py, alexnet.py")
    _forget_package()
    problems, modules = {}, {}
    _make_package(folder, problems)
    importlib.invalidate_caches()
    extra_sources = dict(extra_sources or {})
    for name in MODULES:
        full = f"{PACKAGE}.{name}"
        try:
            if (folder / f"{name}.py").exists():
                modules[name] = importlib.import_module(full)
            elif name in extra_sources:
                modules[name] = _module_from_source(full, *extra_sources.pop(name))
            else:
                modules[name] = None
        except BaseException as error:  # noqa: BLE001 — SyntaxError, ImportError, sys.exit() at import...
            sys.modules.pop(full, None)
            modules[name], problems[name] = None, _short_traceback(error)
    for name, (source, origin) in extra_sources.items():  # notebooks holding other names
        try:
            modules[name] = _module_from_source(f"{PACKAGE}.{name}", source, origin)
        except BaseException as error:  # noqa: BLE001
            problems[name] = _short_traceback(error)
    return LoadedPackage(folder, modules, problems)


def _module_from_source(full_name, source, origin):
    module = types.ModuleType(full_name)
    module.__package__ = PACKAGE
    module.__file__ = origin
    sys.modules[full_name] = module
    exec(compile(source, origin, "exec"), module.__dict__)  # noqa: S102 — student code, in the student's process
    return module
