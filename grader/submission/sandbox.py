"""The worker's limits and the layers every mode shares: an unprivileged uid, rlimits, capabilities, process trees.

The layers, each applied only where the platform allows and each reported by name (worker_main._isolate):
  - a cgroup per worker tree: pids.max, a memory limit for the whole tree, killed as a whole (cgroups.py);
  - user + pid + net + mount namespaces and a private root (namespaces.py): no network, pid 1 of its own pid
    namespace, uid 0 inside mapped to an unprivileged host uid, a read-only root without the kit, /proc
    read-only, private devices, the working folder on a size- and inode-limited tmpfs;
  - Landlock (landlock.py): the same filesystem allow-list enforced by the kernel, TCP denied, signals and
    abstract sockets scoped; seccomp (seccomp.py): no new sockets, no connect(), no timestamp changes;
  - here: the unprivileged host uid a worker runs as (`sandbox_uid`; without namespaces it is dropped to
    directly), rlimits (address space — CPU-only workers, RLIMIT_AS breaks CUDA —, file size, processes, CPU
    seconds, open files, no core files), capabilities dropped, and the process-tree helpers of the keepers
    and the fork server (subreapers, pidfd kills, sweeps).
Runs in the fork server, the keepers and the workers (after fork, before any student code); standard library only.
"""
import ctypes
import ctypes.util
import errno
import os
import resource
import signal
import stat
import struct
from dataclasses import asdict, dataclass

libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_KEEPCAPS, PR_CAPBSET_DROP, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = (
    1, 4, 8, 24, 36, 38)
CAP_DAC_READ_SEARCH = 2

# System paths a CPU-only Python + torch needs to keep running (read-only; absent ones are skipped)
SYSTEM_READ_ONLY = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/ld.so.cache", "/etc/localtime",
                    "/sys/devices/system/cpu")
DEVICES_READ_ONLY = ("/dev/zero", "/dev/urandom", "/dev/random")
SYSTEM_READ_WRITE = ("/dev/null",)
# A grader running as root runs each worker as SANDBOX_UID_BASE + its keeper's pid: a uid no account uses
# (pid_max <= 2**22 keeps it below 2**31), one per live worker, so RLIMIT_NPROC counts that worker's processes only
SANDBOX_UID_BASE = 2_100_000_000


@dataclass
class Limits:
    """Per-submission limits (seconds, MiB). `memory_mb` is added to the fork server's own address space (per
    process) and is the memory limit of the worker's whole tree where a cgroup is available."""
    timeout: float = 30.0       # one question
    budget: float = 120.0       # all questions of one submission, worker restarts included
    memory_mb: int = 4096
    file_mb: int = 64
    disk_mb: int = 128          # the worker's folder (a tmpfs), on top of the submission's own files
    inodes: int = 4096          # files and folders in the worker's folder
    processes: int = 64
    open_files: int = 256
    output_kb: int = 64         # the worker's raw stdout/stderr kept by the grader (the rest is counted, dropped)

    def to_dict(self):
        return asdict(self)


def check_call(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def prctl(option, value):
    check_call(libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


def become_subreaper():
    prctl(PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent():
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


# ---- process trees ----------------------------------------------------------------------------------------------

def children_of(pid):
    """Direct children of `pid` (this process's subreaper orphans included)."""
    found = set()
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as listing:
                found.update(int(p) for p in listing.read().split())
        return found
    except OSError:  # no CONFIG_PROC_CHILDREN: scan every process's parent
        pass
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.add(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def kill_quietly(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def descendants(pid):
    """Every process below `pid` now (a snapshot: the caller kills and sweeps again for any born since)."""
    found, frontier = [], [pid]
    while frontier and len(found) < 100_000:
        children = children_of(frontier.pop())
        found += children
        frontier += children
    return found


def kill_tree(pid):
    """SIGKILL `pid` and every descendant, each through a pidfd (a pid reused meanwhile is never hit)."""
    for target in [pid] + descendants(pid):
        try:
            fd = os.pidfd_open(target)
        except (OSError, AttributeError):  # gone already, or no pidfd (Linux < 5.3): a plain kill
            kill_quietly(target)
            continue
        try:
            signal.pidfd_send_signal(fd, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        finally:
            os.close(fd)


def reap_all():
    """Collect every finished child without blocking; -> {pid: wait status}."""
    done = {}
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return done
        if pid == 0:
            return done
        done[pid] = status


# ---- privileges -------------------------------------------------------------------------------------------------

def sandbox_uid(keeper_pid):
    """The host uid (= gid) a worker runs as: an unused one per worker when we are root, else our own (never 0)."""
    return SANDBOX_UID_BASE + keeper_pid if os.geteuid() == 0 else os.geteuid()


def reachable_by_others(path):
    """True when a uid with no rights of its own can enter every folder on the way to `path` and read it."""
    real = os.path.realpath(path)
    try:
        mode = os.stat(real).st_mode
        folders = [os.path.dirname(real)]
        while folders[-1] != os.path.dirname(folders[-1]):
            folders.append(os.path.dirname(folders[-1]))
        if not all(os.stat(folder).st_mode & stat.S_IXOTH for folder in folders):
            return False
    except OSError:
        return True  # absent: nothing to reach
    wanted = stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)
    return mode & wanted == wanted


def drop_to(uid, keep_read_search=False):
    """Become `uid`/`uid` with no supplementary groups (root only; without namespaces, before student code runs).

    `keep_read_search`: keep CAP_DAC_READ_SEARCH alone, for a Python runtime under a folder others may not
    enter (/root/.pyenv): the worker may then read (never write) files outside its folder; Landlock, where
    present, still decides which. open_by_handle_at, the one thing that capability adds, is refused by seccomp.
    """
    kept = 1 << CAP_DAC_READ_SEARCH if keep_read_search else 0
    _drop_bounding_set(except_mask=kept)
    if kept:
        prctl(PR_SET_KEEPCAPS, 1)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _set_capabilities(kept)


def _drop_bounding_set(except_mask=0):
    for cap in range(64):
        if not except_mask >> cap & 1 and libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 \
                and ctypes.get_errno() == errno.EINVAL:
            break


def _set_capabilities(mask):
    """Effective = permitted = `mask` (capabilities 0-31), inheritable none."""
    header = struct.pack("Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    check_call(libc.capset(header, struct.pack("6I", mask, mask, 0, 0, 0, 0)), "capset")


def drop_capabilities():
    """No capabilities left (the namespaces' owner gets a full set): mounts can't be undone, nothing regained."""
    _drop_bounding_set()
    _set_capabilities(0)


# ---- rlimits ----------------------------------------------------------------------------------------------------

def _vm_size():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_rlimits(limits, use_cuda=False):
    """-> names of the limits set. RLIMIT_AS only without CUDA (the CUDA driver reserves huge address ranges).
    Call it as the worker's own uid (sandbox_uid, never 0): the kernel does not count root's processes."""
    applied = []
    wanted = {
        "RLIMIT_FSIZE": limits.file_mb * 1024 * 1024,
        "RLIMIT_NPROC": limits.processes,
        "RLIMIT_NOFILE": limits.open_files,
        "RLIMIT_CORE": 0,
        # CPU seconds: the wall-clock budget is the real limit; this stops a worker whose grader is gone
        "RLIMIT_CPU": int(limits.budget * max(1, os.cpu_count() or 1)) + 30,
    }
    if not use_cuda:
        wanted["RLIMIT_AS"] = _vm_size() + limits.memory_mb * 1024 * 1024
    for name, value in wanted.items():
        resource.setrlimit(getattr(resource, name), (value, value))
        applied.append(name)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big file is an OSError for the student, not a kill
    return applied
