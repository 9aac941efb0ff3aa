"""`python -m grader.bundle.data DIR`: put Fashion-MNIST's four files in DIR once, at image or runner set-up time.

Copied from a folder that already has them ($FASHION_MNIST, the Debian/Ubuntu package dataset-fashion-mnist),
otherwise downloaded once (torchvision's mirrors). Grading then reads DIR and never downloads anything.
"""
import argparse
import shutil
import sys
from pathlib import Path

from grader.training import data


def fetch(target):
    """Make `target` hold the four files; -> where they came from. Raises data.DataNotFound with both ways out."""
    target = Path(target)
    if data.has_files(target):
        return f"already in {target}"
    for root in data.candidate_roots():
        if data.has_files(root):
            target.mkdir(parents=True, exist_ok=True)
            for split in data.FILES.values():
                for stem in split:
                    source = data.find_file(Path(root), stem)
                    shutil.copyfile(source, target / source.name)
            return f"copied from {root}"
    data.download_into(target)  # torchvision's layout (FashionMNIST/raw/), which has_files() also reads
    return "downloaded"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader.bundle.data", description=__doc__.split("\n")[0])
    parser.add_argument("dir", help="the folder to hold the four files")
    target = parser.parse_args(argv).dir
    try:
        origin = fetch(target)
        data.read_folder(target)  # a truncated download fails the set-up now, not a student's grading later
    except (data.DataNotFound, data.BadDataFile) as error:
        print(f"Fashion-MNIST: {error}", file=sys.stderr)
        return 1
    print(f"Fashion-MNIST in {target} ({origin})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
