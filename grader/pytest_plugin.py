"""pytest plugin: grade a submission as one test per task and end the run with a points table.

Registered through the `pytest11` entry point. Imports torch and the checks lazily, inside fixtures, so plain
`pytest --help` and unrelated test runs stay fast.
"""
import os
from pathlib import Path

import pytest

from grader.commands.options import language
from grader.i18n import N_, _, current_language, resolve_language, set_language

FRIENDLY = {"not_implemented": N_("not implemented yet")}


def pytest_addoption(parser):
    group = parser.getgroup("d2l-grader", "grading a d2l CNN submission")
    group.addoption("--submission", default=None, metavar="PATH",
                    help="folder (or single .py/.ipynb file) to grade (default: assignments/ under the rootdir)")
    group.addoption("--no-train", action="store_true", help="skip the training tasks (quick runs)")
    group.addoption("--train-profile", default="auto", choices=("auto", "gpu", "cpu"),
                    help="training profile: gpu (book-size models, CUDA), cpu (reduced models), auto (gpu if CUDA)")
    group.addoption("--data", default=None, metavar="DIR", help="Fashion-MNIST root (default: $FASHION_MNIST or auto)")
    group.addoption("--no-train-cache", action="store_true",
                    help="train again even when the same network was trained before (results are kept in your "
                         "user cache folder, so unchanged work trains only once)")
    group.addoption("--call-timeout", type=float, default=60.0, help="seconds one call of your code may take")
    group.addoption("--lang", default=None, metavar="{en,zh}", type=language,
                    help="language of the feedback and the points table: zh (中文) or en (default: "
                         "$D2L_GRADER_LANG, else your locale, else en)")


class GradingSession:
    """The submission being graded and every task result so far (one per task, computed once)."""

    def __init__(self, config):
        self.config = config
        self.results = {}
        self._submission = None

    @property
    def folder(self):
        return self.config.getoption("submission") or os.path.join(str(self.config.rootpath), "assignments")

    def submission(self):
        if self._submission is None:
            from grader.submission.inprocess import InProcessSubmission
            self._submission = InProcessSubmission(self.folder, timeout=self.config.getoption("call_timeout"))
        return self._submission

    @property
    def loaded(self):
        """The submission once a task has loaded it (None before)."""
        return self._submission

    def close(self):
        """Unload the student's modules (the run is over); the results stay for the summary."""
        if self._submission is not None:
            self._submission.close()
            self._submission = None

    def train_cache(self):
        """{"cache": ...} for the training checks: the user's cache folder unless --no-train-cache."""
        if self.config.getoption("no_train_cache"):
            return {}
        from grader.training.cache import user_cache_folder
        return {"cache": {"folder": str(user_cache_folder())}}

    def switched_off(self, task):
        return task.is_training and self.config.getoption("no_train")

    def result(self, task):
        if task.name not in self.results:
            from grader.grade import TRAINING_OFF, grade_task
            from grader.results import Status, TaskResult
            if self.switched_off(task):  # not graded at all: grade and autograde leave it out of the total too
                self.results[task.name] = TaskResult(task.name, 0, task.points, Status.SKIPPED, _(TRAINING_OFF))
                return self.results[task.name]
            for need in task.needs:  # a training task runs only on builders that pass: grade those first
                self.result(_task(need))
            failed = [need for need in task.needs if not self.results[need].passed]
            if failed:
                why = _("not trained: fix {tasks} first (its checks fail)").format(tasks=", ".join(failed))
                result = TaskResult(task.name, 0, task.points, Status.SKIPPED, why)
            else:
                options = {"profile": self.config.getoption("train_profile"),
                           "data_root": self.config.getoption("data"), **self.train_cache()}
                result = grade_task(task, self.submission(), options if task.is_training else None)
            self.results[task.name] = result
        return self.results[task.name]


def _task(name):
    from grader import spec
    return spec.task(name)


def pytest_configure(config):
    # the language of this run; put back at the end (a pytester run inside another must not change its language)
    config.stash[_LANGUAGE] = current_language()
    set_language(resolve_language(config.getoption("lang")))
    config.stash[_SESSION] = GradingSession(config)
    _keep_to_the_assignment(config)
    # hypothesis keeps a cache of constants under ./.hypothesis: keep it out of the student's folder too
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "d2l-cnn-grader" / "hypothesis"
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(cache))


def _keep_to_the_assignment(config):
    """`pytest --submission ~/my-work` from the kit: pytest takes the folder common to the kit and ~/my-work as
    its root, finds no pyproject.toml there and would collect the kit's own test suite. Collect what
    `testpaths` names instead: the student's test file."""
    own = Path(config.invocation_params.dir) / "test_assignments.py"
    if config.inipath is None and not config.option.file_or_dir and config.getoption("submission") and own.is_file():
        config.args = [str(own)]


def pytest_unconfigure(config):
    session = config.stash.get(_SESSION, None)
    if session is not None:
        session.close()
    if _LANGUAGE in config.stash:
        set_language(config.stash[_LANGUAGE])


_SESSION = pytest.StashKey[GradingSession]()
_LANGUAGE = pytest.StashKey[str]()


@pytest.fixture
def grade_task_outcome(request):
    """Call with a grader.spec.Task: grades it and turns the result into this test's outcome."""
    session = request.config.stash[_SESSION]

    def run(task):
        result = session.result(task)
        if result.passed:
            return result
        if result.status.value == "skipped":
            pytest.skip(result.feedback)
        message = _(FRIENDLY[result.status.value]) if result.status.value in FRIENDLY else result.feedback
        if result.example and result.example not in message:
            message += "\n" + _("smallest failing example: {example}").format(example=result.example)
        pytest.fail(f"{task.name}: {message}", pytrace=False)
    return run


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    session = config.stash.get(_SESSION, None)
    if not session or not session.results:
        return
    from grader.report.table import render
    from grader.results import Report
    from grader import spec
    from grader.grade import note_loading, note_not_graded
    graded = [t for t in spec.all_tasks() if t.name in session.results and not session.switched_off(t)]
    report = Report(session.folder, [session.results[t.name] for t in graded])
    note_not_graded(report, [t for t in spec.all_tasks() if t.name in session.results and session.switched_off(t)])
    if session.loaded is not None:  # every file once, with what it gave: said under the table
        note_loading(report, session.loaded)
    terminalreporter.write_sep("=", _("points for {folder}").format(folder=session.folder))
    terminalreporter.write_line(render(report))
