"""Loading time for a class of 40 notebook and 40 .py submissions: a git ref of the kit (default main) vs this tree.

    python benchmarks/loading_class.py [--before main] [--students 40] [--repeats 5]

Each student hands in the reference solutions in the book's style: four notebooks (pip and magic cells, d2l
imports, the functions, a shape-printing loop, a training cell) or four .py files (the functions, then top-level
code that loads on both versions: a print and a shape loop over a small network — the old loader runs it, the
new one skips it — and, for the loader's own cost, the same files without it). Both versions load the same class
(`load_package`, in process, as the sandboxed worker does), interleaved, in child processes that import torch
first and write no bytecode cache (graded copies are always fresh); the ratio after/before is printed per kind
(goal ≤ 1.2).
"""
import argparse
import ast
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import nbformat
from nbformat import v4

KIT = Path(__file__).resolve().parents[1]
TOP_LEVEL = ("\n\nimport torch\nprint('shapes:')\nX = torch.zeros(1, 1, 28, 28)\n"
             "for layer in torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU()):\n"
             "    X = layer(X)\n    print(layer.__class__.__name__, X.shape)\n")
CHILD = """
import json, sys, time
import torch  # imported before timing, as the fork server does
from grader.submission.loader import load_package, unload
folders = sys.argv[1:]
load_package(folders[0]); unload(sys.modules.get("assignments"))  # warm: first-use imports
times = []
for folder in folders:
    started = time.perf_counter()
    load_package(folder)
    times.append(time.perf_counter() - started)
    unload(sys.modules.get("assignments"))
print(json.dumps(times))
"""


def _functions(module):
    source = (KIT / "solutions" / f"{module}.py").read_text()
    return [ast.get_source_segment(source, node) for node in ast.parse(source).body
            if isinstance(node, ast.FunctionDef)]


def _notebook(module, path):
    cells = [v4.new_markdown_cell(f"# {module}"), v4.new_code_cell("!pip install d2l==2.0.0\n%matplotlib inline"),
             v4.new_code_cell("import torch\nfrom torch import nn\nfrom d2l import torch as d2l")]
    cells += [v4.new_code_cell(text) for text in _functions(module)]
    cells += [v4.new_code_cell("X = torch.randn(1, 1, 224, 224)\nfor layer in net:\n    X = layer(X)\n"
                               "    print(X.shape)"),
              v4.new_code_cell("d2l.train_ch6(net, train_iter, test_iter, 10, 0.05, d2l.try_gpu())")]
    nbformat.write(v4.new_notebook(cells=cells), str(path))


def build_class(root, students):
    """{kind: [student folders]} under `root`."""
    kinds = {"notebooks": [], "py files": [], "py files, no top-level code": []}
    for index in range(students):
        folders = [root / f"{prefix}{index:02d}" for prefix in ("nb", "py", "plain")]
        for folder in folders:
            folder.mkdir()
        for module in ("counting", "vgg", "nin", "alexnet"):
            _notebook(module, folders[0] / f"{module}.ipynb")
            reference = (KIT / "solutions" / f"{module}.py").read_text()
            (folders[1] / f"{module}.py").write_text(reference + TOP_LEVEL)
            (folders[2] / f"{module}.py").write_text(reference)  # what both versions must do: the loader alone
        for kind, folder in zip(kinds, folders):
            kinds[kind].append(str(folder))
    return kinds


def export(ref, target):
    """The kit's `grader/` package at git `ref`, unpacked into `target`."""
    archive = subprocess.run(["git", "-C", str(KIT), "archive", ref, "grader"], check=True, capture_output=True).stdout
    target.mkdir()
    (target / "grader.tar").write_bytes(archive)
    with tarfile.open(target / "grader.tar") as tar:
        tar.extractall(target, filter="data")
    return target


def load_times(kit, folders):
    # no bytecode cache: a graded submission is a fresh copy (the worker's folder), never imported before
    env = {"PYTHONPATH": str(kit), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run([sys.executable, "-c", CHILD, *folders], env=env,
                         capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
    return json.loads(run.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git ref of the kit to compare with (default: main)")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.platform()}, python {platform.python_version()}")
    root = Path(tempfile.mkdtemp(prefix="d2l-bench-loading-"))
    try:
        (root / "class").mkdir()
        kinds = build_class(root / "class", args.students)
        versions = {f"before ({args.before})": export(args.before, root / "before"), "after (this tree)": KIT}
        totals = {(kind, version): [] for kind in kinds for version in versions}
        for _ in range(args.repeats):  # interleaved, so that a busy moment costs both versions alike
            for kind, folders in kinds.items():
                for version, kit in versions.items():
                    totals[kind, version].append(sum(load_times(kit, folders)))
        for kind in kinds:
            (before, after), (best_before, best_after) = ([pick(totals[kind, version]) for version in versions]
                                                          for pick in (statistics.median, min))
            print(f"{args.students} students, {kind}: before {before:.2f} s, after {after:.2f} s (median of "
                  f"{args.repeats} loads of the class; best {best_before:.2f} / {best_after:.2f} s; "
                  f"{1000 * after / args.students:.1f} ms per student after); ratio after/before {after / before:.2f} "
                  f"(best {best_after / best_before:.2f}; goal <= 1.2)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
