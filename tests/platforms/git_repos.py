"""Student repositories as `gh classroom clone` leaves them: git checkouts whose commits carry fixed dates."""
import os
import subprocess
from pathlib import Path


def git(repo, *args, date=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Student", "GIT_AUTHOR_EMAIL": "student@example.edu",
           "GIT_COMMITTER_NAME": "Student", "GIT_COMMITTER_EMAIL": "student@example.edu",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def make_repo(root, name, files=None):
    """A new repository `root/name`, optionally holding `files` (relative path -> text), not yet committed."""
    repo = Path(root) / name
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    write(repo, files or {})
    return repo


def write(repo, files):
    for relative, text in files.items():
        path = Path(repo) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def commit(repo, date, message="work", files=None):
    """Commit `files` (and every change in the working tree) at `date` (ISO 8601); -> the commit's sha."""
    write(repo, files or {})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def snapshot(repo):
    """What a grader must leave untouched: HEAD, the index and working tree status, every file's bytes."""
    files = {str(p.relative_to(repo)): p.read_bytes() for p in sorted(Path(repo).rglob("*"))
             if p.is_file() and not p.is_symlink() and ".git" not in p.relative_to(repo).parts[:1]}
    return git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain", "--ignored"), files
