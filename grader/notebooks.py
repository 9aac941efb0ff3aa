"""Release as notebooks: one .ipynb per assignment, built with nbformat from a solution file's stubs.

Each notebook: an introduction in our own words (what to build, the shapes to expect, the book section),
one setup cell with the imports, one graded cell per task (marked in cell metadata), a scratch cell,
and a final cell that grades the notebook's own functions in place. Cell ids are derived from the
assignment and the task, so releasing twice writes the same bytes. Every text is English source text passed
through a grader.release_text.ReleaseText, so `release --lang zh` writes the same notebooks in Chinese (the code,
the cell ids and the metadata unchanged; the check cell asks for Chinese feedback).
"""
import ast
import importlib.util
import math
from pathlib import Path

import nbformat
from nbformat import v4

from grader import spec
from grader.release_text import ReleaseText, stub_source

METADATA_KEY = "d2l_grader"
INPUT = (1, 1, 224, 224)  # one Fashion-MNIST image, upsampled as the book does
CHECK_COMMENT = ("Grades the functions defined in this notebook, as they are now, and prints your points.\n"
                 "After changing a function, run its cell again, then this one.")
CHECK_CODE = "from grader.notebook_check import check\ncheck(globals(), {assignment!r}{language})"
SHAPES_CAPTION = "Shapes to expect after each top-level layer of `{builder}()` for one image `{input}`:"
SHAPES_HEADER = "| layer | output shape |"
BLOCK_LABEL = "{block} ({count} layers)"
HOW_TO_WORK = ("**How to work.** Replace each `raise NotImplementedError` in the cells tagged *graded* with your "
               "code, keeping the function names and signatures ({points} points in all), and build the networks "
               "with `torch.nn` only (`d2l` may not be installed where your work is graded). Run the last cell to "
               "see your points: it prints the same table as `pytest`. When this notebook is graded as a file, "
               "only its definitions are read (imports, `def`, `class`, constants); top-level code such as "
               "training runs, plots and prints is never executed.")
TASK_HEADING = "## Task: `{task}` ({points} points)"
SCRATCH_COMMENT = "Try your functions here (not graded), for example:"
CHECK_HEADING = "## Check your work\n\nRun this cell after running the cells above."


def _assignment(module):
    return next(a for a in spec.assignments() if a.module == module)


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


def _shape_table(path, assignment, text, where):
    """Markdown table of the reference network's output shape after each top-level layer."""
    traced = _assignment(assignment).notebook.traced
    if not traced:
        return ""
    import torch
    builder, kwargs, block = traced
    with torch.device("meta"):  # no memory, no initialisation cost: only the layers' hyper-parameters are read
        net = getattr(_load_solution(path), builder)(**kwargs)
    shape, rows = INPUT, []
    for layer in net:
        shape = _output_shape(layer, shape)
        name = type(layer).__name__
        label = text.format(BLOCK_LABEL, where, "shape table: a block's row", block=block, count=len(layer)) \
            if name == "Sequential" else name
        rows.append(f"| {label} | `{shape}` |")
    caption = text.format(SHAPES_CAPTION, where, "shape table: caption", builder=builder, input=INPUT)
    header = text(SHAPES_HEADER, where, "shape table: header row (keep the two columns)")
    return f"\n\n{caption}\n\n{header}\n|---|---|\n" + "\n".join(rows)


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


def build_notebook(path, assignment, text=None):
    """The released notebook for `solutions/<assignment>.py` at `path` (an nbformat NotebookNode), its text in
    `text`'s language (a grader.release_text.ReleaseText; default English)."""
    path = Path(path)
    text = text or ReleaseText()
    where = f"notebooks/{assignment}.ipynb"
    declared = _assignment(assignment)
    tasks = {task.name: task for task in declared.tasks}
    title = text(declared.notebook.title, where, "title (the Notebook declaration in grader/catalog/)")
    section = text(declared.notebook.section, where, "the book's section, after the title")
    prose = "\n\n".join(text(paragraph, where, "introduction (the Notebook declaration in grader/catalog/)")
                         for paragraph in declared.notebook.intro.split("\n\n"))
    points = sum(task.points for task in tasks.values())
    how = text.format(HOW_TO_WORK, where, "introduction: how to work", points=points)
    intro = f"# {title} — d2l-zh v2 {section}\n\n{prose}{_shape_table(path, assignment, text, where)}\n\n{how}"
    cells = [v4.new_markdown_cell(intro, id=f"{assignment}-intro")]
    stubs = stub_source(path, text, where, module_docstring=False)
    for number, (task, code) in enumerate(_segments(stubs, tasks), start=1):
        if task is None:
            role = "setup" if number == 1 else "helper"
            cells.append(v4.new_code_cell(code, id=f"{assignment}-{role}-{number}",
                                          metadata={METADATA_KEY: {"role": role}}))
            continue
        cells.append(v4.new_markdown_cell(text.format(TASK_HEADING, where, "heading of a graded cell", task=task,
                                                      points=tasks[task].points), id=f"{assignment}-about-{task}"))
        cells.append(v4.new_code_cell(code, id=f"{assignment}-task-{task}", metadata={
            METADATA_KEY: {"role": "graded", "task": task, "points": tasks[task].points}, "tags": ["graded"]}))
    scratch = text(SCRATCH_COMMENT, where, "the scratch cell's first comment")
    cells.append(v4.new_code_cell(f"# {scratch}\n{declared.notebook.scratch}",
                                  id=f"{assignment}-scratch", metadata={METADATA_KEY: {"role": "scratch"}}))
    cells.append(v4.new_markdown_cell(text(CHECK_HEADING, where, "the cell above the check cell"),
                                      id=f"{assignment}-about-check"))
    comment = "".join(f"# {line}\n" for line in text(CHECK_COMMENT, where, "the check cell's comment").split("\n"))
    language = "" if text.language == "en" else f", lang={text.language!r}"  # the check cell's feedback language
    cells.append(v4.new_code_cell(comment + CHECK_CODE.format(assignment=assignment, language=language),
                                  id=f"{assignment}-check", metadata={METADATA_KEY: {"role": "check"}}))
    notebook = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        METADATA_KEY: {"assignment": assignment, "generated_from": f"solutions/{path.name}", "points": points}})
    nbformat.validate(notebook)
    return notebook


def notebook_text(notebook):
    text = nbformat.writes(notebook, version=4)
    return text if text.endswith("\n") else text + "\n"


def planned_notebooks(solutions="solutions", text=None):
    """Release output for notebooks: {"notebooks/<assignment>.ipynb": file text} for each assignment solution,
    in `text`'s language (default English)."""
    files = {}
    for declared in spec.assignments():
        path = Path(solutions) / f"{declared.module}.py"
        if declared.notebook and path.exists():
            files[f"notebooks/{declared.module}.ipynb"] = notebook_text(build_notebook(path, declared.module, text))
    return files
