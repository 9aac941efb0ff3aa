"""`python -m grader bundle classroom OUT_DIR`: the template repository of a GitHub Classroom assignment.

It holds what students work on (the released skeletons and notebooks), their `pytest` set-up (test_assignments.py,
pytest.ini, the kit in kit/ and pinned requirements), a README for students and .github/workflows/classroom.yml:
one test per task with its points, reported with GitHub Classroom's own reporter so the Classroom dashboard shows
the kit's points table. The workflow runs in the student's repository, so it is feedback; the grade comes from
`python -m grader autograde` on the cloned repositories (grader.repos).
"""
from pathlib import Path

from grader.bundle.classroom_text import STUDENT_README, student_readme
from grader.bundle.kit import KIT_ROOT, TORCH_CPU_INDEX, BundleError, Written, kit_files, pinned_requirements
from grader.bundle.yaml_text import dump
from grader.i18n import check_language
from grader.release import planned_files
from grader import spec

WORKFLOW = ".github/workflows/classroom.yml"
DATA = ".grading/fashion-mnist"
PYTHON_VERSION = "3.11"          # the version the kit's own tests run on
JOB_TIMEOUT_MIN = 30             # a whole grading on a 2-4 core runner, training included, takes a few minutes
# the steps' actions, each pinned to the major version its documentation names
CHECKOUT, SETUP_PYTHON, CACHE = "actions/checkout@v4", "actions/setup-python@v5", "actions/cache@v4"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
INSTALL = (f"python -m pip install --index-url {TORCH_CPU_INDEX} --extra-index-url https://pypi.org/simple "
           f"-r requirements.txt")
PYTEST_INI = """[pytest]
# `pytest` grades assignments/ with the kit's plugin (installed from kit/): one test per task, a points table
testpaths = test_assignments.py
addopts = -p no:cacheprovider
filterwarnings = ignore::DeprecationWarning:torch.*
"""
GITIGNORE = ".venv/\n__pycache__/\n.grading/\n.ipynb_checkpoints/\n"


def graded_tasks(train):
    return spec.tasks() + (spec.training_tasks() if train else ())


def step_command(task, train, language="en"):
    return (f"python -m grader.bundle.classroom_step {task.name} " + ("--profile cpu" if train else "--no-train")
            + f" --lang {language}")  # explicit: the runner's locale must not choose the students' language


def workflow(train=True, language="en"):
    """The workflow as plain data. GitHub Classroom's reporter needs the name `Autograding Tests` and one job named
    `run-autograding-tests` (classroom-resources/autograding-grading-reporter README)."""
    tasks = graded_tasks(train)
    steps = [{"name": "Checkout code", "uses": CHECKOUT},
             {"name": "Set up Python", "uses": SETUP_PYTHON, "with": {"python-version": PYTHON_VERSION}},
             {"name": "Install the grading kit (CPU wheels)", "run": INSTALL}]
    if train:
        steps += [{"name": "Cache Fashion-MNIST", "uses": CACHE, "with": {"path": DATA, "key": "fashion-mnist-v1"}},
                  {"name": "Fetch Fashion-MNIST", "run": f"python -m grader.bundle.data {DATA}"}]
    # one step per task, named and scored as in the kit's points table; `if: always()`: a failed step never hides
    # the tasks after it
    steps += [{"name": f"{task.name} ({task.points} points)", "id": task.name, "if": "always()",
               "run": step_command(task, train, language)} for task in tasks]
    steps.append({"name": "Autograding Reporter", "if": "always()", "uses": REPORTER,
                  "env": {f"{task.name.upper()}_RESULTS": f"${{{{ steps.{task.name}.outputs.result }}}}"
                          for task in tasks},
                  "with": {"runners": ",".join(task.name for task in tasks)}})
    job = {"runs-on": "ubuntu-latest", "if": "github.actor != 'github-classroom[bot]'",
           "timeout-minutes": JOB_TIMEOUT_MIN, "env": {"FASHION_MNIST": "${{ github.workspace }}/" + DATA},
           "steps": steps}
    return {"name": "Autograding Tests", "on": ["push", "workflow_dispatch", "repository_dispatch"],
            "permissions": {"checks": "write", "actions": "read", "contents": "read"},
            "jobs": {"run-autograding-tests": job}}


def template_files(train=True, language="en"):
    """relative path -> text or bytes of every file of the template repository."""
    # the skeletons in the students' language (assignments_zh/'s text for zh), under the assignments/ students grade
    files = {f"assignments/{name}": text
             for name, text in planned_files(KIT_ROOT / "solutions", language=language).items()}
    files.update({f"kit/{name}": data for name, data in kit_files().items()})
    files["test_assignments.py"] = (KIT_ROOT / "test_assignments.py").read_text(encoding="utf-8")
    files["pytest.ini"] = PYTEST_INI
    files["requirements.txt"] = "\n".join(pinned_requirements() + ["./kit"]) + "\n"
    files[".gitignore"] = GITIGNORE
    files[STUDENT_README] = student_readme(graded_tasks(train), train)
    files[WORKFLOW] = dump(workflow(train, language), header="Written by `python -m grader bundle classroom`: feedback on every "
                           "push, one test per task.\nThe grade comes from the instructor's `python -m grader "
                           "autograde` on the cloned repositories.")
    return files


def write_classroom_template(out, train=True, force=False, language="en"):
    """Write the template into the folder `out` (new or empty; `force` overwrites the template's own files only)."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not force)):
        raise BundleError(f"{out} exists and is not an empty folder; pass a new folder (or --force to overwrite the "
                          f"template's files in it, leaving other files alone)")
    files = template_files(train, check_language(language))
    for name, data in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data) if isinstance(data, bytes) else target.write_text(data, encoding="utf-8")
    total = sum(task.points for task in graded_tasks(train))
    return Written(out, f"wrote the template repository {out} ({len(files)} files; {len(graded_tasks(train))} "
                        f"tests, {total} points). Push it to GitHub, mark it a template repository and pick it as "
                        f"the starter code of a GitHub Classroom assignment.")
