"""Rerun the training calibration: reference over seeds vs broken networks; rewrites grader/training/thresholds.py.

    python benchmarks/calibrate_training.py --profile cpu                 # ~15 min on 2 cores
    python benchmarks/calibrate_training.py --profile gpu --seeds 5       # on a CUDA machine
"""
import argparse
import sys

from grader.training.calibrate import calibrate
from grader.training.profiles import MODELS


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("cpu", "gpu"), required=True)
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--seeds", type=int, default=5, help="reference seeds 0..N-1 (at least 5)")
    parser.add_argument("--broken-seeds", type=int, default=1, help="seeds per broken network")
    parser.add_argument("--data", default=None)
    parser.add_argument("--runs-log", default=None, help="JSON lines of finished runs (default "
                        "runs/calibration-PROFILE.jsonl); finished runs are not repeated")
    parser.add_argument("--only", nargs="+", metavar="VARIANT", default=None,
                        help="just train these variants ('reference', 'constant output', ...) over --seed-list "
                             "into the runs log, e.g. to split a calibration over processes")
    parser.add_argument("--seed-list", nargs="+", type=int, default=None)
    parser.add_argument("--note", default=None, help="conditions worth keeping with the numbers")
    parser.add_argument("--dry-run", action="store_true", help="print, do not rewrite thresholds.py")
    args = parser.parse_args(argv)
    if args.only:
        from grader.training.calibrate import RunLog, run_variants
        run_log = RunLog(args.runs_log or f"runs/calibration-{args.profile}.jsonl")
        for model in args.models:
            run_variants(model, args.profile, args.only, args.seed_list or range(args.seeds), run_log, args.data,
                         log=lambda line: print(line, flush=True))
        return 0
    if args.seeds < 5:
        parser.error("a threshold needs at least 5 reference seeds")
    table = calibrate(args.profile, args.models, range(args.seeds), range(args.broken_seeds), args.data,
                      write=not args.dry_run, log=lambda line: print(line, flush=True), run_log=args.runs_log,
                      note=args.note)
    from grader.training.calibrate import markdown_table
    print(markdown_table(table))
    return 0 if all(table[args.profile][m]["separates"] for m in args.models) else 1


if __name__ == "__main__":
    sys.exit(main())
