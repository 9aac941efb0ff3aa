"""The GitHub Classroom template: its workflow parses as YAML, every step names a real action or a real command,
one test per task with its points, and each test step's command, run here as the runner runs it (the shared venv
standing in for the install step), passes on the reference and fails the right tasks of a mutant."""
import shlex
import subprocess
import sys

import pytest
import yaml

from grader.bundle.classroom import write_classroom_template
from grader.bundle.kit import BundleError
from grader.cli import main as cli
from grader import spec
from tests.mutants import declared
from tests.platforms.conftest import MUTANT, bare_env, workflow_test_steps

# the actions the workflow may use, at the major versions their documentation names (checkout, setup-python, cache:
# github.com/actions; the reporter: classroom-resources/autograding-grading-reporter)
KNOWN_ACTIONS = {"actions/checkout@v4", "actions/setup-python@v5", "actions/cache@v4",
                 "classroom-resources/autograding-grading-reporter@v1"}


def _workflow(template):
    return yaml.safe_load((template / ".github/workflows/classroom.yml").read_text())


def _check_command(template, command):
    """A `run:` line names a real command: `python -m MODULE ...` whose module the kit holds and whose arguments
    its own parser accepts, or pip installing files the template holds."""
    words = shlex.split(command)
    assert words[:2] == ["python", "-m"], command
    module = words[2]
    if module == "pip":
        requirements = template / words[words.index("-r") + 1]
        for line in requirements.read_text().split():
            assert "==" in line or (template / line / "pyproject.toml").is_file(), line  # pinned, or the kit here
        return
    assert (template / "kit" / (module.replace(".", "/") + ".py")).is_file(), module
    check = subprocess.run([sys.executable, "-m", module, *words[3:], "--help"], cwd=template, capture_output=True,
                           text=True, env=bare_env(PYTHONPATH=str(template / "kit")))
    assert check.returncode == 0, f"{command}\n{check.stderr}"


@pytest.mark.parametrize("train", [False, True], ids=["no-train", "train"])
def test_the_workflow_is_yaml_with_one_real_test_per_task(tmp_path, train):
    template = tmp_path / "template"
    assert cli(["bundle", "classroom", str(template)] + ([] if train else ["--no-train"])) == 0
    workflow = _workflow(template)
    # the reporter reports to Classroom only under these names (its README)
    assert workflow["name"] == "Autograding Tests" and list(workflow["jobs"]) == ["run-autograding-tests"]
    assert "push" in workflow["on"]
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    for step in steps:
        assert ("uses" in step) != ("run" in step), step
        if "uses" in step:
            assert step["uses"] in KNOWN_ACTIONS, step["uses"]
        else:
            _check_command(template, step["run"])
    tasks = spec.all_tasks() if train else spec.tasks()
    tests = workflow_test_steps(workflow)
    assert [step["id"] for step in tests] == [task.name for task in tasks]
    assert [step["name"] for step in tests] == [f"{task.name} ({task.points} points)" for task in tasks]
    reporter = steps[-1]
    assert reporter["with"]["runners"].split(",") == [task.name for task in tasks]
    assert reporter["env"] == {f"{t.name.upper()}_RESULTS": f"${{{{ steps.{t.name}.outputs.result }}}}" for t in tasks}
    assert any("grader.bundle.data" in step.get("run", "") for step in steps) == train  # data only when training
    assert (template / "assignments" / "vgg.py").is_file() and (template / "assignments/notebooks/vgg.ipynb").is_file()
    readme = (template / "README.md").read_text()
    assert "feedback, not your grade" in readme and f"| total | | {sum(t.points for t in tasks)} |" in readme


def test_the_reference_passes_every_step_and_scores_the_kit_total(classroom_runs):
    results = classroom_runs("reference")
    assert {result["status"] for result, _ in results.values()} == {"pass"}
    assert sum(result["tests"][0]["score"] for result, _ in results.values()) == sum(t.points for t in spec.tasks())
    assert all(result["max_score"] == task.points for (result, _), task in zip(results.values(), spec.tasks()))


def test_a_mutant_fails_its_step_only_with_partial_credit_and_the_named_mistake(classroom_runs):
    results = classroom_runs("mutant")
    task, expect = declared(MUTANT)
    assert [step for step, (result, _) in results.items() if result["status"] == "fail"] == [task]
    result, log = results[task]
    assert 0 < result["tests"][0]["score"] < result["max_score"]  # the dashboard keeps partial credit
    assert expect in result["tests"][0]["message"] and expect in log


def test_an_existing_folder_is_never_overwritten_without_force(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.md").write_text("keep me")
    with pytest.raises(BundleError, match="not an empty folder"):
        write_classroom_template(tmp_path / "mine", train=False)
    write_classroom_template(tmp_path / "mine", train=False, force=True)
    assert (tmp_path / "mine" / "notes.md").read_text() == "keep me" and (tmp_path / "mine" / "README.md").is_file()
