"""One kit, five surfaces: the student's `pytest`, `grader grade`, `grader autograde` on cloned Classroom
repositories, the Gradescope bundle's run_autograder and the Classroom workflow's steps give the same points,
verdicts and feedback for the same work — the reference, a mutant, and an upload holding no code at all.
(Training off throughout; each surface runs its real entry point, the Gradescope and Classroom ones as scripts.)"""
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from grader.autograde import run as autograde_command
from grader.cli import build_parser
from grader.grade import grade_path
from grader.gradebook import read_gradebook
from grader.report.gradescope import task_output
from grader import spec
from grader.submission.loader import SubmissionNotFound
from tests.platforms.conftest import RUN_TIMEOUT, bare_env
from tests.platforms.git_repos import commit, git

NAMES = ("reference", "mutant", "unreadable")
ROW = re.compile(r"^(\w+)\s+([\d.]+)/(\d+)\s+(\S.*)$")
NO_CODE = "holds no .py or .ipynb file"


def _start_student_pytest(template, assignments, workdir):
    """Start `pytest --no-train` in the student's repository (it runs while the other surfaces grade); -> a
    function that waits for it and returns task -> (points, passed?, failure message)."""
    repo = workdir / "repo"
    shutil.copytree(template, repo)
    shutil.rmtree(repo / "assignments")
    shutil.copytree(assignments, repo / "assignments")
    run = subprocess.Popen([sys.executable, "-m", "pytest", "--no-train", "--junitxml", str(workdir / "junit.xml")],
                           cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=bare_env(PYTHONPATH=str(repo / "kit")))  # the kit as `pip install ./kit` puts it

    def outcomes():
        stdout, _ = run.communicate(timeout=RUN_TIMEOUT)
        table = {m.group(1): float(m.group(2)) for m in map(ROW.match, stdout.splitlines()) if m}
        seen = {}
        for case in ElementTree.parse(workdir / "junit.xml").iter("testcase"):
            task = re.search(r"\[(\w+)\]", case.get("name")).group(1)
            failure = case.find("failure")
            if case.find("skipped") is None:
                seen[task] = (table[task], failure is None, "" if failure is None else failure.get("message", ""))
        return seen
    return outcomes


def _classroom_repos(template, submissions, root):
    """What `gh classroom clone student-repos` gives: one repository per student, made from the template, with
    the student's assignments/ committed before the deadline."""
    for name in NAMES:
        repo = root / name
        shutil.copytree(template, repo)
        shutil.rmtree(repo / "assignments")
        shutil.copytree(submissions[name], repo / "assignments")
        git(repo, "init", "-q", "-b", "main")
        commit(repo, "2026-11-20T12:00:00+00:00", message="my work")
    return root


@pytest.fixture(scope="module")
def surfaces(submissions, classroom_template, classroom_runs, run_upload, tmp_path_factory):
    """name -> surface -> task -> (points, passed?, feedback text as that surface shows it)."""
    student_runs = {name: _start_student_pytest(classroom_template, submissions[name],
                                                tmp_path_factory.mktemp(f"pytest-{name}")) for name in NAMES}
    out = tmp_path_factory.mktemp("autograde")
    repos = _classroom_repos(classroom_template, submissions, tmp_path_factory.mktemp("student-repos"))
    # the README's command: the clones graded at their last commit before the deadline
    assert autograde_command(build_parser().parse_args(["autograde", str(repos), "--out", str(out), "--workers", "2",
                                                         "--no-train", "--before", "2026-11-21"])) == 0
    autograded = {row["name"]: report for row, report in read_gradebook(out / "gradebook.sqlite")}
    seen = {}
    for name in NAMES:
        try:
            graded = {t.name: (t.score, t.passed, task_output(t)) for t in grade_path(submissions[name]).tasks}
        except SubmissionNotFound as error:  # `grader grade` refuses it with the reason, exit code 2
            graded = {task.name: (0, False, str(error)) for task in spec.tasks()}
        gradescope = {test["name"]: (test["score"], test["status"] == "passed", test["output"])
                      for test in run_upload(submissions[name])[0]["tests"]}
        classroom = {step: (result["tests"][0]["score"], result["status"] == "pass", result["tests"][0]["message"])
                     for step, (result, _) in classroom_runs(name).items()}
        seen[name] = {"pytest": student_runs[name](), "grade": graded,
                      "autograde": {t.name: (t.score, t.passed, task_output(t)) for t in autograded[name].tasks},
                      "gradescope": gradescope, "classroom": classroom}
    return seen


@pytest.mark.parametrize("name", NAMES)
def test_points_and_verdicts_agree_on_every_surface(surfaces, name):
    for surface, tasks in surfaces[name].items():
        assert list(tasks) == [task.name for task in spec.tasks()], surface
    points = {surface: {task: round(score, 2) for task, (score, _, _) in tasks.items()}
              for surface, tasks in surfaces[name].items()}
    verdicts = {surface: {task: passed for task, (_, passed, _) in tasks.items()}
                for surface, tasks in surfaces[name].items()}
    assert all(table == points["grade"] for table in points.values()), points
    assert all(table == verdicts["grade"] for table in verdicts.values()), verdicts
    expected_total = {"reference": sum(t.points for t in spec.tasks()), "unreadable": 0}.get(name)
    if expected_total is not None:
        assert sum(points["grade"].values()) == expected_total
    else:
        assert 0 < sum(points["grade"].values()) < sum(t.points for t in spec.tasks())


def test_feedback_agrees_on_every_surface(surfaces):
    mutant = surfaces["mutant"]
    for task, (_, passed, text) in mutant["grade"].items():
        if passed:
            continue
        assert text and all(mutant[s][task][2] == text for s in ("autograde", "gradescope", "classroom"))
        feedback = text.split("] ", 1)[1].split("\n\nSmallest failing example")[0]  # pytest shows it as it is
        assert feedback in mutant["pytest"][task][2]


def test_an_upload_without_code_says_so_on_every_surface_but_the_students_own_pytest(surfaces):
    # pytest grades the folder the student works in: its functions are missing, which it says task by task
    for surface, tasks in surfaces["unreadable"].items():
        if surface != "pytest":
            assert all(NO_CODE in text and "answers.pdf" in text for _, _, text in tasks.values()), surface
