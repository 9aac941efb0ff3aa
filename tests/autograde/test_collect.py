"""Collecting a class: every kind of entry becomes a safe folder to grade, or a row saying why it cannot be read."""
import os
import stat
import zipfile
from pathlib import Path

import pytest

from grader import collect
from grader.collect import folder_hash, list_entries, stage, student_names

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


def _zip(path, members, symlinks=()):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in symlinks:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def _stage(tmp_path, path):
    return stage(path, student_names([path])[path], tmp_path / "staging")


def test_folder_is_copied_without_symlinks_or_junk(tmp_path):
    folder = tmp_path / "class" / "alice"
    (folder / "__pycache__").mkdir(parents=True)
    (folder / "vgg.py").write_text("def vgg_block(): pass\n")
    (folder / "__pycache__" / "vgg.cpython-311.pyc").write_bytes(b"junk")
    secret = tmp_path / "secret.txt"
    secret.write_text("the answers")
    os.symlink(secret, folder / "answers.py")
    staged = _stage(tmp_path, folder)
    assert staged.readable and staged.kind == "folder" and staged.name == "alice"
    assert sorted(p.name for p in staged.folder.rglob("*")) == ["vgg.py"]
    assert not any(p.is_symlink() for p in staged.folder.rglob("*"))


def test_single_files_keep_an_importable_name(tmp_path):
    (tmp_path / "class").mkdir()
    cases = {"vgg.py": "vgg.py", "homework.py": "homework.py", "alice-smith.py": "submission.py",
             "test_mine.py": "submission.py", "Bob.IPYNB": "Bob.ipynb"}
    for entry, staged_name in cases.items():
        path = tmp_path / "class" / entry
        path.write_text("def vgg_block(): pass\n")
        staged = _stage(tmp_path, path)
        assert [p.name for p in staged.folder.iterdir()] == [staged_name], entry
    assert staged.kind == "ipynb" and staged.name == "Bob"


def test_zip_with_a_wrapping_folder_is_unwrapped(tmp_path):
    path = _zip(tmp_path / "carol.zip", {"carol/hw/vgg.py": "x = 1\n", "carol/hw/nin.py": "y = 2\n",
                                         "__MACOSX/carol/._vgg.py": "junk"})
    staged = _stage(tmp_path, path)
    assert staged.readable and staged.name == "carol" and staged.kind == "zip"
    assert sorted(p.name for p in staged.folder.iterdir()) == ["nin.py", "vgg.py"]


@pytest.mark.parametrize("member", ["../evil.py", "a/../../evil.py", "/etc/evil.py", "C:/evil.py", "..\\evil.py"])
def test_zip_with_a_path_outside_is_refused(tmp_path, member):
    path = _zip(tmp_path / "mallory.zip", {"vgg.py": "x = 1\n", member: "import os\n"})
    staged = _stage(tmp_path, path)
    assert not staged.readable and "unsafe path" in staged.reason
    assert not (tmp_path / "evil.py").exists() and not (tmp_path / "staging" / "evil.py").exists()
    assert not (tmp_path / "staging" / "mallory").exists()  # nothing half-unpacked is left behind


def test_zip_with_a_symlink_is_refused(tmp_path):
    path = _zip(tmp_path / "eve.zip", {"vgg.py": "x = 1\n"}, symlinks=[("nin.py", "/etc/passwd")])
    staged = _stage(tmp_path, path)
    assert not staged.readable and "symbolic link" in staged.reason


def test_zip_bomb_stops_at_the_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(collect, "MAX_ENTRY_BYTES", 1_000_000)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("vgg.py", b"#" * 5_000_000)  # compresses to a few kilobytes
    assert path.stat().st_size < 50_000
    staged = _stage(tmp_path, path)
    assert not staged.readable and "unpacks to more than" in staged.reason
    assert not (tmp_path / "staging" / "bomb").exists()


def test_too_many_files_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(collect, "MAX_FILES", 3)
    path = _zip(tmp_path / "many.zip", {f"f{i}.py": "" for i in range(5)})
    staged = _stage(tmp_path, path)
    assert not staged.readable and "more than 3 files" in staged.reason


@pytest.mark.parametrize("make, expected", [
    (lambda p: (p / "dave.zip").write_bytes(b"PK\x03\x04 this is not really a zip"), "not a readable zip"),
    (lambda p: (p / "dave").mkdir(), "holds no .py or .ipynb"),
    (lambda p: (p / "dave.pdf").write_bytes(b"%PDF-1.4"), "not a folder, .py, .ipynb or .zip"),
])
def test_unreadable_entries_say_why(tmp_path, make, expected):
    (tmp_path / "class").mkdir()
    make(tmp_path / "class")
    [path] = list_entries(tmp_path / "class")
    staged = _stage(tmp_path, path)
    assert not staged.readable and expected in staged.reason and staged.content_hash


def test_entries_and_names(tmp_path):
    root = tmp_path / "class"
    for folder in ("alice", "__MACOSX", "out"):
        (root / folder).mkdir(parents=True)
    for file_name in ("alice.zip", "bob.ipynb", ".DS_Store"):
        (root / file_name).write_text("")
    entries = list_entries(root, exclude=[root / "out"])
    assert [p.name for p in entries] == ["alice", "alice.zip", "bob.ipynb"]
    assert sorted(student_names(entries).values()) == ["alice", "alice.zip", "bob"]  # a clash keeps full names


def test_folder_hash_depends_on_content_not_on_where_or_when(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        (folder / "sub").mkdir(parents=True)
        (folder / "vgg.py").write_text("a = 1\n")
        (folder / "sub" / "nin.py").write_text("b = 2\n")
    os.utime(two / "vgg.py", (0, 0))
    assert folder_hash(one) == folder_hash(two)
    (two / "vgg.py").write_text("a = 2\n")
    assert folder_hash(one) != folder_hash(two)
    (two / "vgg.py").write_text("a = 1\n")
    (two / "sub" / "nin.py").rename(two / "nin.py")
    assert folder_hash(one) != folder_hash(two)  # where a file sits matters too


def test_not_answers_pattern_matches_the_loader():
    """collect keeps its own copy (importing the loader would import torch); it must say the same."""
    import ast
    import grader.submission
    source = (Path(grader.submission.__file__).parent / "loader.py").read_text()
    [pattern] = [node.value.args[0].value for node in ast.parse(source).body if isinstance(node, ast.Assign)
                 and getattr(node.targets[0], "id", "") == "NOT_ANSWERS"]
    assert collect.NOT_ANSWERS.pattern == pattern
