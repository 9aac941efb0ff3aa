"""`python -m grader grade PATH`: grade one submission (sandboxed by default), print the table, write the JSON."""
import json
import sys
from pathlib import Path


def run(args):
    if not Path(args.path).exists():  # checked before importing torch: bad input fails fast
        print(f"grader grade: {args.path} does not exist; pass a submission folder (counting.py, vgg.py, nin.py, "
              f"alexnet.py and/or notebooks), a single .py/.ipynb file or a .zip of them", file=sys.stderr)
        return 2
    from grader.commands.options import apply_language, user_train_cache
    from grader.grade import grade_path
    from grader.report.table import render
    from grader.safe_text import clean
    from grader.submission.loader import SubmissionNotFound
    from grader.submission.worker import SandboxError

    apply_language(args)
    try:
        report = grade_path(args.path, train=not args.no_train, sandbox=not args.in_process, profile=args.profile,
                            timeout=getattr(args, "timeout", None), budget=getattr(args, "budget", None),
                            train_cache=user_train_cache(args))
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
