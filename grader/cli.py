"""`python -m grader ...`: thin argparse wiring over the library; each command's work lives in its own module."""
import argparse
import importlib
import sys

from grader import spec
from grader.commands.options import add_language, add_time_limits, add_train_cache, count
from grader.startpath import drop_start_folder

# command -> "module:function" taking the parsed args and returning an exit code (imported lazily)
COMMANDS = {
    "grade": "grader.commands.grade:run",
    "train": "grader.training.command:run",
    "release": "grader.release:run",
    "autograde": "grader.autograde:run",
    "bundle": "grader.bundle:run",
}


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.split(":")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade one submission (a folder, a .py or .ipynb file, or a .zip) in a "
                           "sandboxed worker", description="Grade one submission and print the points table; "
                           "every file is read by the same rule: definitions run, top-level code never does.")
    grade.add_argument("path", help="the submission: a folder of .py and/or .ipynb files (any names: counting.py, "
                       "vgg.py, ..., homework.py, 21VGG.py), a single .py or .ipynb file, or a .zip of either "
                       "(unpacked safely, one wrapping folder allowed)")
    grade.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE")
    grade.add_argument("--no-train", action="store_true",
                       help="skip the training tasks (not graded: the total is out of 90 instead of 105)")
    grade.add_argument("--in-process", action="store_true",
                       help="run the student's code in this process (your own code only: no sandbox)")
    grade.add_argument("--profile", default="auto", choices=("auto", "gpu", "cpu"), help="training profile")
    add_time_limits(grade)
    add_train_cache(grade)
    add_language(grade, "the points table and feedback")

    train = sub.add_parser("train", help="train one network on Fashion-MNIST and give a verdict")
    train.add_argument("model", choices=spec.training_models())
    train.add_argument("--profile", default="auto", choices=("auto", "gpu", "cpu"))
    train.add_argument("--submission", default=None, help="folder with the builders (default: the reference); "
                       "its code runs in the sandboxed worker and only its description is trained")
    train.add_argument("--in-process", action="store_true",
                       help="describe --submission in this process (your own code only: no sandbox)")
    train.add_argument("--epochs", type=float, default=None, help="override the profile's budget in epochs")
    train.add_argument("--steps", type=int, default=None, help="override the profile's budget in steps")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--data", default=None, help="Fashion-MNIST root (default: $FASHION_MNIST or auto)")
    train.add_argument("--out", default="runs", help="folder for the PNG curve and the JSON record")
    add_train_cache(train)
    add_language(train, "the verdict")

    release = sub.add_parser("release", help="regenerate assignments/ (+ notebooks) from solutions/")
    release.add_argument("--solutions", default="solutions")
    release.add_argument("--out", default=None, help="default: assignments (--lang zh: assignments_zh)")
    release.add_argument("--check", action="store_true", help="only report whether the files are up to date")
    release.add_argument("--lang", choices=("en", "zh"), default="en",
                         help="language of the docstrings, comments and notebook text (zh: from the catalogue "
                              "grader/locale/zh_CN/LC_MESSAGES/release.po; the code is the same)")
    release.add_argument("--update-catalogue", action="store_true",
                         help="write the release's texts into release.pot and --lang's release.po (translations "
                              "kept, new texts empty) and compile it, instead of releasing")

    autograde = sub.add_parser("autograde", help="grade a whole class of submissions")
    autograde.add_argument("submissions", help="folder with one entry per student (folder, .py, .ipynb or .zip)")
    autograde.add_argument("--out", required=True, help="output folder (gradebook, CSV, reports, feedback)")
    autograde.add_argument("--workers", type=int, default=None)
    autograde.add_argument("--no-train", action="store_true")
    autograde.add_argument("--only", nargs="+", metavar="NAME", help="(re)grade only these students")
    autograde.add_argument("--force", action="store_true", help="regrade even finished jobs")
    autograde.add_argument("--profile", default="auto", choices=("auto", "gpu", "cpu"))
    add_time_limits(autograde)
    add_train_cache(autograde, where="OUT/training-cache, beside the gradebook")
    autograde.add_argument("--verify-cache", type=count, default=0, metavar="N",
                           help="re-train N of this run's reused training results and report any whose test accuracy "
                                "differs from its record")
    add_language(autograde, "the class's feedback (the gradebook, Markdown feedback, Gradescope results)")

    autograde.add_argument("--before", metavar="DATE", help="git checkouts (a cloned GitHub Classroom): grade each "
                           "one's assignments/ at its last commit before DATE (ISO 8601; default: HEAD)")

    bundle = sub.add_parser("bundle", help="package the kit for Gradescope or GitHub Classroom")
    platforms = bundle.add_subparsers(dest="platform", required=True)
    gradescope = platforms.add_parser("gradescope", help="a Gradescope autograder zip (setup.sh, run_autograder, kit)")
    gradescope.add_argument("out", metavar="OUT.zip")
    gradescope.add_argument("--no-train", action="store_true", help="skip the training tasks")
    gradescope.add_argument("--profile", default="cpu", choices=("cpu",),
                            help="training profile (Gradescope's autograders have no GPU)")
    add_language(gradescope, "the students' feedback on Gradescope")
    classroom = platforms.add_parser("classroom", help="a GitHub Classroom template repository with its workflow")
    classroom.add_argument("out", metavar="OUT_DIR")
    classroom.add_argument("--no-train", action="store_true", help="skip the training tasks")
    classroom.add_argument("--force", action="store_true", help="overwrite the template's files in an existing folder")
    add_language(classroom, "the students' feedback in the workflow's steps")
    return parser


def main(argv=None):
    drop_start_folder()  # the d2l-grader script: no lazily imported module may come from where it was started
    args = build_parser().parse_args(argv)
    module_name, function_name = COMMANDS[args.command].split(":")
    try:
        run = getattr(importlib.import_module(module_name), function_name)
    except ImportError as error:
        print(f"grader {args.command}: not available in this build ({error})", file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
