"""The released notebooks: valid nbformat, graded cells marked, untouched scores zero, filled with the reference
scores full marks — graded as a submission folder, and by its own check cell run headless as a student would."""
import ast
import json
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from torch import nn

from grader.grade import grade
from grader.report.table import render
from grader import spec
from grader.submission.inprocess import InProcessSubmission
from tests.notebooks.notebook_factory import RELEASED, ROOT, SOLUTIONS, filled_release

ASSIGNMENT_TASKS = {m: [t for t in spec.tasks() if t.module == m] for m in spec.modules()}


def cells_by_role(notebook, role):
    return [cell for cell in notebook.cells if cell.metadata.get("d2l_grader", {}).get("role") == role]


@pytest.mark.parametrize("assignment", spec.modules())
def test_released_notebook_validates_and_marks_its_graded_cells(assignment):
    notebook = nbformat.read(RELEASED / f"{assignment}.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) >= (4, 5)
    assert len({cell.id for cell in notebook.cells}) == len(notebook.cells)
    assert all(cell.id.startswith(f"{assignment}-") for cell in notebook.cells)
    graded = cells_by_role(notebook, "graded")
    tasks = ASSIGNMENT_TASKS[assignment]
    assert [(c.metadata.d2l_grader.task, c.metadata.d2l_grader.points) for c in graded] == \
        [(t.name, t.points) for t in tasks]
    solution = {n.name: n for n in ast.parse((SOLUTIONS / f"{assignment}.py").read_text()).body
                if isinstance(n, ast.FunctionDef)}
    for cell in graded:
        [stub] = ast.parse(cell.source).body
        reference = solution[cell.metadata.d2l_grader.task]
        assert ast.dump(stub.args) == ast.dump(reference.args)
        assert ast.get_docstring(stub) == ast.get_docstring(reference)
        assert cell.source.endswith("    # your code here\n    raise NotImplementedError")
    assert notebook.cells[-1].metadata.d2l_grader.role == "check"
    assert notebook.cells[-1].source.endswith(f"check(globals(), {assignment!r})")
    intro = notebook.cells[0].source
    assert notebook.cells[0].cell_type == "markdown" and re.search(r"d2l-zh v2 §[67]\.\d", intro)


def test_the_shapes_in_each_introduction_are_the_reference_networks_shapes():
    # independent source: the reference builders run forward on real tensors through the reference trace_shapes
    from solutions.alexnet import alexnet
    from solutions.counting import trace_shapes
    from solutions.nin import nin
    for assignment, build in (("alexnet", alexnet), ("nin", nin)):
        intro = nbformat.read(RELEASED / f"{assignment}.ipynb", as_version=4).cells[0].source
        table = [tuple(json.loads(shape.replace("(", "[").replace(")", "]").replace(",]", "]")))
                 for shape in re.findall(r"^\| .+ \| `(\(.*\))` \|$", intro, re.M)]
        assert table == [shape for _, shape in trace_shapes(build().eval(), (1, 1, 224, 224))]


def test_untouched_notebooks_score_zero_with_not_implemented_lines(tmp_path):
    for assignment in spec.modules():
        shutil.copy(RELEASED / f"{assignment}.ipynb", tmp_path)
    submission = InProcessSubmission(tmp_path)
    report = grade(submission)
    assert report.score == 0 and report.max_score == sum(t.points for t in spec.tasks())
    assert {t.status.value for t in report.tasks} == {"not_implemented"}
    assert render(report).count("not implemented yet") == len(spec.tasks())
    assert submission.notes() == [] and submission.problems() == {}


# each released notebook is graded in full once: alexnet and nin here, counting through `pytest --submission`,
# vgg by its own check cell (grading costs seconds per task)
@pytest.mark.parametrize("assignment", ["alexnet", "nin"])
def test_a_notebook_filled_with_the_reference_scores_full_marks(tmp_path, assignment):
    filled_release(assignment, tmp_path)
    report = grade(InProcessSubmission(tmp_path), tasks=ASSIGNMENT_TASKS[assignment])
    assert report.score == report.max_score == sum(t.points for t in ASSIGNMENT_TASKS[assignment]), render(report)


def test_pytest_submission_grades_a_folder_holding_a_filled_notebook(tmp_path):
    filled_release("counting", tmp_path)
    tasks = ASSIGNMENT_TASKS["counting"]
    run = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "test_assignments.py"), "--submission",
                          str(tmp_path), "--no-train", "-q", "-k", " or ".join(t.name for t in tasks)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(tasks)} passed" in run.stdout
    rows = [line.split() for line in run.stdout.splitlines() if line.split()[:1] in ([t.name] for t in tasks)]
    assert rows == [[t.name, f"{t.points}/{t.points}", "passed"] for t in tasks]


def test_the_check_cell_run_headless_prints_full_marks(tmp_path, monkeypatch):
    """vgg.ipynb filled with the reference, executed top to bottom in a fresh kernel of this Python."""
    nbclient = pytest.importorskip("nbclient", reason="test-only dependency: pip install -e '.[dev]'")
    pytest.importorskip("ipykernel", reason="test-only dependency: pip install -e '.[dev]'")
    # a kernel spec of our own, so a user-wide "python3" kernel of another Python cannot answer instead
    spec = tmp_path / "jupyter" / "kernels" / "d2l-grader-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f",
                                                           "{connection_file}"], "display_name": "kit", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    notebook = nbformat.read(filled_release("vgg", tmp_path), as_version=4)
    nbclient.NotebookClient(notebook, kernel_name="d2l-grader-test", timeout=300,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(out.get("text", "") for out in notebook.cells[-1].outputs if out.output_type == "stream")
    lines = printed.splitlines()
    assert lines[0].split() == ["task", "points", "status"]
    assert [line.split() for line in lines if line.startswith("vgg")] == [["vgg_block", "10/10", "passed"],
                                                                            ["vgg", "10/10", "passed"]]
    assert [line.split() for line in lines if line.startswith("total")] == [["total", "20/20"]]
    assert "not graded: train_vgg (training runs under pytest" in printed  # said in the cell, as in pytest


def test_the_filled_reference_functions_are_the_ones_graded(tmp_path):
    from grader.submission.loader import load_package
    for assignment in spec.modules():
        filled_release(assignment, tmp_path)
    package = load_package(tmp_path)
    for task in spec.tasks():
        function = package.find_function(task.name)
        assert function.__module__ == f"assignments.{task.module}"
    assert isinstance(package.find_function("nin")(), nn.Sequential)
