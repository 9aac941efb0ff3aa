"""Command-line options more than one command shares (the sandboxed worker's time limits)."""
import argparse


def add_time_limits(parser):
    """--timeout and --budget: how long the sandboxed worker may spend on one call, and on one submission."""
    from grader.submission.sandbox import Limits
    parser.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                        help=f"time limit of one call of a student's function (default {Limits.timeout:g})")
    parser.add_argument("--budget", type=_seconds, default=None, metavar="SECONDS",
                        help=f"time for all calls of one submission, training excluded (default {Limits.budget:g}): "
                             f"a submission that spends it gets no more answers")


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value
