"""`python -m grader autograde`: grade a whole class in parallel, resumably, into a gradebook and its exports."""
import sys
from pathlib import Path


def options_from_args(args):
    from grader.autograde.runner import Options
    from grader.i18n import resolve_language
    from grader.repos import parse_deadline
    before = getattr(args, "before", None)
    return Options(submissions=Path(args.submissions), out=Path(args.out), workers=args.workers,
                   train=not args.no_train, only=tuple(args.only or ()), force=bool(args.force),
                   profile=getattr(args, "profile", "auto") or "auto", before=parse_deadline(before) if before else None,
                   call_timeout=getattr(args, "timeout", None), budget=getattr(args, "budget", None),
                   train_cache=not getattr(args, "no_train_cache", False),
                   verify_cache=getattr(args, "verify_cache", 0) or 0,
                   lang=resolve_language(getattr(args, "lang", None)))


def training_line(counts, out):
    """One line on the training cache's use: what was trained, what reused, what a verification found."""
    from grader.autograde.runner import TRAINING_CACHE
    line = (f"training: {counts['trained']} network(s) trained, {counts['reused']} result(s) reused "
            f"({out / TRAINING_CACHE})")
    checked = counts["verified"] + counts["mismatch"]
    if checked:
        line += f"; {checked} hit(s) re-trained to verify: " + ("all reproduced their records" if not counts["mismatch"]
                                                                else f"{counts['mismatch']} did NOT reproduce")
    for miss in counts["mismatches"]:  # the fresh run graded that student; the record may be stale
        line += (f"\n  mismatch: {miss['submission']}, {miss['model']}: recorded test accuracy "
                 f"{miss['recorded_accuracy']}, re-trained {miss['test_accuracy']}")
    return line


def run(args):
    """CLI entry: -> exit code (0 done, 1 the grader cannot start, 2 bad input or a busy gradebook, 130 interrupted)."""
    from grader.autograde.runner import UsageError, autograde
    from grader.autograde.pool import GraderStartError
    from grader.gradebook import GradebookBusy
    try:
        options = options_from_args(args)
    except ValueError as error:  # a --before that is not a date
        print(f"grader autograde: {error}", file=sys.stderr)
        return 2
    try:
        stats = autograde(options)
    except (UsageError, GradebookBusy) as error:
        print(f"grader autograde: {error}", file=sys.stderr)
        return 2
    except GraderStartError as error:
        print(f"grader autograde: {error}. Check the installation (`python -m grader grade solutions/` should "
              f"work); grades recorded so far are kept", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("grader autograde: interrupted; every grade recorded so far is kept — run the same command again "
              "to finish", file=sys.stderr)
        return 130
    print(stats.summary_text)
    print(f"\n{stats.entries} entries: {stats.graded} graded, {stats.skipped} already graded (skipped), "
          f"{stats.unreadable} unreadable" + (f", {stats.failed_jobs} failed to grade (retried on the next run)"
                                               if stats.failed_jobs else "")
          + f" in {stats.timings.get('total', 0):.1f} s")
    if stats.training:
        print(training_line(stats.training, out))
    if stats.gone:
        print(f"kept in the gradebook, though no longer in {options.submissions}: {', '.join(stats.gone[:10])}"
              + (" ..." if len(stats.gone) > 10 else ""))
    out = options.out
    print(f"gradebook: {out / 'gradebook.sqlite'}\nspreadsheet: {out / 'grades.csv'}\n"
          f"per student: {out / 'reports'}/, {out / 'feedback'}/, {out / 'gradescope'}/\n"
          f"histogram: {out / 'scores.png'}")
    return 0
