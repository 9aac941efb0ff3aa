"""Landlock: the kernel's own allow-list of paths for the worker, plus TCP and cross-sandbox signals/sockets.

`apply_landlock(read_only, read_write)` restricts the calling process and its children to those paths, denies
TCP bind/connect (ABI >= 4) and signals or abstract unix sockets reaching outside the sandbox (ABI >= 6); it
returns the names of what is enforced ([] where Landlock is absent). Landlock covers neither UDP nor connect()
to a unix socket path: the seccomp layer does (grader.submission.seccomp). Standard library only.
"""
import ctypes
import os
import struct

from grader.submission.sandbox import PR_SET_NO_NEW_PRIVS, check_call, libc, prctl

# same syscall numbers on every architecture
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LL_EXECUTE, LL_WRITE_FILE, LL_READ_FILE, LL_READ_DIR = 1, 2, 4, 8
LL_FS_V1 = (1 << 13) - 1
LL_FS_BY_ABI = {1: LL_FS_V1, 2: LL_FS_V1 | 1 << 13, 3: LL_FS_V1 | 3 << 13}
LL_FILE_RIGHTS = LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | 1 << 14 | 1 << 15  # the rights a file rule may hold
LL_NET_BIND_TCP, LL_NET_CONNECT_TCP = 1, 2
LL_SCOPE_ABSTRACT_UNIX, LL_SCOPE_SIGNAL = 1, 2


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


def landlock_abi():
    version = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
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
    ruleset = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, attr, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
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
                result = libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, 1, rule, 0)
                os.close(fd)
                check_call(0 if result == 0 else -1, f"landlock rule for {path}")
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        check_call(libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return [f"landlock-fs(abi {abi})"] + (["landlock-tcp"] if net else []) + (["landlock-signal-scope"] if scoped else [])
