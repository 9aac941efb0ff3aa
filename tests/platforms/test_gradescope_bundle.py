"""The Gradescope bundle end to end: build the zip, lay it out as Gradescope does, run setup.sh (install step
replaced by the installed dependencies) and run_autograder on real uploads; every results.json must satisfy a
schema written from Gradescope's specification, and give the grade `python -m grader grade` gives."""
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import pytest
from nbformat import v4

from grader.bundle.gradescope import build_gradescope_zip
from grader.bundle.kit import BundleError
from grader.cli import main as cli
from grader import spec
from tests.mutants import SOLUTIONS, declared
from tests.platforms.conftest import MUTANT

SCHEMA = json.loads((Path(__file__).with_name("gradescope_results.schema.json")).read_text())
TOTAL = sum(task.points for task in spec.tasks())


def _valid(results):
    jsonschema.validate(results, SCHEMA)
    assert [test["name"] for test in results["tests"]] == [task.name for task in spec.tasks()]  # the kit's order
    assert [test["max_score"] for test in results["tests"]] == [task.points for task in spec.tasks()]
    assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))
    return {test["name"]: test for test in results["tests"]}


def test_the_zip_has_the_scripts_at_its_root_executable_and_the_kit(tmp_path, capsys):
    assert cli(["bundle", "gradescope", str(tmp_path / "autograder.zip")]) == 0
    printed = capsys.readouterr().out
    assert "CPUs:" in printed and "memory:" in printed and "timeout:" in printed  # what to enter in Gradescope
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        setup = archive.read("setup.sh").decode()
        requirements = archive.read("requirements.txt").decode().split()
        settings = json.loads(archive.read("bundle.json"))
    assert {"setup.sh", "run_autograder", "kit/grader/spec.py", "kit/solutions/vgg.py"} <= set(names)
    assert all(modes[name] & stat.S_IXUSR for name in ("setup.sh", "run_autograder"))
    assert not any("__pycache__" in name or name.startswith(("kit/tests", "kit/.git")) for name in names)
    # pinned CPU wheels, the data fetched at build time, training graded with the cpu profile
    assert "download.pytorch.org/whl/cpu" in setup and "grader.bundle.data" in setup
    assert any(line.startswith("torch==") for line in requirements) and all("==" in line for line in requirements)
    assert settings["total_points"] == TOTAL + 15 and settings["resources"]["cpus"] >= 1
    assert "--profile cpu" in zipfile.ZipFile(tmp_path / "autograder.zip").read("run_autograder").decode()


def test_bad_output_names_and_profiles_are_refused_with_the_reason(tmp_path):
    with pytest.raises(BundleError, match="should end in .zip"):
        build_gradescope_zip(tmp_path / "autograder.tar")
    with pytest.raises(BundleError, match="no GPU"):
        build_gradescope_zip(tmp_path / "autograder.zip", profile="gpu")
    assert not list(tmp_path.iterdir())


def test_setup_writes_what_run_autograder_reads_and_hands_the_kit_over(gradescope_root):
    root, _ = gradescope_root
    env = (root / "source" / "autograder.env").read_text()
    assert f'KIT="{root}/source/kit"' in env and f'PYTHON="{sys.executable}"' in env
    assert all(path.stat().st_uid != 0 and not path.stat().st_mode & 0o222
               for path in (root / "source" / "kit").rglob("*")) or os.geteuid() != 0


def test_the_self_check_fails_the_image_build_unless_the_reference_gets_full_marks(submissions, tmp_path):
    # setup.sh runs this on the bundled reference; here on an upload that cannot be graded (cheap): exit 1
    from grader.autograde.gradescope_run import main
    assert main([str(submissions["unreadable"]), str(tmp_path / "check.json"), "--no-train", "--self-check"]) == 1


def test_the_reference_gets_full_marks(run_upload, submissions):
    results, stdout = run_upload(submissions["reference"])  # its files, as uploaded: they land in submission/
    tests = _valid(results)
    assert results["score"] == TOTAL and {test["status"] for test in tests.values()} == {"passed"}
    assert "sandbox layers:" in stdout and results["stdout_visibility"] == "hidden"


def test_a_mutant_loses_its_task_with_the_named_mistake(run_upload, submissions):
    results, _ = run_upload(submissions["mutant"])
    tests = _valid(results)
    task, expect = declared(MUTANT)
    failed = [name for name, test in tests.items() if test["status"] == "failed"]
    assert failed == [task] and 0 < tests[task]["score"] < tests[task]["max_score"]  # partial credit kept
    assert expect in tests[task]["output"] and "Smallest failing example" in tests[task]["output"]


def test_a_zip_holding_a_folder_with_a_notebook_is_graded(run_upload, tmp_path):
    notebook = tmp_path / "vgg.ipynb"  # a d2l reader's notebook: magics, imports, the book's code, a demo cell
    nbformat.write(v4.new_notebook(cells=[
        v4.new_markdown_cell("# 使用块的网络（VGG）"), v4.new_code_cell("!pip install d2l==2.0.0"),
        v4.new_code_cell("import torch\nfrom torch import nn"), v4.new_code_cell((SOLUTIONS / "vgg.py").read_text()),
        v4.new_code_cell("net = vgg(((1, 64), (1, 128)))\nprint(net)")]), str(notebook))
    archive = tmp_path / "homework.zip"
    with zipfile.ZipFile(archive, "w") as zipped:  # a folder inside, as zips made by "compress" are
        zipped.writestr("homework/nin.py", (SOLUTIONS / "nin.py").read_text())
        zipped.write(notebook, "homework/vgg.ipynb")
    tests = _valid(run_upload(archive)[0])
    graded = {task.name: task.points for task in spec.tasks() if task.module in ("vgg", "nin")}  # the others are missing
    assert {name: test["score"] for name, test in tests.items() if test["status"] == "passed"} == graded
    assert all(test["score"] == 0 for name, test in tests.items() if name not in graded)


def test_an_unreadable_upload_gets_a_valid_results_json_saying_why(run_upload, submissions):
    results, _ = run_upload(submissions["unreadable"])
    tests = _valid(results)
    assert results["score"] == 0 and {test["status"] for test in tests.values()} == {"failed"}
    assert "holds no .py or .ipynb file" in results["output"] and "answers.pdf" in results["output"]
    assert all("not graded: submission holds no .py or .ipynb file" in test["output"] for test in tests.values())


PROBE = """
import sys
from grader.submission.sandbox import drop_capabilities
drop_capabilities()  # what the sandboxed worker does before any student code runs
for target in sys.argv[1:]:
    try:
        open(target, "a").close()
        print("wrote", target)
    except PermissionError:
        print("refused", target)
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="Gradescope runs the autograder as root; this checks that case")
def test_root_without_capabilities_cannot_touch_the_kit_or_the_results(gradescope_root, run_upload, submissions):
    # where namespaces and Landlock are refused (a container), this is what keeps student code from the grader
    root, _ = gradescope_root
    run_upload(submissions["reference"])  # run_autograder hands results/ over before grading
    (root / "results" / "results.json").unlink()  # while student code runs, the grader has not written it yet
    targets = [root / "source/kit/grader/spec.py", root / "source/kit/grader/checks/planted.py",
               root / "source/kit/solutions/vgg.py", root / "results/results.json"]
    probe = subprocess.run([sys.executable, "-c", PROBE, *map(str, targets)], capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(root / "source/kit")})
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split("\n")[:-1] == [f"refused {target}" for target in targets]
