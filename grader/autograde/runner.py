"""One autograde run: collect and stage the class, skip finished jobs, grade the rest in parallel, record, export.

A failure while staging, recording or exporting one submission costs that submission (a row saying why, retried
on the next run), never the run.
"""
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader import __version__
from grader.autograde.backend import choose_backend
from grader.autograde.exports import export_all, remove_stale_temps, write_student_files
from grader.autograde.pool import GraderPool, Job
from grader.collect import Staged, list_entries, stage, student_names
from grader.gradebook import Gradebook
from grader.i18n import _, using_language
from grader.repos import is_git_checkout, stage_repo
from grader import scratch
from grader.scratch import owned_folder, remove_abandoned
from grader.results import Report, Status, TaskResult
from grader import spec
from grader.safe_text import clean

GRADEBOOK = "gradebook.sqlite"
JOB_TIMEOUT = 20 * 60        # seconds for one submission without training: a last resort above the worker's limits
TRAINING_TIMEOUT = 20 * 60   # extra seconds when the training tasks run
STAGING_PREFIX = scratch.STAGING
RETRY_PREFIX = "retry:"      # job key of a job the grading machinery failed: a rerun tries it again


class UsageError(Exception):
    """Bad command-line input; the message says what to do."""


@dataclass
class Options:
    submissions: Path
    out: Path
    workers: int = None
    train: bool = True
    only: tuple = ()
    force: bool = False
    profile: str = "auto"
    timeout: float = None        # seconds for one whole job in a grader child (a last resort)
    backend: object = None       # grader.autograde.backend.Backend; None = choose_backend()
    progress: bool = True
    before: object = None        # aware datetime: git checkouts are graded at their last commit before it
    call_timeout: float = None   # seconds for one call of a student's function (None: sandbox.Limits)
    budget: float = None         # seconds for all calls of one submission (None: sandbox.Limits)
    train_cache: bool = True     # reuse the result of a network trained before (OUT/training-cache)
    verify_cache: int = 0        # re-train this many of the run's cache hits and compare with their records
    lang: str = "en"             # the students' language: feedback, placeholder reports, Markdown feedback

    def limits(self):
        """The worker limits the instructor set (they change results, so they are part of the job key)."""
        return {key: value for key, value in (("timeout", self.call_timeout), ("budget", self.budget))
                if value is not None}


@dataclass
class RunStats:
    entries: int = 0
    graded: int = 0
    skipped: int = 0             # finished earlier with the same job key
    unreadable: int = 0
    failed_jobs: int = 0         # the grading machinery failed (crash, timeout): retried on the next run
    timings: dict = field(default_factory=dict)   # phase -> seconds
    job_walls: list = field(default_factory=list)  # (name, main-side seconds, child-side seconds, task seconds)
    children: int = 0            # grader child processes started
    gone: list = field(default_factory=list)  # students in the gradebook with no entry in SUBMISSIONS any more
    summary_text: str = ""
    training: dict = field(default_factory=dict)  # the training cache's use in this run (see _training_stats)


def resolve_profile(train, profile):
    """The profile that decides results: None without training; 'auto' becomes what it means on this machine."""
    if not train:
        return None
    if profile == "auto":
        import torch
        return "gpu" if torch.cuda.is_available() else "cpu"
    return profile


def grading_config(train, profile, backend, limits=None, language="en"):
    """What decides a grade besides the submission (the job key hashes it; the gradebook stores it per run)."""
    tasks = spec.tasks() + (spec.training_tasks() if train else ())
    config = {"kit_version": __version__, "train": bool(train), "profile": profile, "isolation": backend.isolation,
              "tasks": [[t.name, t.module, t.points, list(t.needs)] for t in tasks]}
    if limits:
        config["limits"] = limits
    if language != "en":  # the feedback's language: English keys stay those of earlier runs
        config["lang"] = language
    return config


def job_key(content_hash, config):
    """hash(submission content, kit version, relevant config): equal keys mean the recorded grade still holds."""
    blob = json.dumps({"content": content_hash, "config": config}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _seeds(train):
    """The seeds that fix every result: checks run hypothesis derandomized; training uses the checks' seed 0."""
    return {"hypothesis": "derandomize=True", **({"training": 0} if train else {})}


def _environment(**extra):
    """The run's environment without importing torch here (the grader children do; `device` comes from them)."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    def installed(package):
        try:
            return version(package)
        except PackageNotFoundError:
            return None
    return {"kit_version": __version__, "torch": installed("torch"), "hypothesis": installed("hypothesis"),
            "python": platform.python_version(), "platform": platform.platform(), **extra}


def placeholder_report(name, config, status, message):
    """A report giving every task `status` and `message`: the row for a submission nothing could be graded of."""
    tasks = [TaskResult(task_name, 0, points, status, message)
             for task_name, _module, points, _needs in config["tasks"]]
    return Report(submission=name, tasks=tasks)


def report_from_dict(name, data, config):
    """Rebuild the child's report as our own dataclasses, checking it fits the task list (defence in depth)."""
    expected = {task_name: points for task_name, _, points, _ in config["tasks"]}
    tasks = []
    for item in data.get("tasks", []):
        task = TaskResult(str(item["name"]), item["score"], item["max_score"], Status(item["status"]),
                          str(item.get("feedback", "")), str(item.get("example", "")), str(item.get("output", "")),
                          float(item.get("duration", 0.0)))
        if task.name not in expected or not 0 <= task.score <= task.max_score or task.max_score != expected[task.name]:
            raise ValueError(f"task {task.name!r} with {task.score}/{task.max_score} does not fit the task list")
        if task.passed != (task.score == task.max_score):  # "passed" only ever comes with the check's full points
            raise ValueError(f"task {task.name!r} is {task.status.value} with {task.score}/{task.max_score}")
        tasks.append(task)
    if sorted(task.name for task in tasks) != sorted(expected):
        raise ValueError(f"it holds tasks {[task.name for task in tasks]}, not the {len(expected)} of the task list")
    environment = data.get("environment", {})
    return Report(submission=name, tasks=tasks, environment=environment if isinstance(environment, dict) else {})


def _select(entries, only):
    names = student_names(entries)
    if not only:
        return names
    wanted = set(only)
    unknown = sorted(wanted - set(names.values()))
    if unknown:
        import difflib
        hints = [f"{n} (did you mean {', '.join(difflib.get_close_matches(n, names.values(), 3))}?)"
                 if difflib.get_close_matches(n, names.values(), 3) else n for n in unknown]
        raise UsageError(f"--only names no entry of SUBMISSIONS: {'; '.join(hints)}. Student names are the entries' "
                         f"names without .py/.ipynb/.zip")
    return {path: name for path, name in names.items() if name in wanted}


def _failure_line(name, report):
    bad = [f"{t.name} {t.status.value}" for t in report.tasks if t.status is not Status.PASSED]
    return f"✗ {name}: {report.score:g}/{report.max_score:g} — " + ", ".join(bad[:6]) + (" ..." if len(bad) > 6 else "")


def autograde(options, say=print):
    """Run the whole flow for `options`; -> RunStats. Raises UsageError for bad input (nothing written yet)."""
    with using_language(options.lang):  # placeholder reports and the Markdown feedback speak the class's language
        return _autograde(options, say)


def _autograde(options, say):
    started = time.perf_counter()
    stats = RunStats()
    submissions, out = Path(options.submissions), Path(options.out)
    if not submissions.is_dir():
        raise UsageError(f"SUBMISSIONS must be a folder holding one entry per student; {submissions} is not a folder")
    backend = options.backend or choose_backend()
    workers = options.workers or os.cpu_count() or 1
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    entries = list_entries(submissions, exclude=[out])
    if not entries:
        raise UsageError(f"{submissions} holds no submissions (folders, .py, .ipynb or .zip files)")
    selected = _select(entries, options.only)
    if options.before and not any(is_git_checkout(path) for path in selected):
        raise UsageError(f"--before grades git checkouts at their last commit before the deadline, but no entry of "
                         f"{submissions} is a git checkout (clone the class with `gh classroom clone student-repos`)")
    profile = resolve_profile(options.train, options.profile)
    config = grading_config(options.train, profile, backend, options.limits(), options.lang)
    timeout = options.timeout or JOB_TIMEOUT + (options.budget or 0) + (TRAINING_TIMEOUT if options.train else 0)
    out.mkdir(parents=True, exist_ok=True)
    with Gradebook(out / GRADEBOOK) as gradebook:
        remove_stale_temps(out)
        stats.gone = sorted(set(gradebook.job_keys()) - set(student_names(entries).values()))
        remove_abandoned()  # staging, worker copies and fork-server stages of runs killed with kill -9
        # outside OUT, so the sandbox never sees the gradebook; the pid in the name lets a later run clean up after kill -9
        staging = owned_folder(STAGING_PREFIX)
        run_environment = _environment(isolation=backend.isolation, workers=workers, profile=profile,
                                       seeds=_seeds(options.train))
        run_id = gradebook.start_run({**config, "workers": workers, "force": options.force,
                                      "only": list(options.only)}, run_environment)
        try:
            pending = _stage_and_skip(selected, staging, config, gradebook, options, run_id, out, stats, say)
            stats.timings["collect"] = round(time.perf_counter() - started, 3)
            grading_started = time.perf_counter()
            _grade_pending(pending, config, gradebook, run_id, run_environment, out, options, workers, timeout,
                           backend, staging, stats, say)
            stats.timings["grading"] = round(time.perf_counter() - grading_started, 3)
            if options.train and options.train_cache:
                stats.training = training_stats(out, run_id)
            gradebook.update_run(run_id, finished=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        exports_started = time.perf_counter()
        _, stats.summary_text = export_all(out, out / GRADEBOOK)
        stats.timings["exports"] = round(time.perf_counter() - exports_started, 3)
    stats.timings["total"] = round(time.perf_counter() - started, 3)
    return stats


def _stage_and_skip(selected, staging, config, gradebook, options, run_id, out, stats, say):
    """Stage every selected entry; record unreadable ones now; -> [(staged, key)] still to grade."""
    recorded = gradebook.job_keys()
    pending = []
    for path, name in selected.items():
        stats.entries += 1
        try:
            staged = (stage_repo(path, name, staging, options.before) if is_git_checkout(path)
                      else stage(path, name, staging))
            key = job_key(staged.content_hash, config)
            if recorded.get(name) == key and not options.force and not options.only:
                stats.skipped += 1
                continue
            if not staged.readable:
                report = placeholder_report(name, config, Status.MISSING, _("not graded: {reason}").format(reason=staged.reason))
                _record(gradebook, out, staged, key, report, run_id)
                stats.unreadable += 1
                say(clean(f"✗ {name}: unreadable — {staged.reason}"))
                continue
        except Exception as error:  # noqa: BLE001 — one entry's failure must not stop the class
            _record_failure(gradebook, out, Staged(name, path.name, "other", content_hash="?"), config, run_id,
                            f"staging this entry failed ({type(error).__name__}: {error})", stats, say)
            continue
        pending.append((staged, key))
    return pending


def _record(gradebook, out, staged, key, report, run_id, wall_time=0.0):
    gradebook.record(staged, key, report, run_id, wall_time=wall_time)
    row = {"name": staged.name, "state": "graded" if staged.readable else "unreadable", "reason": staged.reason}
    write_student_files(out, row, report)


def _record_failure(gradebook, out, staged, config, run_id, why, stats, say):
    """Record that the grading machinery failed on `staged` (retried on the next run); never raises."""
    stats.failed_jobs += 1
    message = _("{why}; it is graded again on the next run").format(why=why)
    say(clean(f"✗ {staged.name}: {message}"))
    try:
        report = placeholder_report(staged.name, config, Status.ERROR, message)
        _record(gradebook, out, staged, RETRY_PREFIX + (staged.content_hash or "?"), report, run_id)
    except Exception:  # noqa: BLE001 — not even the failure could be stored: the next run grades it again
        pass


TRAINING_CACHE = "training-cache"  # beside the gradebook: it survives reruns and kill -9 as the gradebook does


def _cache_use(options, out, run_id):
    """The plain dict every grader child of this run gets for its training cache (None: train every network)."""
    if not options.train_cache:
        return None
    from grader.training.reuse import CacheUse
    return CacheUse(str(Path(out).resolve() / TRAINING_CACHE), verify=options.verify_cache, run=str(run_id)).to_dict()


def training_stats(out, run_id):
    """How run `run_id` used the training cache: networks trained, results reused, hits verified, mismatches."""
    from grader.training.cache import TrainingCache
    events = TrainingCache(Path(out) / TRAINING_CACHE).events(run=str(run_id))
    counts = {kind: sum(1 for e in events if e.get("event") == kind)
              for kind in ("trained", "reused", "verified", "mismatch")}
    counts["mismatches"] = [{k: e.get(k) for k in ("submission", "model", "recorded_accuracy", "test_accuracy")}
                            for e in events if e.get("event") == "mismatch"]
    return counts


def _grade_pending(pending, config, gradebook, run_id, run_environment, out, options, workers, timeout, backend,
                   staging, stats, say):
    if not pending:
        return
    from tqdm import tqdm
    by_name = {staged.name: (staged, key) for staged, key in pending}
    gpu_lock = str(Path(out) / ".gpu.lock") if config["train"] and config["profile"] == "gpu" else None
    limits = options.limits()
    cache = _cache_use(options, out, run_id) if config["train"] else None
    jobs = [Job(staged.name, {"path": str(staged.folder), "train": config["train"],
                              "profile": config["profile"] or "auto", "gpu_lock": gpu_lock,
                              **({"limits": limits} if limits else {}),
                              **({"lang": options.lang} if options.lang != "en" else {}),
                              **({"train_cache": {**cache, "who": staged.name}} if cache else {})})
            for staged, _ in pending]
    workers = min(workers, len(jobs))
    # N children on N cores: each gets its share of the cores for torch's thread pool, not all of them
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // workers)))
    bar = tqdm(total=len(jobs), unit="sub", desc="grading", disable=not options.progress, file=sys.stderr,
               dynamic_ncols=True)
    first_environment = []

    def on_outcome(job, outcome):
        try:
            record_outcome(job, outcome)
        except Exception as error:  # noqa: BLE001 — costs this submission, never the run
            _record_failure(gradebook, out, by_name[job.name][0], config, run_id,
                            f"recording this submission failed ({type(error).__name__}: {error})", stats, say)
        bar.update(1)

    def record_outcome(job, outcome):
        staged, key = by_name[job.name]
        report = None
        if outcome.report is not None:
            try:
                report = report_from_dict(job.name, outcome.report, config)
            except (KeyError, TypeError, ValueError) as error:
                outcome.kind, outcome.message = "error", f"the grading process sent a report that does not fit ({error})"
        graded = report is not None
        if not graded:
            status = {"timeout": Status.TIMEOUT, "crashed": Status.CRASHED}.get(outcome.kind, Status.ERROR)
            report = placeholder_report(job.name, config, status, outcome.message)
            key = RETRY_PREFIX + key
        elif not first_environment and report.environment:
            first_environment.append(report.environment)
            run_environment.update(device=report.environment.get("device"), grading=report.environment)
            gradebook.update_run(run_id, environment=run_environment)
        _record(gradebook, out, staged, key, report, run_id, wall_time=outcome.wall)
        if graded:
            stats.graded += 1
        else:
            stats.failed_jobs += 1
        stats.job_walls.append((job.name, outcome.wall, outcome.child_wall, sum(t.duration for t in report.tasks)))
        if any(t.status is not Status.PASSED for t in report.tasks):
            (bar.write if options.progress else say)(clean(_failure_line(job.name, report)))

    pool = GraderPool(backend, workers, timeout, str(staging), env)
    try:
        pool.run(jobs, on_outcome)
    finally:
        bar.close()
        stats.children, stats.timings["children_startup"] = pool.spawned, round(pool.startup_seconds, 3)
