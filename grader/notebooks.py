"""Release as notebooks: one .ipynb per assignment, built with nbformat from a solution file's stubs.

Each notebook: an introduction in our own words (what to build, the shapes to expect, the book section),
one setup cell with the imports, one graded cell per task (marked in cell metadata), a scratch cell,
and a final cell that grades the notebook's own functions in place. Cell ids are derived from the
assignment and the task, so releasing twice writes the same bytes.
"""
import ast
import importlib.util
import math
from pathlib import Path

import nbformat
from nbformat import v4

from grader.release import strip_solutions
from grader.spec import MODULES, TASKS, VGG11_ARCH

METADATA_KEY = "d2l_grader"
INPUT = (1, 1, 224, 224)  # one Fashion-MNIST image, upsampled as the book does
INTROS = {
    "counting": ("Counting a CNN: sizes, parameters, shapes and FLOPs", "§6.3 and §7.1", """\
Before building the book's networks, build the tools that explain them. You will write four small
functions: the output size of one convolution or pooling along one axis (the formula of §6.3, 填充和步幅),
the number of trainable parameters of any `nn.Module`, the output shape after each layer of an
`nn.Sequential` (the printout the book uses to walk through AlexNet, VGG and NiN), and the number of
floating-point operations of a forward pass.

Shapes and numbers to expect: AlexNet's first convolution (kernel 11, stride 4, padding 1) turns 224
pixels into 54; a parameter shared by two layers counts once; BatchNorm's running statistics are not
parameters; a multiply-add counts as 2 FLOPs, as `torch.utils.flop_counter` counts them."""),
    "alexnet": ("AlexNet", "§7.1 深度卷积神经网络（AlexNet）", """\
Build AlexNet the way the book trains it on Fashion-MNIST: one input channel, images upsampled to
224×224, ten classes. Five convolutions and three max-pools extract features; three fully connected
layers with dropout classify them. Work out why the first `nn.Linear` takes 6400 inputs, and compute that
width from `input_size` instead of typing it, so the network also works on other image sizes."""),
    "vgg": ("VGG", "§7.2 使用块的网络（VGG）", """\
VGG builds a deep network from one repeated idea: a block of 3×3 convolutions followed by a 2×2
max-pool that halves the height and width. First write `vgg_block`, then `vgg`, which chains one block
per `(num_convs, out_channels)` pair of `conv_arch` and ends with the same three-layer classifier as
AlexNet. With the book's VGG-11 architecture `((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))` five
blocks shrink 224 to 7."""),
    "nin": ("Network in Network (NiN)", "§7.3 网络中的网络（NiN）", """\
NiN replaces AlexNet's huge fully connected layers with 1×1 convolutions: each `nin_block` is one
ordinary convolution followed by two 1×1 convolutions, each with a ReLU, acting like a small dense layer
applied at every pixel. The last block outputs one channel per class, and a global average pool turns
each channel into one logit, so the network has no `nn.Linear` at all and far fewer parameters."""),
}
# network to trace for the "shapes to expect" table: builder, its arguments, what its nn.Sequential children are
TRACED = {"alexnet": ("alexnet", {}, "Sequential"), "vgg": ("vgg", {"conv_arch": VGG11_ARCH}, "vgg_block"),
          "nin": ("nin", {}, "nin_block")}
SCRATCH = {
    "counting": "# conv_output_size(224, kernel_size=11, stride=4, padding=1)\n"
                "# count_params(nn.Linear(4, 3))",
    "alexnet": "import torch\n\n# net = alexnet()\n# X = torch.zeros(1, 1, 224, 224)\n# for layer in net:\n"
               "#     X = layer(X)\n#     print(layer.__class__.__name__, 'output shape:', X.shape)",
    "vgg": "import torch\n\n# net = vgg(((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)))\n# X = torch.zeros(1, 1, 224, 224)\n"
           "# for block in net:\n#     X = block(X)\n#     print(block.__class__.__name__, 'output shape:', X.shape)",
    "nin": "import torch\n\n# net = nin()\n# X = torch.zeros(1, 1, 224, 224)\n# for layer in net:\n"
           "#     X = layer(X)\n#     print(layer.__class__.__name__, 'output shape:', X.shape)",
}
CHECK_CELL = ("# Grades the functions defined in this notebook, as they are now, and prints your points.\n"
              "# After changing a function, run its cell again, then this one.\n"
              "from grader.notebook_check import check\n"
              "check(globals(), {assignment!r})")


def _load_solution(path):
    spec = importlib.util.spec_from_file_location(f"_release_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _output_shape(layer, shape):
    """Shape after `layer`, by the book's formulas (a forward pass would cost seconds; the layers are on meta)."""
    from solutions.counting import conv_output_size
    name = type(layer).__name__
    if name == "Sequential":
        for child in layer:
            shape = _output_shape(child, shape)
        return shape
    if name in ("Conv2d", "MaxPool2d", "AvgPool2d"):
        pair = lambda value: value if isinstance(value, tuple) else (value, value)  # noqa: E731
        kernel, stride, padding = pair(layer.kernel_size), pair(layer.stride), pair(layer.padding)
        sides = [conv_output_size(shape[2 + axis], kernel[axis], stride[axis], padding[axis]) for axis in (0, 1)]
        return (shape[0], getattr(layer, "out_channels", shape[1]), *sides)
    if name in ("AdaptiveAvgPool2d", "AdaptiveMaxPool2d"):
        size = layer.output_size if isinstance(layer.output_size, tuple) else (layer.output_size,) * 2
        return (shape[0], shape[1], *size)
    if name == "Flatten":
        return (shape[0], math.prod(shape[1:]))
    if name == "Linear":
        return (*shape[:-1], layer.out_features)
    if name in ("ReLU", "Dropout", "Sigmoid", "Identity"):
        return shape
    raise ValueError(f"release: no shape rule for {name}; add one to grader/notebooks.py:_output_shape")


def _shape_table(path, assignment):
    """Markdown table of the reference network's output shape after each top-level layer."""
    if assignment not in TRACED:
        return ""
    import torch
    builder, kwargs, block = TRACED[assignment]
    with torch.device("meta"):  # no memory, no initialisation cost: only the layers' hyper-parameters are read
        net = getattr(_load_solution(path), builder)(**kwargs)
    shape, rows = INPUT, []
    for layer in net:
        shape = _output_shape(layer, shape)
        name = type(layer).__name__
        label = f"{block} ({len(layer)} layers)" if name == "Sequential" else name
        rows.append(f"| {label} | `{shape}` |")
    return (f"\n\nShapes to expect after each top-level layer of `{builder}()` for one image `{INPUT}`:"
            f"\n\n| layer | output shape |\n|---|---|\n" + "\n".join(rows))


def _segments(stub_source, graded):
    """[(task name or None, source text)] in file order: one per graded def, other top-level code grouped."""
    lines = stub_source.splitlines()
    tree = ast.parse(stub_source)
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    segments = []
    for node in body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        text = "\n".join(lines[start - 1:node.end_lineno])
        task = node.name if isinstance(node, ast.FunctionDef) and node.name in graded else None
        if task is None and segments and segments[-1][0] is None:
            segments[-1] = (None, segments[-1][1] + ("\n\n\n" if isinstance(node, ast.FunctionDef) else "\n") + text)
        else:
            segments.append((task, text))
    return segments


def build_notebook(path, assignment):
    """The released notebook for `solutions/<assignment>.py` at `path` (an nbformat NotebookNode)."""
    path = Path(path)
    tasks = {task.name: task for task in TASKS if task.module == assignment}
    title, section, prose = INTROS[assignment]
    points = sum(task.points for task in tasks.values())
    intro = (f"# {title} — d2l-zh v2 {section}\n\n{prose}{_shape_table(path, assignment)}\n\n"
             f"**How to work.** Replace each `raise NotImplementedError` in the cells tagged *graded* with your "
             f"code, keeping the function names and signatures ({points} points in all), and build the networks "
             f"with `torch.nn` only (`d2l` may not be installed where your work is graded). Run the last cell to "
             f"see your points: it prints the same table as `pytest`. When this notebook is graded as a file, "
             f"only its definitions are read (imports, `def`, `class`, constants); top-level code such as "
             f"training runs, plots and prints is never executed.")
    cells = [v4.new_markdown_cell(intro, id=f"{assignment}-intro")]
    stubs = strip_solutions(path.read_text(encoding="utf-8"), str(path))
    for number, (task, text) in enumerate(_segments(stubs, tasks), start=1):
        if task is None:
            role = "setup" if number == 1 else "helper"
            cells.append(v4.new_code_cell(text, id=f"{assignment}-{role}-{number}",
                                          metadata={METADATA_KEY: {"role": role}}))
            continue
        cells.append(v4.new_markdown_cell(f"## Task: `{task}` ({tasks[task].points} points)",
                                          id=f"{assignment}-about-{task}"))
        cells.append(v4.new_code_cell(text, id=f"{assignment}-task-{task}", metadata={
            METADATA_KEY: {"role": "graded", "task": task, "points": tasks[task].points}, "tags": ["graded"]}))
    cells.append(v4.new_code_cell(f"# Try your functions here (not graded), for example:\n{SCRATCH[assignment]}",
                                  id=f"{assignment}-scratch", metadata={METADATA_KEY: {"role": "scratch"}}))
    cells.append(v4.new_markdown_cell("## Check your work\n\nRun this cell after running the cells above.",
                                      id=f"{assignment}-about-check"))
    cells.append(v4.new_code_cell(CHECK_CELL.format(assignment=assignment), id=f"{assignment}-check",
                                  metadata={METADATA_KEY: {"role": "check"}}))
    notebook = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        METADATA_KEY: {"assignment": assignment, "generated_from": f"solutions/{path.name}", "points": points}})
    nbformat.validate(notebook)
    return notebook


def notebook_text(notebook):
    text = nbformat.writes(notebook, version=4)
    return text if text.endswith("\n") else text + "\n"


def planned_notebooks(solutions="solutions"):
    """Release output for notebooks: {"notebooks/<assignment>.ipynb": file text} for each assignment solution."""
    files = {}
    for assignment in MODULES:
        path = Path(solutions) / f"{assignment}.py"
        if path.exists():
            files[f"notebooks/{assignment}.ipynb"] = notebook_text(build_notebook(path, assignment))
    return files
