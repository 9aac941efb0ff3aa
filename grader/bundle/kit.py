"""The kit's own source files, as both bundles carry them, and the exact versions of what it depends on."""
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

import grader

KIT_ROOT = Path(grader.__file__).resolve().parent.parent
# what a copy of the kit needs to grade: the library, the reference it compares builders with, its metadata
KIT_FILES = ("pyproject.toml", "constraints.txt", "README.md")
KIT_PACKAGES = ("grader", "solutions")
DISTRIBUTION = "d2l-cnn-grader"
# CPU-only wheels of torch/torchvision (no CUDA libraries to download): https://pytorch.org/get-started/locally/
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


class BundleError(Exception):
    """A bundle cannot be written; the message says what to do."""


@dataclass
class Written:
    path: Path
    summary: str     # what was written and what to do next, for the instructor


def kit_files(root=KIT_ROOT):
    """relative path -> bytes of every file a copy of the kit needs (no caches, tests, gradebooks or runs)."""
    root = Path(root)
    missing = [name for name in KIT_FILES + KIT_PACKAGES if not (root / name).exists()]
    if missing:
        raise BundleError(f"the kit's source tree at {root} lacks {', '.join(missing)}; build bundles from a checkout "
                          f"of the kit (or an editable install: pip install -e .)")
    files = {name: (root / name).read_bytes() for name in KIT_FILES}
    for package in KIT_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def _base_version(text):
    return re.split(r"\+", text, maxsplit=1)[0]  # 2.14.1+cu130 -> 2.14.1: the CPU index serves 2.14.1+cpu


def pinned_requirements():
    """The kit's direct dependencies pinned to the versions installed here (the ones its tests ran with)."""
    try:
        declared = requires(DISTRIBUTION) or []
    except PackageNotFoundError:
        raise BundleError(f"{DISTRIBUTION} is not installed in this Python; install the kit first "
                          f"(pip install -e .) so its tested dependency versions can be pinned") from None
    pins = []
    for requirement in declared:
        if "extra ==" in requirement:
            continue  # dev tools are not needed to grade
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)
        try:
            pins.append(f"{name}=={_base_version(version(name))}")
        except PackageNotFoundError:
            raise BundleError(f"{name}, a dependency of the kit, is not installed here; reinstall the kit") from None
    return pins
