"""`python -m grader.bundle.classroom_step TASK`: one test of the Classroom workflow — TASK's row of the kit's grade.

The first step to run grades assignments/ once (staged and graded exactly as one upload of the Gradescope bundle:
sandboxed worker, same checks) and keeps the report in .grading/, keyed by the folder's content, the kit version
and the settings; every step then prints its task's points and feedback and writes the task's result to
$GITHUB_OUTPUT in the runner format GitHub Classroom's reporter reads (classroom-resources/autograding-grading-
reporter reads `<ID>_RESULTS`: base64 JSON {version, status, max_score, tests: [{name, status, score, message,
...}]}, the format its command and io graders write). Unlike the command grader, which awards max-score or 0 by
exit code, this keeps partial credit, so the dashboard adds up the same points as every other surface.
"""
import argparse
import base64
import json
import os
import sys
import tempfile
from pathlib import Path

from grader.autograde.backend import choose_backend
from grader.autograde.exports import write_atomic
from grader.autograde.gradescope_run import grade_upload
from grader.autograde.runner import grading_config, job_key, report_from_dict
from grader.collect import stage
from grader.commands.options import add_language, apply_language
from grader.i18n import current_language
from grader.report.gradescope import task_output
from grader.report.labels import status_tag
from grader.results import Status
from grader import spec

REPORT = Path(".grading") / "report.json"


def _key(submission, train, profile):
    """The cache key: what is graded (content hash of the staged folder), the kit version and the settings."""
    config = grading_config(train, profile if train else None, choose_backend(), language=current_language())
    with tempfile.TemporaryDirectory(prefix="d2l-classroom-") as staging:
        content = stage(submission, "submission", staging).content_hash
    return job_key(content, config), config


def report_for(submission, train, profile, cache=REPORT):
    """The kit's report on `submission`, graded at most once per content and settings (kept in `cache`)."""
    key, config = _key(submission, train, profile)
    cache = Path(cache)
    if cache.is_file():
        try:
            kept = json.loads(cache.read_text(encoding="utf-8"))
            if kept.get("key") == key:
                return report_from_dict(kept["report"]["submission"], kept["report"], config)
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache is graded again
    report, _summary = grade_upload(submission, train, profile)
    write_atomic(cache, json.dumps({"key": key, "report": report.to_dict()}, ensure_ascii=False))
    return report


def runner_result(task, command):
    """One task as the Classroom reporter's runner result (score keeps partial credit)."""
    status = "pass" if task.status is Status.PASSED else "fail"
    return {"version": 1, "status": status, "max_score": task.max_score,
            "tests": [{"name": task.name, "status": status, "score": task.score, "message": task_output(task),
                       "test_code": command, "filename": "", "line_no": 0, "duration": round(task.duration * 1000)}]}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader.bundle.classroom_step", description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=[task.name for task in spec.all_tasks()])
    parser.add_argument("--submission", default="assignments")
    parser.add_argument("--no-train", action="store_true")
    parser.add_argument("--profile", default="cpu", choices=("cpu", "gpu"))
    add_language(parser, "the step's feedback")
    args = parser.parse_args(argv)
    apply_language(args)
    train = not args.no_train
    if spec.task(args.task).needs and not train:
        parser.error(f"{args.task} is a training task; it cannot be graded with --no-train")
    report = report_for(Path(args.submission), train, args.profile)
    task = report.task(args.task)
    command = "python -m grader.bundle.classroom_step " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"{task.name}: {task.score:g}/{task.max_score:g} {status_tag(task.status)}")
    if task_output(task):
        print(task_output(task))
    output = os.environ.get("GITHUB_OUTPUT")
    if output:  # a step output named `result`, read by the reporter as steps.<id>.outputs.result
        encoded = base64.b64encode(json.dumps(runner_result(task, command)).encode()).decode()
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(f"result={encoded}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
