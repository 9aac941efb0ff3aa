"""Benchmark: one autograde run of 20 clean submissions with 10 attacks from tests/hostile mixed in, training off.

Checks, and exits 1 unless all hold: the run completes in one go, every clean submission has full marks, every
attack scores 0 on the task it attacks (with the status its header names), nothing ran in the grader, no host
file changed, and no worker process or cgroup is left once the run is over. Prints the wall time, the time the
clean submissions took against the attacks, and the slowest attack (the per-submission budget bounds it).

    python benchmarks/class_under_attack.py [--workers N] [--budget SECONDS] [--keep DIR]
"""
import argparse
import os
import platform
import secrets
import shutil
import socket
import sys
import tempfile
import time
import zipfile
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(KIT))

from grader.autograde.backend import choose_backend  # noqa: E402
from grader.autograde.runner import Options, autograde  # noqa: E402
from grader.gradebook import read_gradebook  # noqa: E402
from grader import spec  # noqa: E402
from grader.submission.sandbox import Limits  # noqa: E402
from tests.worker.conftest import HOSTILE, attack_meta, build_submission, sandbox_processes  # noqa: E402

# ten attacks on the verdict, the wire, the host and the class's time, one student each
ATTACKS = ("forged_verdict", "lone_surrogate", "nonfinite_number", "progress_flood", "orphan_survivor",
           "fork_bomb", "host_devnull", "proc_sys", "disk_fill", "slow_everywhere")
CLEAN = 20


def _clean_class(root):
    """20 copies of the reference: folders, zips with a folder inside, one-file .py."""
    for index in range(CLEAN):
        name = f"clean{index:02d}"
        packaging = ("folder", "zip", "single_py", "folder")[index % 4]
        if packaging == "single_py":
            (root / f"{name}.py").write_text("\n".join((KIT / "solutions" / f"{m}.py").read_text() for m in spec.modules()))
            continue
        folder = build_submission(root / name)
        if packaging == "zip":
            with zipfile.ZipFile(root / f"{name}.zip", "w") as archive:
                for file in sorted(folder.iterdir()):
                    archive.write(file, f"{name}/{file.name}")
            shutil.rmtree(folder)


def _host_state():
    info = os.stat("/dev/null")
    return info.st_mode, info.st_uid, info.st_mtime_ns, info.st_ctime_ns, open("/proc/sys/kernel/core_pattern").read()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=None, help="default: the CPU count")
    parser.add_argument("--budget", type=float, default=None, help=f"per submission (default {Limits.budget:g} s)")
    parser.add_argument("--keep", default=None, help="keep the class and the output in this folder")
    args = parser.parse_args(argv)
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="d2l-bench-"))
    root, out, marker = base / "class", base / "out", base / "pwned"
    shutil.rmtree(root, ignore_errors=True), shutil.rmtree(out, ignore_errors=True)
    root.mkdir(parents=True)
    _clean_class(root)
    secret = secrets.token_hex(12)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    placeholders = {"MARKER": marker, "GRADEBOOK": base / "gradebook.csv", "TAG": "d2lcls" + secrets.token_hex(3),
                    "PORT": 9, "UDP_PORT": udp.getsockname()[1], "UNIX_SOCKET": base / "none.sock",
                    "SECRET": secret, "SECRET_HEAD": secret[:12], "SECRET_TAIL": secret[12:],
                    "SLEEP": Limits.timeout - 1.0,  # just under the kit's own per-call limit
                    "QUOTA_MB": Limits.disk_mb, "QUOTA_FILES": Limits.inodes}
    for name in ATTACKS:
        build_submission(root / f"attack_{name}", HOSTILE / f"{name}.py", **placeholders)
    workers = args.workers or os.cpu_count()
    print(f"class: {CLEAN} clean + {len(ATTACKS)} attacks; backend {choose_backend().isolation}; workers {workers}; "
          f"budget {args.budget or Limits.budget:g} s; {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}")
    host_before = _host_state()
    started = time.perf_counter()
    stats = autograde(Options(submissions=root, out=out, workers=workers, train=False, progress=False,
                              budget=args.budget), say=lambda line: None)
    wall = time.perf_counter() - started

    full = sum(task.points for task in spec.tasks())
    problems = []
    walls = {name: seconds for name, seconds, _, _ in stats.job_walls}
    for row, report in read_gradebook(out / "gradebook.sqlite"):
        name = row["name"]
        if name.startswith("clean") and report.score != full:
            problems.append(f"{name}: {report.score:g}/{full} " + str([(t.name, t.status.value) for t in report.tasks
                                                                       if not t.passed]))
        if name.startswith("attack_"):
            meta = attack_meta(HOSTILE / f"{name[len('attack_'):]}.py")
            task = report.task(meta["task"])
            if task.score != 0 or task.status.value not in meta["status"]:
                problems.append(f"{name}: {meta['task']} {task.status.value} {task.score:g} (expected 0, "
                                f"{meta['status']})")
    if stats.graded != CLEAN + len(ATTACKS) or stats.failed_jobs:
        problems.append(f"graded {stats.graded}, failed jobs {stats.failed_jobs}")
    if marker.exists():
        problems.append("code from a submission ran in the grader")
    if _host_state() != host_before:
        problems.append("a host file changed")
    time.sleep(1.0)
    if sandbox_processes():
        problems.append(f"worker processes left running: {sandbox_processes()}")
    clean_walls = sorted(seconds for name, seconds in walls.items() if name.startswith("clean"))
    attack_walls = {name: seconds for name, seconds in walls.items() if name.startswith("attack_")}
    slowest = max(attack_walls, key=attack_walls.get)
    print(f"one run: {wall:.1f} s wall for {CLEAN + len(ATTACKS)} submissions; clean ones "
          f"{clean_walls[len(clean_walls) // 2]:.1f} s each (median, {clean_walls[-1]:.1f} s slowest); attacks "
          f"{sum(attack_walls.values()) / len(attack_walls):.1f} s each on average, slowest {slowest} "
          f"{attack_walls[slowest]:.1f} s")
    print("every clean submission at full marks, every attack at 0 on its task, nothing left running"
          if not problems else "PROBLEMS:\n  " + "\n  ".join(problems))
    udp.close()
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
