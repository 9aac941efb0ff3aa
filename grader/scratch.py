"""Temporary folders named after the process that owns them, so a later run can remove those of dead owners."""
import os
import shutil
import tempfile
from pathlib import Path

# every prefix the kit creates folders under: autograde's staging, each worker's copy, the fork server's stage
STAGING, WORKER, FORK_SERVER_STAGE = "d2l-autograde-", "d2l-worker-", "d2l-grader-stage-"
PREFIXES = (STAGING, WORKER, FORK_SERVER_STAGE)


def owned_folder(prefix):
    """A new folder <tmp>/<prefix><our pid>-<random>: `kill -9` cannot remove it, remove_abandoned() later can."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def owner_is_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, and someone else's
        return True
    return True


def remove_abandoned(prefixes=PREFIXES, root=None):
    """Remove the folders under `prefixes` whose owner process is gone; -> the folders removed."""
    removed = []
    for prefix in prefixes:
        for folder in Path(root or tempfile.gettempdir()).glob(f"{prefix}*-*"):
            pid = folder.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and not owner_is_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed
