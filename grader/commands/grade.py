"""`python -m grader grade PATH`: grade one submission (sandboxed by default), print the table, write the JSON."""
import json
import shutil
import sys
import tempfile
from pathlib import Path

NO_SANDBOX = {"layers": [], "missing": ["--in-process: the submission ran inside the grader, without any sandbox"]}


def grade_path(path, train=False, sandbox=True, profile="auto", timeout=None, budget=None, on_result=None):
    """Report for the submission at `path` (a folder, or one .py/.ipynb/.zip file, staged as autograde stages
    it); student code runs in a worker unless `sandbox=False` (your own code only). `timeout`/`budget`: seconds
    for one call / all calls of the submission (default: sandbox.Limits).
    `environment["isolation"]` lists the active layers. Raises SubmissionNotFound for an unreadable entry."""
    from grader.collect import kit_inside, stage
    from grader.grade import grade
    from grader.submission.loader import SubmissionNotFound
    from grader.submission.open import open_submission
    from grader.submission.sandbox import Limits

    timeout, budget = timeout or Limits.timeout, budget or Limits.budget
    path, scratch, folder = Path(path), None, Path(path)
    if path.is_dir() and kit_inside(path):
        raise SubmissionNotFound(kit_inside(path))
    if path.is_file() or path.is_symlink():  # a single file or a zip: a folder of its own, read safely
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
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    try:
        report = grade(submission, train=train, training_options={"profile": profile} if train else None,
                       on_result=on_result)
        report.submission = str(path)
        report.environment["isolation"] = getattr(submission, "isolation", None) or NO_SANDBOX
    finally:
        submission.close()
        if scratch:
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

    from grader.safe_text import clean

    try:
        report = grade_path(args.path, train=not args.no_train, sandbox=not args.in_process, profile=args.profile,
                            timeout=getattr(args, "timeout", None), budget=getattr(args, "budget", None))
    except (SubmissionNotFound, SandboxError) as error:
        print(f"grader grade: {clean(error)}", file=sys.stderr)
        return 2
    if args.json:  # first: the record survives whatever printing meets
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    print(clean(render(report)))
    missing = report.environment["isolation"]["missing"]
    if missing:
        print(clean("isolation not available here: " + "; ".join(missing)), file=sys.stderr)
    return 0
