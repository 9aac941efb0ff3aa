"""Benchmark: one grading of the reference solutions by run_autograder in a Gradescope layout — time and peak memory.

Builds the bundle, lays out a temporary root as Gradescope does (source/, submission/, results/), runs setup.sh with
its install step replaced by this Python (its dependencies are already installed), then times run_autograder on the
reference while sampling the proportional set size (PSS: shared pages split between the processes sharing them) of
its whole process tree. Prints the numbers grader/bundle/resources.py records.

    python benchmarks/gradescope_resources.py [--no-train] [--profile cpu]
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))

from grader.bundle.gradescope import build_gradescope_zip, unpack  # noqa: E402
from grader import spec  # noqa: E402


def _tree_pss_mb(pid):
    """PSS of `pid` and all its descendants, in MB (/proc/PID/smaps_rollup; processes gone mid-read count 0)."""
    import psutil
    try:
        processes = [psutil.Process(pid)] + psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for process in processes:
        try:
            with open(f"/proc/{process.pid}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def measure(command, env):
    peak = [0.0]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env)

    def sample():
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_pss_mb(process.pid))
            time.sleep(0.1)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    sampler.join()
    return code, time.perf_counter() - started, peak[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-train", action="store_true")
    parser.add_argument("--profile", default="cpu")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="d2l-gradescope-bench-") as scratch:
        zip_path = build_gradescope_zip(Path(scratch) / "autograder.zip", train=not args.no_train,
                                        profile=args.profile).path
        root = unpack(zip_path, Path(scratch) / "autograder")
        env = {**os.environ, "AUTOGRADER_ROOT": str(root), "D2L_GRADER_PYTHON": sys.executable}
        env.pop("PYTHONPATH", None)
        setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True)
        if setup.returncode:
            sys.exit(f"setup.sh failed:\n{setup.stdout}\n{setup.stderr}")
        for module in spec.modules():
            shutil.copy(KIT / "solutions" / f"{module}.py", root / "submission")
        code, wall, peak = measure([str(root / "run_autograder")], env)
        results = json.loads((root / "results" / "results.json").read_text())
    print(f"run_autograder exit {code}: {results['score']:g} points, {wall:.1f} s wall, peak PSS {peak:.0f} MB "
          f"({'no training' if args.no_train else 'training ' + args.profile}); {os.cpu_count()} cores "
          f"{platform.machine()}, Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
