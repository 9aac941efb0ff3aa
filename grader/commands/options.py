"""Command-line options more than one command shares (time limits, the training cache, the students' language)."""
import argparse


def add_language(parser, who="the feedback"):
    """--lang zh|en: the language of what students read (default: $D2L_GRADER_LANG, else the locale, else en)."""
    parser.add_argument("--lang", type=language, default=None, metavar="{en,zh}",
                        help=f"language of {who}: zh (中文) or en (default: $D2L_GRADER_LANG, else the locale, "
                             f"else en)")


def language(text):
    """A language the kit has a catalogue for, as its --lang key (argparse type)."""
    from grader.i18n import UnknownLanguage, check_language
    try:
        return check_language(text)
    except UnknownLanguage as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def apply_language(args):
    """Make the command's language current (from --lang, the environment or the locale); returns it."""
    from grader.i18n import resolve_language, set_language
    return set_language(resolve_language(getattr(args, "lang", None)))


def add_time_limits(parser):
    """--timeout and --budget: how long the sandboxed worker may spend on one call, and on one submission."""
    from grader.submission.sandbox import Limits
    parser.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                        help=f"time limit of one call of a student's function (default {Limits.timeout:g})")
    parser.add_argument("--budget", type=_seconds, default=None, metavar="SECONDS",
                        help=f"time for all calls of one submission, training excluded (default {Limits.budget:g}): "
                             f"a submission that spends it gets no more answers")


def add_train_cache(parser, where="your user cache folder"):
    """--no-train-cache: train every network even when the same one was trained before."""
    parser.add_argument("--no-train-cache", action="store_true",
                        help=f"train anew even a network trained before with the same settings (results are kept "
                             f"in {where})")


def user_train_cache(args):
    """The training cache a single-user command uses (the user's cache folder), or None with --no-train-cache."""
    if getattr(args, "no_train_cache", False):
        return None
    from grader.training.cache import user_cache_folder
    return {"folder": str(user_cache_folder())}


def count(text):
    """A whole number >= 0 (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return value


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value
