"""Realistic student notebooks for the tests: d2l-style cells, kept outputs, Chinese markdown, solution code."""
import ast
import base64
import json
from pathlib import Path

import nbformat
from nbformat import v4

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
RELEASED = ROOT / "assignments" / "notebooks"


def solution_code(name):
    """The reference definition of graded function `name`, as its text in solutions/*.py (markers included)."""
    for path in sorted(SOLUTIONS.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                return ast.get_source_segment(source, node)
    raise KeyError(name)


def png_output(megabytes):
    """A display_data output holding a PNG-like base64 blob of about `megabytes` MB (a kept training plot)."""
    blob = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * int(megabytes * 2**20 * 3 / 4 / 256 + 1))
    return v4.new_output("display_data", data={"image/png": blob.decode(), "text/plain": "<Figure size 350x250>"})


def stream(text):
    return v4.new_output("stream", name="stdout", text=text)


def code(source, outputs=(), count=None):
    return v4.new_code_cell(source, outputs=list(outputs), execution_count=count)


def d2l_notebook(function_cells, image_mb=0.05, sentinel=None):
    """A notebook as a d2l reader leaves it: pip/magic cells, d2l imports, the functions, top-level training.

    `function_cells`: list of cell sources defining functions, placed in order after the imports.
    `sentinel`: a path a top-level statement would create if the grader ever ran top-level code.
    """
    cells = [
        v4.new_markdown_cell("# 深度卷积神经网络（AlexNet）\n\n本节我们在 Fashion-MNIST 上实现并训练现代卷积神经网络。"),
        code("!pip install d2l==0.17\n%matplotlib inline", [stream("Requirement already satisfied: d2l==0.17\n")], 1),
        code("import torch\nfrom torch import nn\nfrom d2l import torch as d2l", count=2),
    ]
    for number, source in enumerate(function_cells, start=3):
        cells.append(code(source, count=number))
    cells += [
        v4.new_markdown_cell("我们构造一个高和宽都为224的单通道数据样本，观察每一层输出的形状。"),
        code("X = torch.randn(1, 1, 224, 224)\nnet = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU())\n"
             "for layer in net:\n    X = layer(X)\n    print(layer.__class__.__name__, 'output shape:\\t', X.shape)",
             [stream("Conv2d output shape:\t torch.Size([1, 6, 220, 220])\n")], 20),
        code("%%time\nlr, num_epochs, batch_size = 0.01, 10, 128\n"
             "train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size, resize=224)\n"
             "d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())",
             [stream("loss 0.327, train acc 0.881, test acc 0.883\n3941.2 examples/sec on cuda:0\n"),
              png_output(image_mb)], 21),
    ]
    if sentinel is not None:
        cells.append(code(f"open({str(sentinel)!r}, 'w').write('top-level code ran')\nraise SystemExit(3)", count=22))
    notebook = v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                     "language": "python"}})
    return notebook


def write(notebook, path):
    Path(path).write_text(nbformat.writes(notebook), encoding="utf-8")
    return Path(path)


def filled_release(assignment, folder):
    """The released notebook for `assignment` with every graded cell's stub replaced by the reference code."""
    notebook = nbformat.read(RELEASED / f"{assignment}.ipynb", as_version=4)
    for cell in notebook.cells:
        task = cell.metadata.get("d2l_grader", {}).get("task")
        if task:
            cell.source = solution_code(task)
    return write(notebook, Path(folder) / f"{assignment}.ipynb")


def raw_cells(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
