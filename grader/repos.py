"""A GitHub Classroom's repositories: each student's git checkout -> the files of its assignments/ at one commit.

`gh classroom clone student-repos` makes one folder per student, each a git checkout. Only `assignments/` at the
graded commit counts — the last commit before `--before DATE`, else HEAD — and everything else in the repository
(working tree, workflows, tests, kit/, .git) is ignored. Nothing in the student's repository is checked out or
changed: the commit's files are read with git plumbing (rev-list, ls-tree, cat-file, which run no hooks, filters
or fsmonitor) into the staging area. Dates are committer dates, which the student's machine sets.
"""
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from grader.collect import JUNK, MAX_ENTRY_BYTES, MAX_FILES, SOURCE_SUFFIXES, Staged, folder_hash

GRADED_FOLDER = "assignments"
GIT_TIMEOUT = 60
REGULAR_FILES = ("100644", "100755")   # symlinks (120000) and submodules (160000) are never followed


class Unreadable(Exception):
    """This repository cannot be graded; the message says why."""


@dataclass
class StagedRepo(Staged):
    commit: str = ""     # the commit whose assignments/ was staged


def is_git_checkout(path):
    """A clone's own .git folder. A `.git` file (`gitdir: ...`) or link could point at another student's repository,
    so such a folder is an ordinary entry, never read as a repository."""
    dot_git = Path(path) / ".git"
    return Path(path).is_dir() and not Path(path).is_symlink() and dot_git.is_dir() and not dot_git.is_symlink()


# a repository can borrow objects (alternates) or its whole state (commondir) from another one on this machine
BORROWED = ("objects/info/alternates", "commondir")


def parse_deadline(text):
    """An aware datetime for --before: ISO 8601 (2026-12-01T23:59+08:00); no offset: local time; a date alone: the
    start of that day. Raises ValueError saying what is accepted."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--before {text!r} is not a date; write it as ISO 8601, e.g. 2026-12-01T23:59:00+08:00 "
                         f"(without an offset it is local time; a date alone means the start of that day)") from None
    return moment if moment.tzinfo else moment.astimezone()


def _git(repo, *args, data=None):
    """Run git in `repo` with the user's and the system's configuration ignored; -> stdout bytes."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "HOME": "/nonexistent"}
    # safe.directory: the clones may belong to another user; reading them is what we came for
    command = ["git", "-c", f"safe.directory={Path(repo).resolve()}", "-c", "core.fsmonitor=false", "-C", str(repo),
               *args]
    try:
        done = subprocess.run(command, input=data, capture_output=True, env=env, timeout=GIT_TIMEOUT)
    except FileNotFoundError:
        raise Unreadable("git is not installed; install it to grade repositories") from None
    except subprocess.TimeoutExpired:
        raise Unreadable(f"git {args[0]} took more than {GIT_TIMEOUT} s") from None
    if done.returncode:
        raise Unreadable(f"git {args[0]} failed: {done.stderr.decode(errors='replace').strip()[:300]}")
    return done.stdout


def graded_commit(repo, before=None):
    """The commit to grade: the last on HEAD's first-parent line committed before `before` (aware datetime)."""
    limit = [f"--before={before.isoformat()}"] if before else []
    sha = _git(repo, "rev-list", "-n", "1", "--first-parent", *limit, "HEAD").decode().strip()
    if not sha:
        raise Unreadable(f"no commit before {before.isoformat()} (the deadline): nothing was handed in in time")
    return sha


def _tree_entries(repo, commit):
    """(mode, blob sha, path inside assignments/) of every file under assignments/ at `commit`."""
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", GRADED_FOLDER + "/")
    entries = []
    for record in filter(None, listing.split(b"\0")):
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.decode().split()
        relative = PurePosixPath(path.decode("utf-8", errors="replace")).relative_to(GRADED_FOLDER)
        if kind == "blob" and mode in REGULAR_FILES and ".." not in relative.parts \
                and not any(part in JUNK for part in relative.parts):
            entries.append((sha, relative))
    return entries


def export_folder(repo, commit, target):
    """Write the regular files of assignments/ at `commit` into `target` (size-capped like any other entry)."""
    entries = _tree_entries(repo, commit)
    if not entries:
        raise Unreadable(f"commit {commit[:12]} has no {GRADED_FOLDER}/ folder with files; commit your work in "
                         f"{GRADED_FOLDER}/")
    if len(entries) > MAX_FILES:
        raise Unreadable(f"{GRADED_FOLDER}/ holds more than {MAX_FILES} files at commit {commit[:12]}")
    sizes = _git(repo, "cat-file", "--batch-check=%(objectsize)", data="".join(f"{sha}\n" for sha, _ in entries).encode())
    if sum(int(size) for size in sizes.split()) > MAX_ENTRY_BYTES:
        raise Unreadable(f"{GRADED_FOLDER}/ at commit {commit[:12]} holds more than {MAX_ENTRY_BYTES // 2**20} MiB; "
                         f"commit only your .py/.ipynb files (clear large notebook outputs)")
    blobs = _git(repo, "cat-file", "--batch", data="".join(f"{sha}\n" for sha, _ in entries).encode())
    offset = 0
    for _, relative in entries:  # each answer: "<sha> blob <size>\n<content>\n", in the order asked
        header_end = blobs.index(b"\n", offset)
        size = int(blobs[offset:header_end].split()[2])
        destination = Path(target).joinpath(*relative.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(blobs[header_end + 1:header_end + 1 + size])
        offset = header_end + 1 + size + 1
    top = sorted(path.name for path in Path(target).iterdir() if path.is_file())
    if not any(Path(name).suffix.lower() in SOURCE_SUFFIXES for name in top):
        listing = ", ".join(top[:8]) + (" ..." if len(top) > 8 else "") if top else "only subfolders"
        raise Unreadable(f"{GRADED_FOLDER}/ at commit {commit[:12]} holds no .py or .ipynb file at its top level (it "
                         f"holds: {listing}); your work goes in {GRADED_FOLDER}/counting.py, vgg.py, nin.py, alexnet.py")


def stage_repo(path, name, staging_root, before=None):
    """A StagedRepo for the checkout `path`: assignments/ at the graded commit in staging_root/<name>, or why not."""
    path, target = Path(path), Path(staging_root) / name
    commit = ""
    try:
        borrowed = [name for name in BORROWED if (path / ".git" / name).exists()]
        if borrowed:
            raise Unreadable(f"its .git reads another repository ({', '.join(borrowed)}); clone it again on its own "
                             f"(git clone --no-local, without --reference/--shared)")
        commit = graded_commit(path, before)
        target.mkdir(parents=True)
        export_folder(path, commit, target)
    except (Unreadable, OSError) as error:
        shutil.rmtree(target, ignore_errors=True)
        reason = str(error) if isinstance(error, Unreadable) else f"could not be read ({type(error).__name__}: {error})"
        return StagedRepo(name, path.name, "git", reason=reason, content_hash=_hash(commit or reason), commit=commit)
    # the commit is part of the content: a regrade at another deadline records the commit it graded
    return StagedRepo(name, path.name, "git", folder=target, content_hash=_hash(folder_hash(target) + commit),
                      commit=commit)


def _hash(text):
    return hashlib.sha256(text.encode()).hexdigest()
