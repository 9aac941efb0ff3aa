"""Inside a Gradescope autograder: grade /autograder/submission and write /autograder/results/results.json.

`run_autograder` can be as short as:
    #!/usr/bin/env bash
    cd /autograder/source && python3 -m grader.autograde.gradescope_run [--no-train]
The submission is staged like one entry of `autograde` (symlinks dropped, zips unpacked safely, size caps), graded
by the same backend, and written in Gradescope's format; an unreadable upload still gets a results.json saying why.
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

from grader.autograde.backend import choose_backend, resolve
from grader.cli import add_time_limits
from grader.autograde.exports import write_atomic
from grader.autograde.runner import placeholder_report, grading_config, resolve_profile
from grader.collect import list_entries, stage
from grader.report.gradescope import results_json
from grader.results import Status


def _entry(submission):
    """Gradescope unpacks the upload into a folder; a lone .zip/.ipynb/.py inside it is the entry itself."""
    entries = list_entries(submission) if submission.is_dir() else []
    return entries[0] if len(entries) == 1 and entries[0].is_file() else submission


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader.autograde.gradescope_run", description=__doc__.split("\n")[0])
    parser.add_argument("submission", nargs="?", default="/autograder/submission")
    parser.add_argument("results", nargs="?", default="/autograder/results/results.json")
    parser.add_argument("--no-train", action="store_true")
    parser.add_argument("--profile", default="auto", choices=("auto", "gpu", "cpu"))
    parser.add_argument("--visibility", default="visible", choices=("hidden", "after_due_date", "after_published",
                                                                     "visible"))
    add_time_limits(parser)
    args = parser.parse_args(argv)
    backend, train = choose_backend(), not args.no_train
    profile = resolve_profile(train, args.profile)
    with tempfile.TemporaryDirectory(prefix="d2l-gradescope-") as staging:
        staged = stage(_entry(Path(args.submission)), "submission", staging)
        if staged.readable:
            try:
                report = resolve(backend.target)(str(staged.folder), train=train, profile=profile or "auto",
                                                 timeout=args.timeout, budget=args.budget)
                summary = ""
            except Exception as error:  # noqa: BLE001 — the student still gets a results.json saying what happened
                report = placeholder_report("submission", grading_config(train, profile, backend), Status.ERROR,
                                             f"the grader failed ({type(error).__name__}: {error}); ask your "
                                             f"instructor to rerun the autograder")
                summary = "The grader failed on this submission; it is not your code's verdict."
        else:
            report = placeholder_report("submission", grading_config(train, profile, backend), Status.MISSING,
                                         f"not graded: {staged.reason}")
            summary = f"Your submission could not be graded: {staged.reason}"
    write_atomic(args.results, json.dumps(results_json(report, visibility=args.visibility, summary=summary),
                                          indent=2, ensure_ascii=False) + "\n")
    print(f"{report.score:g}/{report.max_score:g} points -> {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
