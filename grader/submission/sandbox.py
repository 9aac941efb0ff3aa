"""The worker's isolation layers (Linux): resource limits, namespaces, a private root, Landlock, process-tree kill.

Layers, strongest first, each applied only where the platform allows and each reported by name:
  - user + pid + net + mount namespaces: no network at all, the worker is pid 1 of its own pid namespace (killing
    it kills every descendant, daemonised or not), and it sees a private root holding only the Python runtime,
    the staged grader modules and its own working folder (the kit, its tests, solutions and gradebooks are absent);
  - Landlock: the same filesystem allow-list enforced by the kernel, TCP bind/connect denied (ABI >= 4), signals
    and abstract sockets outside the sandbox denied (ABI >= 6);
  - rlimits: address space (CPU-only workers: RLIMIT_AS breaks CUDA, and workers never use the GPU), file size,
    processes, CPU seconds, open files, no core files; no_new_privs; capabilities dropped;
  - always: a child subreaper per worker, so orphans of a killed worker are found and SIGKILLed.
Runs inside the forked worker (after fork, before any student code); standard library only.
"""
import ctypes
import ctypes.util
import errno
import os
import resource
import signal
import struct
from dataclasses import asdict, dataclass

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 36, 38
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
# Landlock (same syscall numbers on every architecture)
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LL_EXECUTE, LL_WRITE_FILE, LL_READ_FILE, LL_READ_DIR = 1, 2, 4, 8
LL_FS_V1 = (1 << 13) - 1
LL_FS_BY_ABI = {1: LL_FS_V1, 2: LL_FS_V1 | 1 << 13, 3: LL_FS_V1 | 3 << 13}
LL_FILE_RIGHTS = LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | 1 << 14 | 1 << 15  # the rights a file rule may hold
LL_NET_BIND_TCP, LL_NET_CONNECT_TCP = 1, 2
LL_SCOPE_ABSTRACT_UNIX, LL_SCOPE_SIGNAL = 1, 2

# System paths a CPU-only Python + torch needs to keep running (read-only; absent ones are skipped)
SYSTEM_READ_ONLY = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/ld.so.cache", "/etc/localtime",
                    "/sys/devices/system/cpu", "/dev/urandom", "/dev/random", "/dev/zero")
SYSTEM_READ_WRITE = ("/dev/null",)


@dataclass
class Limits:
    """Per-submission limits (seconds, MiB). `memory_mb` is added to the fork server's own address space."""
    timeout: float = 60.0       # one question
    budget: float = 600.0       # all questions of one submission, worker restarts included
    memory_mb: int = 4096
    file_mb: int = 64
    processes: int = 64
    open_files: int = 256
    output_kb: int = 64         # the worker's raw stdout/stderr kept by the grader (the rest is counted, dropped)

    def to_dict(self):
        return asdict(self)


def _check(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def prctl(option, value):
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


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


# ---- namespaces and a private root ------------------------------------------------------------------------------

def enter_namespaces():
    """unshare user+pid+net+mount namespaces (the next fork becomes pid 1); maps our own uid/gid to themselves."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET), "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")


def _mirror(root, path, read_only):
    """Bind `path` into `root` at the same absolute path."""
    inside = root + path
    if os.path.isdir(path):
        os.makedirs(inside, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(inside), exist_ok=True)
        open(inside, "a").close()
    _mount(path, inside, None, MS_BIND | MS_REC)
    if read_only:
        _mount(None, inside, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def expand_allowed(paths, hidden):
    """`paths` with every `hidden` path cut out: a folder holding one is replaced by its other entries (recursively).

    Landlock only ever adds access, so a site-packages holding an installed `solutions/` is allowed entry by entry.
    """
    hidden = [os.path.realpath(h) for h in hidden]
    allowed = []
    for path in paths:
        real = os.path.realpath(path)
        if any(real == h or real.startswith(h + os.sep) for h in hidden):
            continue
        if os.path.isdir(real) and any(h.startswith(real + os.sep) for h in hidden):
            allowed += expand_allowed([os.path.join(real, entry) for entry in sorted(os.listdir(real))], hidden)
        else:
            allowed.append(path)
    return allowed


def private_root(root, read_only, read_write, hidden=()):
    """Switch to a tmpfs root holding only the listed paths (plus a fresh /proc and /tmp); old root detached.

    Each of `hidden` that lies inside a listed folder is covered by an empty read-only tmpfs.
    Must run as pid 1 of the new pid namespace (so /proc shows only the sandbox's processes).
    """
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    os.makedirs(root, exist_ok=True)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=755")
    for name in ("proc", "tmp"):
        os.makedirs(f"{root}/{name}", exist_ok=True)
    _mount("tmpfs", f"{root}/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")  # before mirrors under /tmp
    mirrored = []
    for paths, ro in ((read_only, True), (read_write, False)):
        for path in paths:
            real = os.path.realpath(path)
            if os.path.exists(path) and not any(real == m or real.startswith(m + os.sep) for m in mirrored):
                _mirror(root, real, ro)
                mirrored.append(real)
                if os.path.realpath(path) != os.path.abspath(path) and not os.path.lexists(root + path):
                    os.makedirs(os.path.dirname(root + path), exist_ok=True)
                    os.symlink(os.path.realpath(path), root + path)
    for path in hidden:
        inside = root + os.path.realpath(path)
        if os.path.isdir(inside):
            _mount("tmpfs", inside, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=555")
    _mount("proc", f"{root}/proc", "proc", MS_NOSUID | MS_NODEV)
    os.chdir(root)
    _check(_libc.pivot_root(b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")


def drop_capabilities():
    """No capabilities left (the namespaces' owner gets a full set): mounts can't be undone, nothing regained."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == errno.EINVAL:
            break
    header = struct.pack("Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    _check(_libc.capset(header, bytes(24)), "capset")


# ---- rlimits ----------------------------------------------------------------------------------------------------

def _vm_size():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_rlimits(limits, use_cuda=False):
    """-> names of the limits set. RLIMIT_AS only without CUDA (the CUDA driver reserves huge address ranges)."""
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
    if os.geteuid() == 0:  # the kernel never counts root's processes against RLIMIT_NPROC
        applied.remove("RLIMIT_NPROC")
    return applied


# ---- Landlock ---------------------------------------------------------------------------------------------------

def landlock_abi():
    version = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(0, version)


def apply_landlock(read_only, read_write):
    """Restrict this process (and its children) to the listed paths; -> list of what is enforced, [] if none."""
    abi = landlock_abi()
    if abi < 1:
        return []
    fs = LL_FS_BY_ABI.get(abi, LL_FS_BY_ABI[3] | (1 << 15 if abi >= 5 else 0))
    net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP if abi >= 4 else 0
    scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL if abi >= 6 else 0
    attr = struct.pack("QQQ", fs, net, scoped)[: 8 if abi < 4 else 16 if abi < 6 else 24]
    ruleset = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, attr, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        return []
    try:
        for paths, rights in ((read_only, LL_EXECUTE | LL_READ_FILE | LL_READ_DIR), (read_write, fs)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                allowed = rights if os.path.isdir(path) else rights & LL_FILE_RIGHTS & fs
                rule = struct.pack("=Qi", allowed, fd)
                result = _libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, 1, rule, 0)
                os.close(fd)
                _check(0 if result == 0 else -1, f"landlock rule for {path}")
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return [f"landlock-fs(abi {abi})"] + (["landlock-tcp"] if net else []) + (["landlock-signal-scope"] if scoped else [])
