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
from grader.commands.options import add_language, add_time_limits, apply_language
from grader.autograde.exports import write_atomic
from grader.autograde.runner import placeholder_report, grading_config, resolve_profile
from grader.collect import list_entries, stage
from grader.i18n import _
from grader.report.gradescope import results_json
from grader.results import Status


def _entry(submission):
    """Gradescope unpacks the upload into a folder; a lone .zip/.ipynb/.py inside it is the entry itself."""
    entries = list_entries(submission) if submission.is_dir() else []
    return entries[0] if len(entries) == 1 and entries[0].is_file() else submission


def grade_upload(submission, train, profile, timeout=None, budget=None):
    """(report, summary) for one upload, graded as one entry of `autograde`: staged safely, graded by the same
    backend; an unreadable upload, or one the grader fails on, gets a report of zeros whose feedback and `summary`
    say why (the student always gets a results.json)."""
    backend = choose_backend()
    profile = resolve_profile(train, profile)
    with tempfile.TemporaryDirectory(prefix="d2l-gradescope-") as staging:
        staged = stage(_entry(Path(submission)), "submission", staging)
        if not staged.readable:
            report = placeholder_report("submission", grading_config(train, profile, backend), Status.MISSING,
                                        _("not graded: {reason}").format(reason=staged.reason))
            return report, _("Your submission could not be graded: {reason}").format(reason=staged.reason)
        try:
            return resolve(backend.target)(str(staged.folder), train=train, profile=profile or "auto",
                                           timeout=timeout, budget=budget), ""
        except Exception as error:  # noqa: BLE001 — the student still gets a results.json saying what happened
            report = placeholder_report("submission", grading_config(train, profile, backend), Status.ERROR,
                                        _("the grader failed ({error}); ask your instructor to rerun the "
                                          "autograder").format(error=f"{type(error).__name__}: {error}"))
            return report, _("The grader failed on this submission; it is not your code's verdict.")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader.autograde.gradescope_run", description=__doc__.split("\n")[0])
    parser.add_argument("submission", nargs="?", default="/autograder/submission")
    parser.add_argument("results", nargs="?", default="/autograder/results/results.json")
    parser.add_argument("--no-train", action="store_true")
    parser.add_argument("--profile", default="auto", choices=("auto", "gpu", "cpu"))
    parser.add_argument("--visibility", default="visible", choices=("hidden", "after_due_date", "after_published",
                                                                     "visible"))
    parser.add_argument("--self-check", action="store_true",
                        help="exit 1 unless SUBMISSION gets full marks (setup.sh grades the reference with it)")
    add_time_limits(parser)
    add_language(parser, "the results students read")
    args = parser.parse_args(argv)
    apply_language(args)
    report, summary = grade_upload(args.submission, not args.no_train, args.profile, args.timeout, args.budget)
    write_atomic(args.results, json.dumps(results_json(report, visibility=args.visibility, summary=summary),
                                          indent=2, ensure_ascii=False) + "\n")
    # stdout is shown to instructors only (Gradescope's stdout_visibility defaults to hidden)
    print(f"{report.score:g}/{report.max_score:g} points -> {args.results}")
    isolation = report.environment.get("isolation") or {}
    if isolation:
        layers = isolation.get("layers", [])
        print(f"sandbox layers: {', '.join(layers) or 'none'}"
              + "".join(f"\n  missing: {why}" for why in isolation.get("missing", [])))
        if not any(layer.startswith(("private root", "landlock-fs")) for layer in layers):
            print("WARNING: no filesystem isolation here (neither a private root nor Landlock): student code can "
                  "read the kit, the reference solutions included")
    if args.self_check and report.score != report.max_score:
        print(f"self-check failed: the reference scored {report.score:g}/{report.max_score:g}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
