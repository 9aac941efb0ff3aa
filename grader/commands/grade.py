"""`python -m grader grade PATH`: grade one submission (sandboxed by default), print the table, write the JSON."""
import json
import shutil
import sys
import tempfile
from pathlib import Path

NO_SANDBOX = {"layers": [], "missing": ["--in-process: the submission ran inside the grader, without any sandbox"]}


def grade_path(path, train=False, sandbox=True, profile="auto", timeout=60.0, budget=600.0, on_result=None):
    """Report for the submission at `path` (a folder, or one .py/.ipynb/.zip file), staged as autograde stages
    it; student code runs in a worker unless `sandbox=False` (your own code only).
    `environment["isolation"]` lists the active layers. Raises SubmissionNotFound for an unreadable entry."""
    from grader.collect import stage
    from grader.grade import grade
    from grader.submission.loader import SubmissionNotFound
    from grader.submission.open import open_submission

    path = Path(path)
    # staged as autograde and the Gradescope bundle stage an entry, so an upload gets the same grade everywhere
    scratch = Path(tempfile.mkdtemp(prefix="d2l-grade-"))
    staged = stage(path, "submission", scratch)
    if not staged.readable:
        shutil.rmtree(scratch, ignore_errors=True)
        raise SubmissionNotFound(staged.reason)
    folder = staged.folder
    options = {"budget": budget} if sandbox else {}
    try:
        submission = open_submission(folder, sandbox=sandbox, timeout=timeout, **options)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    try:
        report = grade(submission, train=train, training_options={"profile": profile} if train else None,
                       on_result=on_result)
        report.submission = str(path)
        report.environment["isolation"] = getattr(submission, "isolation", None) or NO_SANDBOX
    finally:
        submission.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return report


def run(args):
    if not Path(args.path).exists():  # checked before importing torch: bad input fails fast
        print(f"grader grade: {args.path} does not exist; pass a submission folder (counting.py, vgg.py, nin.py, "
              f"alexnet.py and/or notebooks), a single .py/.ipynb file or a .zip of them", file=sys.stderr)
        return 2
    from grader.report.table import render
    from grader.submission.loader import SubmissionNotFound
    from grader.submission.worker import SandboxError

    try:
        report = grade_path(args.path, train=not args.no_train, sandbox=not args.in_process, profile=args.profile)
    except (SubmissionNotFound, SandboxError) as error:
        print(f"grader grade: {error}", file=sys.stderr)
        return 2
    print(render(report))
    missing = report.environment["isolation"]["missing"]
    if missing:
        print("isolation not available here: " + "; ".join(missing), file=sys.stderr)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report.to_dict(), indent=2))
    return 0
