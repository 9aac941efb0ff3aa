"""The worker's own namespaces and private root: not the host's root, not the host's files, not the host's network.

`enter_namespaces(host_uid)` unshares user + pid + net + mount namespaces; a helper still outside writes the
maps, so uid/gid 0 inside is the unprivileged `host_uid` outside (never the host's root): host files are
nobody's to chmod or chown, and the kernel counts the worker's processes against RLIMIT_NPROC.
`private_root(...)` then builds what the worker sees: a read-only root holding only the Python runtime and the
staged grader modules (read-only binds; the kit, tests, solutions and gradebooks absent or covered), /proc
read-only, /dev/null, /dev/zero and /dev/urandom as read-only binds (usable, but no chmod or utime reaches the
host's inode), and its working folder on a tmpfs of bounded size and inode count holding a copy of the
submission. Runs in the keeper (enter_namespaces) and the worker (open_sources, then private_root). Standard
library only.
"""
import ctypes
import os
import shutil
import stat

from grader.submission.sandbox import DEVICES_READ_ONLY, SYSTEM_READ_WRITE, check_call, libc

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = (1, 2, 4, 8, 32, 4096, 16384,
                                                                                    1 << 18)
MNT_DETACH = 2
DEVICES = SYSTEM_READ_WRITE + DEVICES_READ_ONLY
ROOT_TMPFS = "size=4m,nr_inodes=512,mode=755"
TMP_TMPFS = "size=16m,nr_inodes=1024,mode=1777"


def enter_namespaces(host_uid, host_gid):
    """unshare user+pid+net+mount (the next fork becomes pid 1 of the new pid namespace); inside, 0 is host_uid.

    The maps must be written from outside the new user namespace by a process allowed to map `host_uid`
    (root, or host_uid itself), so a helper forked first writes them. Raises OSError when it cannot be done.
    """
    me = os.getpid()
    ready, go = os.pipe()
    helper = os.fork()
    if helper == 0:  # still outside, with our privileges; writes the maps once we have unshared
        code = 1
        try:
            os.close(go)
            if os.read(ready, 1) == b"1":
                for name, text in (("setgroups", "deny"), ("uid_map", f"0 {host_uid} 1"),
                                   ("gid_map", f"0 {host_gid} 1")):
                    with open(f"/proc/{me}/{name}", "w") as handle:
                        handle.write(text)
                code = 0
        finally:
            os._exit(code)
    os.close(ready)
    try:
        check_call(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET), "unshare")
        os.write(go, b"1")
    finally:
        os.close(go)
        _, status = os.waitpid(helper, 0)
    if status != 0:
        raise OSError(1, f"the uid map (0 -> {host_uid}) could not be written")


def become_root_inside():
    """Take uid/gid 0 of our user namespace, i.e. the unprivileged host uid: no more host-root file ownership."""
    os.setresgid(0, 0, 0)
    os.setresuid(0, 0, 0)


def _mount(source, target, fstype, flags, data=None):
    check_call(libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")


def open_sources(paths):
    """[(path, real path, O_PATH fd, is a folder)] for the paths that exist, looked up with our current
    credentials: before the worker takes its unprivileged uid, so a runtime under a folder that uid may not
    enter (a Python in /root/.pyenv) can still be bound into its root; the binds then use the descriptors."""
    sources = []
    for path in dict.fromkeys(paths):
        real = os.path.realpath(path)
        try:
            fd = os.open(real, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue
        sources.append((path, real, fd, stat.S_ISDIR(os.fstat(fd).st_mode)))
    return sources


def _bind(root, source, flags):
    """Bind `source` (from open_sources) into `root` at its real path, then remount it with `flags`."""
    _, real, fd, is_folder = source
    inside = root + real
    if is_folder:
        os.makedirs(inside, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(inside), exist_ok=True)
        open(inside, "a").close()
    _mount(f"/proc/self/fd/{fd}", inside, None, MS_BIND | MS_REC)
    _mount(None, inside, None, MS_REMOUNT | MS_BIND | flags)


def private_root(root, sources, hidden, work, work_bytes, work_inodes):
    """Switch to a read-only tmpfs root holding only `sources` (open_sources of the read-only paths and DEVICES),
    /proc, /tmp and `work`.

    `work` becomes a tmpfs of `work_bytes` bytes and `work_inodes` inodes holding a copy of the host folder
    `work`/submission. Each of `hidden` that lies inside a bound folder is covered by an empty read-only tmpfs.
    Must run as pid 1 of the new pid namespace (so /proc shows only the sandbox's processes).
    """
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    os.makedirs(root, exist_ok=True)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, ROOT_TMPFS)
    for name in ("proc", "tmp"):
        os.makedirs(f"{root}/{name}", exist_ok=True)
    _mount("tmpfs", f"{root}/tmp", "tmpfs", MS_NOSUID | MS_NODEV, TMP_TMPFS)  # before binds under /tmp
    mirrored = []
    for source in sources:
        path, real, fd, _ = source
        if real in DEVICES:  # read-only, but not nodev: writing /dev/null works, changing its inode does not
            _bind(root, source, MS_RDONLY | MS_NOSUID)
        elif not any(real == m or real.startswith(m + os.sep) for m in mirrored):
            _bind(root, source, MS_RDONLY | MS_NOSUID | MS_NODEV)
            mirrored.append(real)
            if real != os.path.abspath(path) and not os.path.lexists(root + path):
                os.makedirs(os.path.dirname(root + path), exist_ok=True)
                os.symlink(real, root + path)
        os.close(fd)
    for path in hidden:
        inside = root + os.path.realpath(path)
        if os.path.isdir(inside):
            _mount("tmpfs", inside, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=555")
    os.makedirs(root + work, exist_ok=True)
    _mount("tmpfs", root + work, "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={int(work_bytes)},nr_inodes={int(work_inodes)},mode=700")
    shutil.copytree(os.path.join(work, "submission"), root + os.path.join(work, "submission"), symlinks=True)
    _mount("proc", f"{root}/proc", "proc", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.chdir(root)
    check_call(libc.pivot_root(b".", b"."), "pivot_root")
    check_call(libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
