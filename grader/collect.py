"""Collect a class: turn each entry of SUBMISSIONS (folder, .py, .ipynb, .zip) into a safe folder to grade.

Every entry becomes a `Staged` record: either a fresh folder under the staging area holding only regular files
(no symlinks, nothing outside it, size-capped), or the reason it cannot be read. Nothing here runs student code.
A zip is measured before it is opened: its own size, then the entry count and central-directory size its end
record declares (zipfile would read the whole directory into memory first), then every entry, folders included.
A submission holding a copy of the kit (`grader/`) is refused: run from inside it, `python -m grader` would be
that copy.
"""
import hashlib
import os
import re
import shutil
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader import spec

# .py names the loader never imports as answers (grader.submission.loader.NOT_ANSWERS; kept in step by a test)
NOT_ANSWERS = re.compile(r"^(test_.*|.*_test|conftest|setup|__init__|__main__)$")

MAX_ENTRY_BYTES = 64 * 1024 * 1024   # a whole submission, unpacked; real ones are kilobytes (notebooks: a few MB)
MAX_FILES = 500                      # files in one submission
MAX_ZIP_ENTRIES = 2 * MAX_FILES      # entries of one zip, folders included
MAX_ZIP_BYTES = MAX_ENTRY_BYTES      # the archive itself
MAX_ZIP_DIRECTORY = 1024 * 1024      # its central directory (a real one: ~100 bytes per entry)
EOCD, EOCD64_LOCATOR, EOCD64 = b"PK\x05\x06", b"PK\x06\x07", b"PK\x06\x06"
CHUNK = 1024 * 1024
SOURCE_SUFFIXES = (".py", ".ipynb")
JUNK = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".DS_Store", "Thumbs.db"}


class Unreadable(Exception):
    """This entry cannot be graded; the message says why, in words for the instructor's gradebook."""


@dataclass
class Staged:
    name: str            # the student's name: the entry's name (without .py/.ipynb/.zip unless two entries clash)
    entry: str           # the entry as found in SUBMISSIONS
    kind: str            # folder | py | ipynb | zip | other
    folder: Path = None  # the staged folder to grade (None when unreadable)
    reason: str = ""     # why it cannot be read (empty when staged)
    content_hash: str = ""

    @property
    def readable(self):
        return self.folder is not None


def list_entries(submissions, exclude=()):
    """The student entries of `submissions`, sorted: hidden files, junk and `exclude`d paths are left out."""
    excluded = {Path(p).resolve() for p in exclude}
    entries = []
    for path in sorted(Path(submissions).iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or path.name in JUNK or path.resolve() in excluded:
            continue
        entries.append(path)
    return entries


def student_names(entries):
    """entry path -> student name: the stem of a file, the name of a folder; on a clash, the full entry name."""
    stems = {}
    for path in entries:
        stems.setdefault(_stem(path), []).append(path)
    return {path: (stem if len(paths) == 1 else path.name) for stem, paths in stems.items() for path in paths}


def _stem(path):
    return path.stem if path.is_file() and path.suffix.lower() in SOURCE_SUFFIXES + (".zip",) else path.name


def kit_inside(folder, label=None):
    """The sentence refusing `folder` (called `label`) if it holds a copy of the grading kit (a `grader/`
    package), else ""."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        if os.path.basename(root) == "grader" and ("__init__.py" in files or "__main__.py" in files):
            where = Path(root).relative_to(folder).as_posix()
            return (f"{label or Path(folder).name} contains a copy of the grading kit ({where}/); submit only your "
                    f"own .py/.ipynb files (and never run `python -m grader` from inside a submission folder)")
    return ""


def stage(path, name, staging_root):
    """A `Staged` record for the entry `path`: its files copied or unpacked into staging_root/<name>."""
    path = Path(path)
    kind = _kind(path)
    target = Path(staging_root) / name
    if target.exists():
        shutil.rmtree(target)
    try:
        if kind == "other":
            raise Unreadable(f"{path.name} is not a folder, .py, .ipynb or .zip file; submit one of those")
        target.mkdir(parents=True)
        if kind == "folder":
            _copy_tree(path, target)
        elif kind == "zip":
            _unzip(path, target)
        else:
            _copy_single_file(path, target)
        refusal = kit_inside(target, path.name)
        if refusal:
            raise Unreadable(refusal)
        folder = _grading_root(target, path.name)
    except (Unreadable, OSError) as error:
        shutil.rmtree(target, ignore_errors=True)
        reason = str(error) if isinstance(error, Unreadable) else f"could not be read ({type(error).__name__}: {error})"
        return Staged(name, path.name, kind, reason=reason, content_hash=_raw_hash(path))
    return Staged(name, path.name, kind, folder=folder, content_hash=folder_hash(folder))


def _kind(path):
    if path.is_symlink():
        return "other"  # a link could point anywhere (another student's folder, the solutions)
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if path.is_file() and suffix in (".py", ".ipynb", ".zip"):
        return suffix[1:]
    return "other"


class _Budget:
    """Counts files and bytes written for one entry, so a zip bomb or a huge folder stops early with a reason."""

    def __init__(self, entry_name):
        self.entry_name, self.files, self.folders, self.bytes = entry_name, 0, 0, 0

    def add_folders(self, count):
        self.folders += count
        if self.folders > MAX_ZIP_ENTRIES - MAX_FILES:
            raise Unreadable(f"{self.entry_name} holds more than {MAX_ZIP_ENTRIES - MAX_FILES} folders; submit only "
                             f"your .py/.ipynb files")

    def add_file(self):
        self.files += 1
        if self.files > MAX_FILES:
            raise Unreadable(f"{self.entry_name} holds more than {MAX_FILES} files; submit only your .py/.ipynb files")

    def add_bytes(self, count):
        self.bytes += count
        if self.bytes > MAX_ENTRY_BYTES:
            raise Unreadable(f"{self.entry_name} unpacks to more than {MAX_ENTRY_BYTES // 2**20} MiB; "
                             f"submit only your .py/.ipynb files (clear large notebook outputs)")


def _copy_stream(source, destination, budget):
    with open(destination, "xb") as out:
        while chunk := source.read(CHUNK):
            budget.add_bytes(len(chunk))
            out.write(chunk)


def _copy_single_file(path, target):
    """A lone file keeps its name when the loader can import it by that name (homework.py, vgg.ipynb, ...)."""
    budget = _Budget(path.name)
    with open(path, "rb") as source:
        _copy_stream(source, target / _staged_file_name(path), budget)


def _staged_file_name(path):
    """`alice.py` stays `alice.py`; a name Python cannot import (`alice-smith.py`, `test_x.py`) becomes
    `submission.py`, so the loader still finds the graded functions inside (it skips test files and odd names)."""
    stem, suffix = path.stem, path.suffix.lower()  # the loader only looks at lower-case .py/.ipynb
    if suffix != ".py" or stem in spec.modules():
        return stem + suffix
    if stem.isidentifier() and stem.isascii() and not NOT_ANSWERS.match(stem):
        return stem + ".py"
    return "submission.py"


def _copy_tree(folder, target):
    """Regular files only: symlinks, devices and junk are skipped, never followed."""
    budget = _Budget(folder.name + "/")
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in JUNK and not os.path.islink(os.path.join(root, d)))
        budget.add_folders(len(dirs))
        relative = Path(root).relative_to(folder)
        for file_name in sorted(files):
            source = Path(root) / file_name
            if file_name in JUNK or not stat.S_ISREG(os.lstat(source).st_mode):
                continue
            budget.add_file()
            (target / relative).mkdir(parents=True, exist_ok=True)
            with open(source, "rb") as stream:
                _copy_stream(stream, target / relative / file_name, budget)


def _safe_member_path(info, zip_name):
    """The member's relative path, or Unreadable if it is absolute, climbs out with '..', or is a link/device."""
    raw = info.filename.replace("\\", "/")
    parts = PurePosixPath(raw).parts
    if raw.startswith("/") or (parts and ":" in parts[0]) or ".." in parts:
        raise Unreadable(f"{zip_name} contains the unsafe path {info.filename!r} (absolute or with '..'); "
                         f"zip your files again from inside your folder")
    file_type = stat.S_IFMT(info.external_attr >> 16)  # Unix zips keep st_mode here; 0 when none was stored
    if file_type not in (0, stat.S_IFREG, stat.S_IFDIR):
        what = "a symbolic link" if file_type == stat.S_IFLNK else "a special file"
        raise Unreadable(f"{zip_name} contains {what} ({info.filename!r}); zip the files themselves")
    if info.flag_bits & 0x1:
        raise Unreadable(f"{zip_name} is password-protected ({info.filename!r}); submit an unencrypted zip")
    return PurePosixPath(*[p for p in parts if p not in ("", ".")])


def _zip_directory_size(path):
    """(entries, central directory bytes) the zip's end record declares; (0, 0) when it has none (then zipfile
    says what is wrong). Reads only the last 64 KiB, and the ZIP64 end record when there is one."""
    with open(path, "rb") as archive:
        size = archive.seek(0, os.SEEK_END)
        archive.seek(max(0, size - 65557))  # the end record (22 bytes) plus the longest comment
        tail = archive.read()
        at = tail.rfind(EOCD)
        if at < 0 or len(tail) - at < 22:
            return 0, 0
        entries, directory = struct.unpack("<HI", tail[at + 10:at + 16])
        locator = tail[at - 20:at] if at >= 20 else b""
        if (entries == 0xFFFF or directory == 0xFFFFFFFF) and locator[:4] == EOCD64_LOCATOR:
            archive.seek(struct.unpack("<Q", locator[8:16])[0])
            record = archive.read(56)
            if record[:4] == EOCD64 and len(record) == 56:
                entries, directory = struct.unpack("<QQ", record[32:48])
        return entries, directory


def _measure_zip(path):
    """Unreadable unless the archive, its declared entry count and its central directory are within bounds."""
    if path.stat().st_size > MAX_ZIP_BYTES:
        raise Unreadable(f"{path.name} is larger than {MAX_ZIP_BYTES >> 20} MiB; submit only your .py/.ipynb files "
                         f"(clear large notebook outputs)")
    entries, directory = _zip_directory_size(path)
    if entries > MAX_ZIP_ENTRIES or directory > MAX_ZIP_DIRECTORY:
        raise Unreadable(f"{path.name} holds {entries:,} entries ({directory:,} bytes of listing), more than the "
                         f"{MAX_ZIP_ENTRIES} files and folders a submission may have; zip only your .py/.ipynb files")


def _unzip(path, target):
    """Unpack every member of a zip into `target`; the whole entry is refused on the first unsafe member."""
    budget = _Budget(path.name)
    _measure_zip(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:  # the end record understated them
                raise Unreadable(f"{path.name} holds {len(infos):,} entries, more than the {MAX_ZIP_ENTRIES} files "
                                 f"and folders a submission may have; zip only your .py/.ipynb files")
            members = [(info, _safe_member_path(info, path.name)) for info in infos]
            for info, relative in members:
                if info.is_dir() or not relative.parts or any(p in JUNK for p in relative.parts):
                    continue
                budget.add_file()
                destination = target.joinpath(*relative.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source:  # sizes in the header are not trusted: _Budget counts bytes
                    _copy_stream(source, destination, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as error:
        raise Unreadable(f"{path.name} is not a readable zip archive ({type(error).__name__}: {error}); "
                         f"create it again with your system's 'compress' or `zip -r`") from None
    except FileExistsError as error:
        raise Unreadable(f"{path.name} holds the same file twice ({Path(error.filename).name}); "
                         f"zip your files again") from None


def _has_sources(folder):
    return any(p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES for p in folder.iterdir())


def _grading_root(folder, entry_name):
    """The folder holding the sources: a zip or folder that wraps them in one subfolder (or more) is unwrapped."""
    while not _has_sources(folder):
        subfolders = [p for p in folder.iterdir() if p.is_dir()]
        if len(subfolders) != 1:
            found = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
            listing = ", ".join(found[:8]) + (" ..." if len(found) > 8 else "") if found else "nothing"
            raise Unreadable(f"{entry_name} holds no .py or .ipynb file at its top level or in a single subfolder "
                             f"(it holds: {listing}); submit counting.py, vgg.py, nin.py, alexnet.py or notebooks")
        folder = subfolders[0]
    return folder


def folder_hash(folder):
    """sha256 over every file's relative path and bytes, in sorted order: equal content, equal hash."""
    digest = hashlib.sha256()
    folder = Path(folder)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder).as_posix()).encode() + b"\0")
        with open(path, "rb") as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def _raw_hash(path):
    """A stable fingerprint of an unreadable entry (its bytes, capped), so a rerun skips it unless it changes."""
    digest = hashlib.sha256(path.name.encode())
    try:
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as stream:
                digest.update(stream.read(MAX_ENTRY_BYTES))
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                digest.update(str(child.relative_to(path)).encode())
                if child.is_file() and not child.is_symlink():
                    digest.update(str(child.stat().st_size).encode())
    except OSError:
        pass
    return digest.hexdigest()
