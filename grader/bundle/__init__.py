"""`python -m grader bundle gradescope|classroom`: package the kit for the platforms classes already use."""
import sys


def run(args):
    """CLI entry: -> exit code (0 written, 2 bad input)."""
    from grader.bundle.kit import BundleError
    try:
        if args.platform == "gradescope":
            from grader.bundle.gradescope import build_gradescope_zip
            written = build_gradescope_zip(args.out, train=not args.no_train, profile=args.profile,
                                           language=_language(args))
        else:
            from grader.bundle.classroom import write_classroom_template
            written = write_classroom_template(args.out, train=not args.no_train, force=args.force,
                                               language=_language(args))
    except BundleError as error:
        print(f"grader bundle {args.platform}: {error}", file=sys.stderr)
        return 2
    print(written.summary)
    return 0


def _language(args):
    """The students' language the bundle grades in: --lang, else $D2L_GRADER_LANG or the locale of this machine."""
    from grader.i18n import resolve_language
    return resolve_language(getattr(args, "lang", None))
