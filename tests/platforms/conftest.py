"""Shared, session-wide: one Gradescope root (bundle built, setup.sh run) and one Classroom template, each graded on
the same submissions — the reference, a mutant, an unreadable one — so the per-platform tests and the
three-surfaces test pay for each grading once. Training is off throughout (`--no-train`) to keep them cheap."""
import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.bundle.classroom import write_classroom_template
from grader.bundle.gradescope import build_gradescope_zip, unpack
from tests.mutants import MUTANTS, reference_copy, splice

MUTANT = next(p for p in MUTANTS if p.stem == "count_params__frozen")  # partial credit: 1 of 3 stage weights
RUN_TIMEOUT = 600


def bare_env(**extra):
    """The environment a platform gives its scripts: no PYTHONPATH (the bundled kit is what runs), this Python first
    on PATH as `python` (the shared venv stands in for the installed dependencies)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "/usr/bin:/bin")])
    return {**env, **extra}


@pytest.fixture(scope="session")
def submissions(tmp_path_factory):
    root = tmp_path_factory.mktemp("submissions")
    unreadable = root / "unreadable"
    unreadable.mkdir()
    (unreadable / "answers.pdf").write_bytes(b"%PDF-1.4 my answers\n")  # no code at all: nothing can be graded
    (unreadable / "README.txt").write_text("My answers are in the PDF.\n")
    return {"reference": reference_copy(root / "reference"), "mutant": splice(MUTANT, root / "mutant"),
            "unreadable": unreadable}


@pytest.fixture(scope="session")
def gradescope_root(tmp_path_factory):
    """A Gradescope root whose setup.sh ran (its install step replaced by this Python's installed dependencies)."""
    scratch = tmp_path_factory.mktemp("gradescope")
    zip_path = build_gradescope_zip(scratch / "autograder.zip", train=False).path
    root = unpack(zip_path, scratch / "autograder")
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], capture_output=True, text=True,
                           timeout=RUN_TIMEOUT, env=bare_env(AUTOGRADER_ROOT=str(root), D2L_GRADER_PYTHON=sys.executable,
                                                             D2L_GRADER_SELF_CHECK="0"))  # the reference is graded next
    assert setup.returncode == 0, setup.stdout + setup.stderr
    return root, setup


@pytest.fixture(scope="session")
def run_upload(gradescope_root):
    """upload(files: a folder or file paths) -> (results.json as data, run_autograder's stdout); cached per upload."""
    root, _ = gradescope_root
    done = {}

    def upload(*paths):
        key = tuple(str(p) for p in paths)
        if key not in done:
            for folder in ("submission", "results"):
                shutil.rmtree(root / folder)
                (root / folder).mkdir()
            for path in paths:  # Gradescope puts the uploaded files (a zip stays a zip) in submission/
                if Path(path).is_dir():
                    shutil.copytree(path, root / "submission", dirs_exist_ok=True)
                else:
                    shutil.copy(path, root / "submission")
            run = subprocess.run([str(root / "run_autograder")], capture_output=True, text=True, timeout=RUN_TIMEOUT,
                                 cwd=root, env=bare_env(AUTOGRADER_ROOT=str(root)))
            assert run.returncode == 0, run.stdout + run.stderr
            done[key] = json.loads((root / "results" / "results.json").read_text()), run.stdout
        return done[key]
    return upload


@pytest.fixture(scope="session")
def classroom_template(tmp_path_factory):
    out = tmp_path_factory.mktemp("classroom") / "template"
    write_classroom_template(out, train=False)
    return out


def step_results(template, assignments, steps, workdir):
    """Run each test step's `run` command as the runner would, in a copy of `template` whose assignments/ holds
    `assignments`' files; -> step id -> (the reporter's decoded runner result, the step's log)."""
    repo = workdir / "repo"
    shutil.copytree(template, repo)
    shutil.rmtree(repo / "assignments")
    shutil.copytree(assignments, repo / "assignments")
    results = {}
    for step in steps:
        output = workdir / f"{step['id']}.out"
        output.write_text("")
        run = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, capture_output=True, text=True,
                             timeout=RUN_TIMEOUT, env=bare_env(GITHUB_OUTPUT=str(output),
                                                               PYTHONPATH=str(repo / "kit")))
        assert run.returncode == 0, f"{step['run']}\n{run.stdout}{run.stderr}"
        lines = dict(line.split("=", 1) for line in output.read_text().splitlines())
        results[step["id"]] = json.loads(base64.b64decode(lines["result"])), run.stdout
    return results


def workflow_test_steps(workflow_data):
    """The workflow's test steps: one per task, each with an id the reporter reads."""
    return [step for step in workflow_data["jobs"]["run-autograding-tests"]["steps"] if "id" in step]


@pytest.fixture(scope="session")
def classroom_runs(classroom_template, submissions, tmp_path_factory):
    """submission name -> step id -> (runner result, log), for the reference, the mutant and the unreadable one."""
    import yaml
    workflow_data = yaml.safe_load((classroom_template / ".github/workflows/classroom.yml").read_text())
    done = {}

    def runs(name):
        if name not in done:
            done[name] = step_results(classroom_template, submissions[name], workflow_test_steps(workflow_data),
                                      tmp_path_factory.mktemp(f"classroom-{name}"))
        return done[name]
    return runs

