"""Definitions-only reading of .ipynb files: magics dropped, only definitions kept, every problem explained."""
import ast
import json

import pytest
from nbformat import v4

from grader import spec
from grader.submission.notebook import kept_names, python_source, read_notebook
from tests.notebooks.notebook_factory import code, d2l_notebook, solution_code, write


def kept(source):
    return [kept_names(node) for node in ast.parse(source).body]


@pytest.mark.parametrize("cell, expected", [
    ("!pip install d2l==0.17\nimport torch", "pass\nimport torch"),
    ("%matplotlib inline\nfrom torch import nn", "pass\nfrom torch import nn"),
    ("files = !ls\nx = 1", "pass\nx = 1"),
    ("d2l.train_ch6?\nx = 1", "pass\nx = 1"),
    ("if True:\n    %time y = f()\n    z = 2", "if True:\n    pass\n    z = 2"),
    ("%%time\ndef f():\n    return 1", "\ndef f():\n    return 1"),
    # valid Python is never rewritten, even a continuation line that starts with %
    ("s = ('%d'\n% 3)", "s = ('%d'\n% 3)"),
])
def test_magics_and_shell_lines_become_pass_keeping_line_numbers(cell, expected):
    assert python_source(cell) == expected


@pytest.mark.parametrize("cell", ["%%bash\necho hi", "%%writefile vgg.py\ndef vgg(): pass", "%%timeit\nf()",
                                  "%%html\n<b>hi</b>"])
def test_cell_magics_whose_body_is_not_notebook_python_drop_the_cell(cell):
    assert python_source(cell) is None


def test_only_definitions_are_kept():
    source = ("import torch\nfrom torch import nn as tnn\nimport os.path\n"
              "def f(): pass\nclass Net(tnn.Module): pass\n"
              "lr, num_epochs = 0.05, 10\nconv_arch = ((1, 64), (2, 128))\nratio: int = 4\nact = lambda x: x\n"
              "dtype = torch.float32\n"
              "try:\n    from d2l import torch as d2l\nexcept ImportError:\n    d2l = None\n"
              # dropped: calls, loops, prints, training, comprehensions, augmented assignment, main guard
              "net = f()\nX = torch.randn(1, 1, 224, 224)\nfor layer in net: print(layer)\nd2l.train_ch6(net)\n"
              "small = [p // ratio for p in conv_arch]\nlr += 1\nif __name__ == '__main__':\n    f()\n"
              "try:\n    net = f()\nexcept Exception:\n    pass\n")
    assert kept(source) == [("torch",), ("tnn",), ("os",), ("f",), ("Net",), ("lr", "num_epochs"), ("conv_arch",),
                            ("ratio",), ("act",), ("dtype",), ("d2l", "d2l")] + [None] * 8


def test_a_d2l_notebook_keeps_its_definitions_in_order_and_no_top_level_code(tmp_path):
    path = write(d2l_notebook([solution_code("conv_output_size"), "%%time\n" + solution_code("vgg_block")]),
                 tmp_path / "homework.ipynb")
    notebook = read_notebook(path, spec.functions())
    assert not notebook.problem
    assert [d.names for d in notebook.definitions] == [("torch",), ("nn",), ("d2l",), ("conv_output_size",),
                                                       ("vgg_block",), ("lr", "num_epochs", "batch_size")]
    # cell numbers count every cell (markdown too) as the student scrolls; the %%time line keeps numbering
    assert [(d.cell, d.line) for d in notebook.definitions][3:5] == [(4, 1), (5, 2)]
    assert notebook.notes == []


def test_a_syntax_error_loses_only_its_statement_and_says_cell_and_line(tmp_path):
    broken = "def helper():\n    return 1\n\ndef nin_block(a, b:\n    return a"
    path = write(d2l_notebook([solution_code("conv_output_size"), broken, solution_code("nin")]), tmp_path / "h.ipynb")
    notebook = read_notebook(path, spec.functions())
    names = [n for d in notebook.definitions for n in d.names]
    assert "conv_output_size" in names and "nin" in names and "helper" in names and "nin_block" not in names
    [note] = notebook.notes
    assert note.startswith("cell 5 (In [4]), line 4: SyntaxError") and "lines 4–5 skipped (nin_block among them)" in note
    assert notebook.lost == {"nin_block": note.split(" (nin_block")[0]}


def test_a_function_defined_twice_is_noted_and_the_last_definition_is_last(tmp_path):
    first = "def count_params(model):\n    return 0"
    path = write(d2l_notebook([first, "x = 1", solution_code("count_params")]), tmp_path / "twice.ipynb")
    notebook = read_notebook(path, spec.functions())
    defs = [d for d in notebook.definitions if d.names == ("count_params",)]
    assert [d.cell for d in defs] == [4, 6]
    [note] = notebook.notes
    assert "count_params is defined 2 times (cell 4, line 1 and cell 6, line 1); the last one is graded" in note


def test_a_graded_function_in_a_writefile_cell_is_reported(tmp_path):
    path = write(d2l_notebook(["%%writefile vgg.py\n" + solution_code("vgg")]), tmp_path / "w.ipynb")
    [note] = read_notebook(path, spec.functions()).notes
    assert note.startswith("cell 4") and "%%writefile" in note and "vgg is ignored" in note


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty (0 bytes)"),
    (b'{"cells": [{"cell_type": "code", "source": "def vgg_block(a):\\n  pass"', "not valid notebook JSON (line 1"),
    (b"def vgg_block(n, i, o):\n    return None\n", "not valid notebook JSON"),
    (b'{"name": "a package.json, not a notebook"}', "it is JSON but not a Jupyter notebook"),
    (b'[1, 2, 3]', "it is JSON but not a Jupyter notebook"),
    (b'{"cells": ["text"]}', "a cell is not an object"),
    (b"\xff\xfe\x00d\x00e\x00f", "not UTF-8"),
])
def test_unreadable_files_get_a_clear_problem_naming_the_file(tmp_path, content, message):
    path = tmp_path / "vgg.ipynb"
    path.write_bytes(content)
    notebook = read_notebook(path, spec.functions())
    assert notebook.problem.startswith("vgg.ipynb could not be read: ") and message in notebook.problem
    assert notebook.definitions == []
    assert notebook.mentions == (("vgg_block",) if b"def vgg_block" in content else ())


def test_an_empty_notebook_is_a_problem_too(tmp_path):
    path = write(v4.new_notebook(cells=[v4.new_markdown_cell("# 作业"), code("   ")]), tmp_path / "empty.ipynb")
    assert read_notebook(path, spec.functions()).problem == "empty.ipynb has no code (an empty notebook)"


def test_oversized_file_is_refused_without_parsing_and_still_names_its_functions(tmp_path, monkeypatch):
    import grader.submission.notebook as module
    path = write(d2l_notebook([solution_code("alexnet")], image_mb=0.5), tmp_path / "big.ipynb")
    monkeypatch.setattr(module, "MAX_NOTEBOOK_BYTES", 100_000)  # instead of writing 200 MB in a test
    notebook = read_notebook(path, spec.functions())
    assert "over the 98 KB the grader reads" in notebook.problem and "Clear Outputs" in notebook.problem
    assert notebook.mentions == ("alexnet",)


def test_old_nbformat3_worksheets_are_read(tmp_path):
    path = tmp_path / "v3.ipynb"
    path.write_text(json.dumps({"nbformat": 3, "worksheets": [{"cells": [
        {"cell_type": "code", "input": ["import torch\n", "def count_params(model):\n", "    return 1\n"]}]}]}))
    assert [d.names for d in read_notebook(path, spec.functions()).definitions] == [("torch",), ("count_params",)]
