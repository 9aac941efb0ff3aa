"""One cgroup per worker: a process-count and memory limit for its whole tree, and a kill no student code can dodge.

What the host offers is detected at run time (`detect()`), in this order:
  - cgroup v2 where our own cgroup delegates `pids` and `memory` to its children (they are in its
    cgroup.subtree_control, or can be put there): a child cgroup with pids.max and memory.max, killed with
    cgroup.kill (Linux >= 5.14) or by freezing it, SIGKILLing every member and thawing it;
  - cgroup v1 with writable `pids` and/or `memory` hierarchies: a child of our own cgroup in each (and in
    `freezer` when mounted), pids.max and memory.limit_in_bytes, killed by freezing, SIGKILLing every member,
    thawing — or, without a freezer, SIGKILLing every member until none is left (pids.max bounds the race);
  - neither: detect() says why, and the fork server falls back to pidfds and its subreaper sweep.
A member that is killed can neither fork nor leave: whatever the student clears (parent-death signals) or
starts (daemons, double forks, setsid), it stays in the cgroup until the cgroup is empty. Folders are named
`d2l-<owner pid>-<n>`, so a later fork server removes those a killed one left behind (`remove_abandoned`).
Standard library only (the fork server runs it).
"""
import errno
import os
import signal
import time
from dataclasses import dataclass, field

PREFIX = "d2l-"
CONTROLLERS = ("pids", "memory")


@dataclass
class Host:
    """Where worker cgroups are made: v1 -> a parent folder per hierarchy used; v2 -> {"unified": folder}."""
    version: int
    parents: dict                                   # controller (or "unified") -> our own cgroup's folder
    freezer: str = None                             # v1 freezer parent folder, when mounted and writable
    controllers: tuple = ()                         # of CONTROLLERS, those limits are set for

    def describe(self):
        return f"cgroup v{self.version} ({', '.join(self.controllers)})"


def _read(path):
    with open(path) as handle:
        return handle.read()


def _write(path, text):
    with open(path, "w") as handle:
        handle.write(text)


def _mounts(fstype):
    """Mount points of `fstype` -> their super options, from /proc/self/mountinfo."""
    found = {}
    for line in _read("/proc/self/mountinfo").splitlines():
        before, _, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(fields) >= 5 and len(tail) >= 3 and tail[0] == fstype:
            found[fields[4].replace("\\040", " ")] = set(tail[2].split(","))
    return found


def _own_paths():
    """Our cgroup path per v1 controller, and under "" the v2 path (from /proc/self/cgroup)."""
    paths = {}
    for line in _read("/proc/self/cgroup").splitlines():
        _, names, path = line.split(":", 2)
        for name in names.split(",") if names else [""]:
            paths[name] = path
    return paths


def _can_make_children(folder):
    probe = os.path.join(folder, f"{PREFIX}probe-{os.getpid()}")
    try:
        os.mkdir(probe)
        os.rmdir(probe)
        return True
    except OSError:
        return False


def _detect_v2(own):
    for mount in _mounts("cgroup2"):
        folder = os.path.normpath(os.path.join(mount, own.get("", "/").lstrip("/")))
        try:
            available = set(_read(os.path.join(folder, "cgroup.controllers")).split())
        except OSError:
            continue
        wanted = [c for c in CONTROLLERS if c in available]
        if not wanted:
            return None, f"cgroup v2 at {mount} offers neither pids nor memory here"
        try:
            enabled = set(_read(os.path.join(folder, "cgroup.subtree_control")).split())
            if not set(wanted) <= enabled:
                _write(os.path.join(folder, "cgroup.subtree_control"), " ".join(f"+{c}" for c in wanted))
        except OSError as error:  # EBUSY: our cgroup holds processes (v2 allows controllers only between leaves)
            return None, (f"cgroup v2: cannot delegate {'+'.join(wanted)} from {folder} ({error.strerror}); run the "
                          f"grader in a delegated cgroup, e.g. `systemd-run --user --scope -p Delegate=yes`")
        if not _can_make_children(folder):
            return None, f"cgroup v2: {folder} is not writable"
        return Host(2, {"unified": folder}, controllers=tuple(wanted)), ""
    return None, "no cgroup v2 mount"


def _detect_v1(own):
    parents, freezer = {}, None
    for mount, options in _mounts("cgroup").items():
        for controller in [c for c in CONTROLLERS + ("freezer",) if c in options]:
            folder = os.path.normpath(os.path.join(mount, own.get(controller, "/").lstrip("/")))
            if os.path.isdir(folder) and _can_make_children(folder):
                if controller == "freezer":
                    freezer = folder
                else:
                    parents.setdefault(controller, folder)
    if not parents:
        return None, "no writable cgroup v1 pids or memory hierarchy"
    return Host(1, parents, freezer, tuple(c for c in CONTROLLERS if c in parents)), ""


def detect():
    """(Host, "") where worker cgroups can be made, else (None, why not) — never raises."""
    try:
        own = _own_paths()
        host, why_v2 = _detect_v2(own)
        if host:
            return host, ""
        host, why_v1 = _detect_v1(own)
        return (host, "") if host else (None, f"{why_v2}; {why_v1}")
    except (OSError, ValueError) as error:
        return None, f"cgroups unreadable ({error})"


@dataclass
class WorkerGroup:
    """The cgroup (one folder per hierarchy) of one worker tree."""
    host: Host
    folders: list = field(default_factory=list)     # every folder made, the freezer's included
    freezer: str = None

    @classmethod
    def create(cls, host, name, processes, memory_bytes):
        group = cls(host)
        try:
            if host.version == 2:
                folder = os.path.join(host.parents["unified"], name)
                os.mkdir(folder)
                group.folders.append(folder)
                if "pids" in host.controllers:
                    _write(os.path.join(folder, "pids.max"), str(processes))
                if "memory" in host.controllers:
                    _write(os.path.join(folder, "memory.max"), str(memory_bytes))
                    _write_if_present(os.path.join(folder, "memory.swap.max"), "0")
                group.freezer = folder
            else:
                for controller, parent in host.parents.items():
                    folder = os.path.join(parent, name)
                    os.mkdir(folder)
                    group.folders.append(folder)
                    if controller == "pids":
                        _write(os.path.join(folder, "pids.max"), str(processes))
                    else:
                        _write(os.path.join(folder, "memory.limit_in_bytes"), str(memory_bytes))
                        _write_if_present(os.path.join(folder, "memory.memsw.limit_in_bytes"), str(memory_bytes))
                if host.freezer:
                    group.freezer = os.path.join(host.freezer, name)
                    os.mkdir(group.freezer)
                    group.folders.append(group.freezer)
        except OSError:
            group.remove()
            raise
        return group

    @classmethod
    def existing(cls, host, name):
        """The group called `name` as it is on disk (for one a killed fork server left behind)."""
        parents = list(host.parents.values()) + ([host.freezer] if host.freezer else [])
        group = cls(host, [os.path.join(p, name) for p in parents if os.path.isdir(os.path.join(p, name))])
        frozen_by = group.folders[0] if host.version == 2 and group.folders else (
            os.path.join(host.freezer, name) if host.freezer else None)
        group.freezer = frozen_by if frozen_by in group.folders else None
        return group

    def join(self):
        """Move the calling process into every folder of the group (its later children are born inside)."""
        for folder in self.folders:
            _write(os.path.join(folder, "cgroup.procs"), "0")

    def members(self):
        found = set()
        for folder in self.folders:
            try:
                found.update(int(pid) for pid in _read(os.path.join(folder, "cgroup.procs")).split())
            except OSError:
                pass
        return found

    def kill(self, timeout=5.0):
        """SIGKILL every member and wait until none is left (their parents reap them); -> True when empty."""
        deadline = time.monotonic() + timeout
        if not self.folders:
            return True
        killed_at_once = self.host.version == 2 and _write_if_present(os.path.join(self.folders[0], "cgroup.kill"), "1")
        if not killed_at_once and self.freezer:
            self._freeze(True, deadline)
            for pid in self.members():
                _kill(pid)
            self._freeze(False, deadline)
        while time.monotonic() < deadline:
            members = self.members()
            if not members:
                return True
            for pid in members:  # without a freezer (or if one escaped freezing): again, until none is left
                _kill(pid)
            time.sleep(0.005)
        return not self.members()

    def _freeze(self, frozen, deadline):
        if self.host.version == 2:
            _write(os.path.join(self.freezer, "cgroup.freeze"), "1" if frozen else "0")
            while frozen and "frozen 1" not in _read(os.path.join(self.freezer, "cgroup.events")):
                if time.monotonic() > deadline:
                    return
                time.sleep(0.001)
            return
        _write(os.path.join(self.freezer, "freezer.state"), "FROZEN" if frozen else "THAWED")
        while frozen and _read(os.path.join(self.freezer, "freezer.state")).strip() != "FROZEN":
            if time.monotonic() > deadline:
                return
            time.sleep(0.001)

    def remove(self):
        """Remove the (empty) folders; -> True when all are gone."""
        gone = True
        for folder in reversed(self.folders):
            for _ in range(200):  # rmdir is EBUSY until the last member has been reaped
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY:
                        break
                    time.sleep(0.005)
            gone = gone and not os.path.exists(folder)
        return gone


def _write_if_present(path, text):
    if not os.path.exists(path):
        return False
    try:
        _write(path, text)
        return True
    except OSError:
        return False


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _owner_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_abandoned(host):
    """Kill the members of, and remove, the worker cgroups whose owning fork server is gone; -> names removed."""
    removed = []
    parents = list(host.parents.values()) + ([host.freezer] if host.freezer else [])
    names = {entry for parent in parents for entry in _listing(parent) if entry.startswith(PREFIX)}
    for name in sorted(names):
        owner = name[len(PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not _owner_alive(int(owner)):
            group = WorkerGroup.existing(host, name)
            group.kill(timeout=2.0)
            group.remove()
            removed.append(name)
    return removed


def _listing(folder):
    try:
        return os.listdir(folder)
    except OSError:
        return []
