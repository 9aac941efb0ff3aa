"""`python -m grader train MODEL`: d2l's train_ch6, fast — a progress bar, a verdict, a PNG curve and a JSON record."""
import sys
from pathlib import Path

DESCRIBE_TIMEOUT = 300.0  # s: describing a full-size network fills ~50 M weights twice, slow on a busy laptop


def _reference_folder():
    import solutions
    return Path(solutions.__file__).resolve().parent


def open_for_training(path, sandbox=True):
    """A Submission for `path` (in the sandboxed worker unless `sandbox=False`), or the reference when None."""
    from grader.submission.open import open_submission
    if path is None:
        return open_submission(_reference_folder(), sandbox=False, timeout=DESCRIBE_TIMEOUT)  # our own code
    return open_submission(path, sandbox=sandbox, timeout=DESCRIBE_TIMEOUT)


def _progress_bar(total, description):
    from tqdm.auto import tqdm
    bar = tqdm(total=total, desc=description, unit="step", dynamic_ncols=True, file=sys.stderr)

    def on_log(step, loss, accuracy, images_per_second):
        bar.update(step - bar.n)
        bar.set_postfix(loss=f"{loss:.3f}", acc=f"{accuracy:.3f}", img_s=f"{images_per_second:.0f}")

    return bar, on_log


def run(args):
    from grader.i18n import _, resolve_language, set_language
    set_language(resolve_language(getattr(args, "lang", None)))
    from grader.submission.loader import SubmissionNotFound
    from grader.training.cache import user_cache_folder
    from grader.training.reuse import CacheUse
    from grader.training import profiles
    from grader.training.curve import plot_curve, write_record
    from grader.training.data import BadDataFile, DataNotFound
    from grader.training.runner import run_training

    try:
        profile = profiles.get(args.model, args.profile, steps=args.steps, epochs=args.epochs)
        submission = open_for_training(args.submission, sandbox=not args.in_process)
    except (ValueError, SubmissionNotFound) as error:
        print(f"grader train: {error}", file=sys.stderr)
        return 2
    who = "reference" if args.submission is None else Path(args.submission).name
    bar, on_log = _progress_bar(profile.loop.steps, f"{args.model}/{profile.name} ({who})")
    try:
        outcome = run_training(args.model, submission, profile=profile.name, seed=args.seed, data_root=args.data,
                               download=True, steps=args.steps, epochs=args.epochs, on_log=on_log,
                               cache=None if args.no_train_cache else CacheUse(str(user_cache_folder())))
    except (DataNotFound, BadDataFile) as error:
        bar.close()
        print(f"grader train: {error}", file=sys.stderr)
        return 2
    finally:
        submission.close()
    bar.close()
    stem = Path(args.out) / f"{args.model}-{profile.name}-seed{args.seed}"
    if outcome.history is not None:
        title = (f"{args.model} ({profile.name} profile, {who}): test acc "
                 f"{outcome.history.final_test_accuracy:.3f}, {outcome.record['verdict']}")
        print(_("curve:  {path}").format(path=plot_curve(outcome.history, stem.with_suffix(".png"), title,
                                                          profile.threshold)))
    print(_("record: {path}").format(path=write_record(outcome.record, stem.with_suffix(".json"))))
    if outcome.record.get("reused"):
        print(_("reused: the same network was trained on {date} ({record}); --no-train-cache trains it "
                "again").format(date=outcome.record["reused"]["recorded"][:10],
                                record=outcome.record["reused"]["record"]))
    elif outcome.history is not None:
        print(_("speed:  {speed} img/s on {device}, {seconds} s").format(
            speed=f"{outcome.record['images_per_second']:.0f}", device=outcome.record["device"],
            seconds=f"{outcome.record['seconds']:.1f}"))
    print(_("verdict: {status} — {feedback}").format(status=outcome.status.upper(), feedback=outcome.feedback))
    return 0 if outcome.status == "passed" else 1
