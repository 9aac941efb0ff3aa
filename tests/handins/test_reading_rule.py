"""The one reading rule, for .py files and notebooks alike: exactly what runs when a file is read, what never does,
and how the submission's own imports resolve without ever shadowing the standard library, torch or the kit."""
import json
import sys
import textwrap

from grader.submission.loader import load_package, unload
from tests.notebooks.notebook_factory import code, write
from nbformat import v4

# Each statement appends its tag to `ran` when it runs; the README's Students section states this list.
SOURCE = '''
import json
ran = []
LIMIT = 3 * 4                                   # a simple assignment: runs
def _mark(tag, value=None):
    ran.append(tag)
    return value

def decorated(function):
    _mark("decorator")
    return function

@decorated
def conv_output_size(size, kernel_size, stride=1, padding=0, _default=_mark("default argument")):
    return (size + 2 * padding - kernel_size) // stride + 1

class Net:
    _mark("class body")

try:
    from d2l import torch as d2l
except ImportError:
    d2l = None

_mark("top-level call")
x = _mark("assignment of a call", 1)
for _ in range(1):
    _mark("for loop")
while not ran:
    _mark("while loop")
if __name__ == "__main__":
    _mark("main block")
if True:
    _mark("if block")
with open(__file__) as _f:
    _mark("with block")
ran += ["augmented assignment"]
ran[0:0] = ["slice assignment"]
json.dumps = _mark("attribute assignment of a call")
assert _mark("assert", True)
print(_mark("print"))
squares = [_mark("comprehension") for _ in range(1)]
'''
RUNS = ["default argument", "decorator", "class body"]  # in the order Python runs them


def _as_notebook(source, path):
    """The same statements, one top-level statement group per cell, as a notebook."""
    cells = [code(chunk) for chunk in textwrap.dedent(source).strip().split("\n\n")]
    write(v4.new_notebook(cells=[v4.new_markdown_cell("# 作业")] + cells), path)


def _load(folder):
    package = load_package(folder)
    return package, package.modules


def test_a_py_file_runs_its_definitions_only(tmp_path):
    (tmp_path / "counting.py").write_text(SOURCE)
    package, modules = _load(tmp_path)
    try:
        assert modules["counting"].ran == RUNS  # and nothing of the top-level code below the definitions
        assert modules["counting"].LIMIT == 12 and modules["counting"].d2l is None
        assert package.find_function("conv_output_size")(224, 11, 4, 1) == 54
        assert json.dumps is not None and callable(json.dumps)
    finally:
        unload(sys.modules.get("assignments"))


def test_a_notebook_runs_exactly_the_same_statements(tmp_path):
    _as_notebook(SOURCE, tmp_path / "counting.ipynb")
    package, modules = _load(tmp_path)
    try:
        assert modules["counting"].ran == RUNS
        assert package.find_function("conv_output_size")(224, 11, 4, 1) == 54
    finally:
        unload(sys.modules.get("assignments"))


def test_a_syntax_error_costs_only_its_statement_in_a_py_file(tmp_path):
    (tmp_path / "vgg.py").write_text("from torch import nn\n\ndef helper(x:\n    return x\n\n"
                                     "def vgg_block(num_convs, in_channels, out_channels):\n"
                                     "    return nn.Sequential()\n")
    package, _ = _load(tmp_path)
    try:
        assert package.find_function("vgg_block")(1, 1, 1) is not None
        [vgg] = [source for source in package.sources if source["file"] == "vgg.py"]
        assert vgg["gave"] == ["vgg_block"] and vgg["notes"][0].startswith("line 3: SyntaxError")
        assert "lines 3–4 skipped" in vgg["notes"][0]
    finally:
        unload(sys.modules.get("assignments"))


def test_sibling_and_relative_imports_read_the_students_files_by_the_same_rule(tmp_path):
    (tmp_path / "d2l.py").write_text("ran = []\nran.append('top level')\n\ndef double(x):\n    return 2 * x\n")
    (tmp_path / "json.py").write_text("def dumps(value):\n    return 'the student json'\n")
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "maths.py").write_text("from .. import d2l\n\n"
                                                   "def quadruple(x):\n    return 2 * d2l.double(x)\n")
    (tmp_path / "counting.py").write_text(
        "import json\nimport d2l\nfrom helpers.maths import quadruple\nfrom .d2l import double\n\n"
        "def conv_output_size(size, kernel_size, stride=1, padding=0):\n"
        "    import torch  # inside a function: resolved when called, the same way\n"
        "    assert json.dumps([1]) == '[1]' and torch.zeros(1).shape == (1,)\n"
        "    return quadruple(double(size)) // 8 + 0 * kernel_size\n")
    package, modules = _load(tmp_path)
    try:
        assert package.find_function("conv_output_size")(8, 3) == 8
        assert modules["counting"].d2l is sys.modules["assignments.d2l"] and sys.modules["assignments.d2l"].ran == []
        assert sys.modules["json"].__file__.startswith(sys.base_prefix)  # the standard library's, for everyone
        assert not [name for name, module in sys.modules.items() if not name.startswith("assignments")
                    and str(tmp_path) in str(getattr(module, "__file__", "") or "")]
        listed = {source["file"]: source for source in package.sources}
        assert "named like the module json that Python already has" in listed["json.py"]["why"]
        assert set(listed) == {"counting.py", "d2l.py", "json.py", "helpers/maths.py"}
    finally:
        unload(sys.modules.get("assignments"))
    assert not any(type(finder).__name__ == "SubmissionImports" for finder in sys.meta_path)


def test_every_file_is_listed_once_with_what_it_gave(tmp_path):
    (tmp_path / "homework.py").write_text("def conv_output_size(size, kernel_size, stride=1, padding=0):\n"
                                          "    return 1\n")
    (tmp_path / "test_mine.py").write_text("open('ran', 'w')\n")
    (tmp_path / "notes.py").write_text("def helper():\n    pass\n")
    (tmp_path / "7-1.py").write_text("def count_params(model):\n    return 0\n")
    package, _ = _load(tmp_path)
    try:
        listed = {source["file"]: source for source in package.sources}
        assert listed["homework.py"]["gave"] == ["conv_output_size"]
        assert listed["7-1.py"]["gave"] == ["count_params"] and "read as module py_7_1" in listed["7-1.py"]["why"]
        assert listed["notes.py"]["why"] == "no graded function"
        assert listed["test_mine.py"]["status"] == "not read" and "never answers" in listed["test_mine.py"]["why"]
        assert json.loads(json.dumps(package.sources)) == package.sources  # plain data: it crosses the wire
    finally:
        unload(sys.modules.get("assignments"))


def test_the_list_of_files_stays_small_enough_to_cross_the_wire(tmp_path):
    (tmp_path / "noisy.py").write_text("".join(f"import missing_module_{i}\n" for i in range(40))
                                       + "".join(f"class C{i}(Undefined): pass\n" for i in range(40)))
    for i in range(120):
        (tmp_path / f"scratch{i}.py").write_text("x = 1\n")
    package, _ = _load(tmp_path)
    try:
        assert len(package.sources) == 101 and package.sources[-1]["why"] == "21 more files are not listed"
        [noisy] = [source for source in package.sources if source["file"] == "noisy.py"]
        assert len(noisy["notes"]) == 21 and noisy["notes"][-1] == "... and 60 more notes"
        assert len(json.dumps(package.sources)) < 200_000
    finally:
        unload(sys.modules.get("assignments"))
