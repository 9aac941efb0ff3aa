"""Training results kept by everything that determines the run: the same trained network, loop, seed, data, kit and
device train once, and every later request for that key reuses the recorded result.

A key is a SHA-256 over the canonical text of the network the grader rebuilt and will train (its own GraphModules and
layers, never the student's claim), the profile and every loop setting, the seed, a checksum of the data tensors, the
kit's training code, the torch version and the device kind (CPU model and threads; GPU name, CUDA/cuDNN versions and
whether deterministic algorithms are on). An entry is one JSON file written atomically (a temp file renamed over it),
so a killed run leaves either the whole entry or none; one lock file per key makes concurrent graders train a key once.
"""
import fcntl
import hashlib
import json
import os
import platform
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import torch
import torch.fx
from torch import nn

import grader

FORMAT = 1  # bump when an entry's layout changes: older entries then simply miss
KIT_FILES = ("training/loop.py", "training/network.py", "training/data.py", "training/runner.py",
             "training/profiles.py", "graph/rebuild.py", "netspec.py")  # the code a run's result depends on
_DATA_DIGESTS = {}  # id(dataset) -> (dataset, digest): a loaded dataset is hashed once per process


ENV_VAR = "D2L_GRADER_TRAIN_CACHE"  # a folder of one's own instead of the user cache folder (CI: a fresh one)


def user_cache_folder():
    """Where `python -m grader train`, `grade` and the student's `pytest` keep training results."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "d2l-cnn-grader" / "training"


def _stateful(module):
    return any(True for _ in module.parameters(recurse=False)) or any(True for _ in module.buffers(recurse=False))


def _layer_text(module):
    return f"{type(module).__module__}.{type(module).__qualname__}({module.extra_repr()})"


def _steps(module, stateful, value):
    """Text lines of what `module` computes from the value named `value`; -> (lines, name of its output)."""
    if isinstance(module, torch.fx.GraphModule):
        names, lines = {}, []
        for node in module.graph.nodes:
            name = f"%{len(names)}"
            args = torch.fx.node.map_arg((node.args, node.kwargs), lambda used: names[used])
            if node.op == "placeholder":
                names[node] = value
                continue
            if node.op == "output":
                return lines, str(args[0][0])
            if node.op == "call_module":
                target = module.get_submodule(node.target)
                what = stateful.get(id(target)) or _layer_text(target)
            elif node.op == "call_function":
                what = f"{getattr(node.target, '__module__', '')}.{getattr(node.target, '__name__', node.target)}"
            else:
                what = f"{node.op}:{node.target}"
            lines.append(f"{name} = {what}{args[0]!r} {sorted(args[1].items())!r}")
            names[node] = name
        return lines, value
    if isinstance(module, nn.Sequential) and len(module):
        lines = []
        for child in module:  # every place, a layer used twice included (children() would yield it once)
            more, value = _steps(child, stateful, value)
            lines += more
        return lines, value
    return [f"{value}' = {stateful.get(id(module)) or _layer_text(module)}({value})"], f"{value}'"


def network_text(network):
    """The network as the grader will train it, as text that names nothing of the student's: the layers that hold
    parameters or buffers in the order initialisation visits them (type, hyper-parameters, parameter shapes), then
    the forward's steps, in which a stateless layer (ReLU, pooling, dropout) is written out where it is used. So
    equal computations written differently (separate or shared dropouts, any attribute names) have equal text,
    and the same layer shared at two places differs from two copies of it."""
    stateful, lines = {}, []
    for module in network.modules():
        if _stateful(module) and id(module) not in stateful:
            stateful[id(module)] = f"S{len(stateful)}"
            shapes = [(key, tuple(p.shape), str(p.dtype), p.requires_grad)
                      for key, p in module.named_parameters(recurse=False)]
            lines.append(f"{stateful[id(module)]}: {_layer_text(module)} {shapes}")
    steps, output = _steps(network, stateful, "x")
    return "\n".join(lines + steps + [f"return {output}"])


def data_digest(dataset):
    """SHA-256 of the four tensors the run reads (so a different file, format or subset of the data misses)."""
    held = _DATA_DIGESTS.get(id(dataset))
    if held is not None and held[0] is dataset:
        return held[1]
    digest = hashlib.sha256()
    for tensor in (dataset.train_images, dataset.train_labels, dataset.test_images, dataset.test_labels):
        digest.update(str((tuple(tensor.shape), str(tensor.dtype))).encode())
        digest.update(tensor.contiguous().numpy().tobytes())
    _DATA_DIGESTS[id(dataset)] = (dataset, digest.hexdigest())
    return _DATA_DIGESTS[id(dataset)][1]


def kit_digest():
    """The kit's version and the SHA-256 of the code that trains and judges."""
    root, digest = Path(grader.__file__).resolve().parent, hashlib.sha256()
    for name in KIT_FILES:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return f"{getattr(grader, '__version__', '0')}:{digest.hexdigest()}"


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def device_kind(device):
    """What of the device can change a run's numbers. A GPU hit is valid only for the same GPU name, CUDA and
    cuDNN versions and determinism settings; a CPU hit for the same CPU model, architecture and thread count."""
    device = torch.device(device)
    settings = {"deterministic_algorithms": torch.are_deterministic_algorithms_enabled()}
    if device.type == "cuda":
        return {"type": "cuda", "name": torch.cuda.get_device_name(device), "cuda": torch.version.cuda,
                "cudnn": torch.backends.cudnn.version(), "cudnn_deterministic": torch.backends.cudnn.deterministic,
                "cudnn_benchmark": torch.backends.cudnn.benchmark, **settings}
    return {"type": device.type, "cpu": _cpu_model(), "machine": platform.machine(),
            "threads": torch.get_num_threads(), **settings}


def key_parts(network, profile, seed, dataset, device):
    """Everything that determines a run, as plain data (the key is its hash; tests change one part at a time)."""
    return {"format": FORMAT, "network": hashlib.sha256(network_text(network).encode()).hexdigest(),
            "model": profile.model, "profile": profile.name, "loop": asdict(profile.loop), "seed": seed,
            "data": data_digest(dataset), "kit": kit_digest(), "torch": torch.__version__,
            "device": device_kind(device)}


def key_of(parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class TrainingCache:
    """A folder of entries `<key>.json` (the run's record, curve included) and `<key>.png` (its curve), with
    `<key>.lock` files that serialise the graders asking for one key, and `log.jsonl` (one line per use)."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def entry_path(self, key):
        return self.folder / f"{key}.json"

    def curve_path(self, key):
        return self.folder / f"{key}.png"

    def lookup(self, key):
        """The recorded entry for `key`, or None (also for an entry that cannot be read: it is trained anew)."""
        try:
            entry = json.loads(self.entry_path(key).read_text())
        except (OSError, ValueError):
            return None
        ok = isinstance(entry, dict) and entry.get("key") == key and isinstance(entry.get("record"), dict)
        return entry if ok else None

    @contextmanager
    def claim(self, key):
        """Hold `key`'s lock: a second grader asking for the same key waits here until the first has stored it.
        The kernel drops the lock of a killed process, so a crash never leaves a key locked."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f"{key}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def store(self, key, parts, record):
        """Write `key`'s entry whole or not at all; -> the entry."""
        entry = {"key": key, "parts": parts, "record": record,
                 "recorded": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{key}.{os.getpid()}.tmp"
        try:
            with open(temporary, "w") as handle:
                json.dump(entry, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.entry_path(key))  # atomic: readers see the old state or the whole entry
        finally:
            temporary.unlink(missing_ok=True)
        return entry

    def log(self, event, key, **details):
        """Append one line to log.jsonl (one write of a short line: concurrent graders' lines never interleave)."""
        line = json.dumps({"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "event": event,
                           "key": key, **details}) + "\n"
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.folder / "log.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, line.encode())
        finally:
            os.close(descriptor)

    def events(self, run=None):
        """The log's lines (dicts); only those of `run` when given."""
        try:
            lines = (self.folder / "log.jsonl").read_text().splitlines()
        except OSError:
            return []
        events = []
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # a line cut by a full disk: the others still count
            if isinstance(event, dict) and (run is None or event.get("run") == run):
                events.append(event)
        return events
