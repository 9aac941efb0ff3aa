"""Release: committed assignments/ equals what `python -m grader release` writes; idempotent; bad markers named."""
import ast
import shutil
from pathlib import Path

import pytest

from grader.cli import main
from grader.markers import MarkerError, strip_solutions
from grader.release import planned_files, stale_files, write_release

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def planned():
    return planned_files(ROOT / "solutions")


def test_committed_assignments_are_what_release_generates(planned):
    stale = stale_files(ROOT / "solutions", ROOT / "assignments", planned)
    assert stale == [], f"out of date: {stale}; run `python -m grader release` and commit assignments/"
    released = {str(p.relative_to(ROOT / "assignments")) for p in (ROOT / "assignments").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}
    assert released == set(planned), "assignments/ holds files release does not write (or lacks some)"
    assert {name for name in planned if name.startswith("notebooks/")} == {
        "notebooks/alexnet.ipynb", "notebooks/vgg.ipynb", "notebooks/nin.ipynb", "notebooks/counting.ipynb"}


def test_release_is_idempotent_and_deterministic(tmp_path, planned):
    out = tmp_path / "assignments"
    assert sorted(write_release(ROOT / "solutions", out)) == sorted(planned)
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert write_release(ROOT / "solutions", out) == []  # a second run changes nothing
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == first
    assert planned_files(ROOT / "solutions") == planned  # cell ids and metadata are derived, never random


def test_stubs_keep_each_signature_and_docstring_and_raise_not_implemented():
    for solution in sorted((ROOT / "solutions").glob("[!_]*.py")):
        stub_tree = ast.parse(strip_solutions(solution.read_text(encoding="utf-8"), str(solution)))
        stubs = {n.name: n for n in stub_tree.body if isinstance(n, ast.FunctionDef)}
        for node in ast.parse(solution.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                stub = stubs[node.name]
                assert ast.dump(stub.args) == ast.dump(node.args)
                assert ast.get_docstring(stub) == ast.get_docstring(node)
                assert ast.unparse(stub.body[1:]) == "raise NotImplementedError"


@pytest.mark.parametrize("body, line, message", [
    ("    ### BEGIN SOLUTION\n    return 1\n", 5, "### BEGIN SOLUTION is never closed by ### END SOLUTION"),
    ("    return 1\n    ### END SOLUTION\n", 6, "### END SOLUTION without a matching ### BEGIN SOLUTION"),
    ("    ### BEGIN SOLUTION\n    x = 1\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
     "    ### END SOLUTION\n", 7, "### BEGIN SOLUTION inside the region opened at line 5 (markers cannot nest)"),
])
def test_unbalanced_or_nested_markers_name_file_and_line(tmp_path, capsys, body, line, message):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    shutil.copy(ROOT / "solutions" / "counting.py", solutions)
    bad = solutions / "nin.py"
    bad.write_text('"""NiN."""\n\n\ndef nin_block(in_channels, out_channels, kernel_size, strides, padding):\n' + body)
    with pytest.raises(MarkerError) as error:
        planned_files(solutions)
    assert str(error.value) == f"{bad}:{line}: {message}"
    out = tmp_path / "assignments"
    assert main(["release", "--solutions", str(solutions), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == f"release: {bad}:{line}: {message}"
    assert not out.exists()  # nothing half-written


def test_release_check_reports_stale_files_then_up_to_date(tmp_path, capsys):
    out = tmp_path / "assignments"
    args = ["release", "--solutions", str(ROOT / "solutions"), "--out", str(out)]
    write_release(ROOT / "solutions", out)
    (out / "notebooks" / "vgg.ipynb").write_text("{}")  # a hand edit
    assert main(args + ["--check"]) == 1
    assert f"out of date: {out / 'notebooks' / 'vgg.ipynb'}" in capsys.readouterr().out
    assert main(args) == 0 and main(args + ["--check"]) == 0
    assert capsys.readouterr().out.strip().endswith("up to date")
