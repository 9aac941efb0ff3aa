"""What crosses into the grader is plain, bounded, valid text, and a verdict is never the worker's to give; what a
spawn request may carry is checked; the grader starts from nowhere a submission could shadow (no worker needed)."""
import argparse
import io
import json
import socket
import struct
import sys
import threading
import time
import zipfile

import pytest

from grader.collect import MAX_ZIP_ENTRIES, kit_inside, stage
from grader.results import Report, Status, TaskResult
from grader.safe_text import clean
from grader.submission import wire
from grader.submission.base import ANSWER_FAILURES, Answer
from grader.submission.sandbox import Limits
from grader.submission.worker import WorkerSubmission
from grader.submission.worker_main import valid_spawn


def _through(header_json):
    """The body the reader makes of a frame with this header (sent from a thread: big frames fill the buffer)."""
    raw = header_json if isinstance(header_json, bytes) else json.dumps(header_json).encode()
    ours, theirs = socket.socketpair()

    def send():
        with theirs:
            theirs.sendall(wire.MAGIC + struct.pack(">I", len(raw)) + raw)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        return wire.read(ours, time.monotonic() + 5)[0]
    finally:
        ours.close()
        sender.join(5)


@pytest.mark.parametrize("body, why", [
    (b'{"body": "\\ud800", "tensors": []}', "lone surrogate"),
    (b'{"body": {"k\\udfff": 1}, "tensors": []}', "lone surrogate"),
    (b'{"body": 1e400, "tensors": []}', "not finite"),
    (b'{"body": [-1e999], "tensors": []}', "not finite"),
    (b'{"body": ' + b"[" * 40 + b"]" * 40 + b', "tensors": []}', "nested deeper"),
    (b'{"body": [' + b",".join([b"0"] * (wire.MAX_ITEMS + 1)) + b'], "tensors": []}', "entries"),
    (b'{"body": "' + b"x" * (wire.MAX_STRING + 1) + b'", "tensors": []}', "characters"),
])
def test_the_reader_refuses_what_no_sink_could_take(body, why):
    with pytest.raises(wire.BadFrame, match=why):
        _through(body)


def test_a_writer_turns_lone_surrogates_into_text_the_reader_accepts():
    assert _through(json.loads(wire.encode({"message": "bad \ud800 size"})[8:])) == {"message": "bad ? size"}
    assert _through({"body": {"ü": "日本 ok"}, "tensors": []}) == {"ü": "日本 ok"}


def test_a_failed_answer_can_never_carry_a_verdict():
    with pytest.raises(ValueError):
        Answer(ok=False, status="passed")
    with pytest.raises(ValueError):
        Answer(ok=False, status="skipped")
    with pytest.raises(ValueError):
        Answer.from_dict({"ok": False})  # no default status can make it pass
    with pytest.raises(ValueError):
        Answer(ok=1, value=3)
    assert Answer.from_dict({"ok": True, "value": 3}).ok


@pytest.mark.parametrize("answer", [
    {"ok": False, "status": "passed"}, {"ok": False, "status": "skipped"}, {"ok": False, "status": "timeout"},
    {"ok": False}, {"ok": True, "value": 1, "status": "passed"}, {"ok": True, "value": 1, "verdict": "passed"},
    {"ok": "yes", "value": 1}, {"ok": False, "status": "error", "message": 3},
])
def test_an_answer_frame_with_a_verdict_or_an_unknown_field_is_malformed(answer):
    with pytest.raises(wire.BadFrame):
        WorkerSubmission._checked({"kind": "answer", "answer": answer}, {})
    with pytest.raises(wire.BadFrame):  # nor may the frame itself carry more than the answer
        WorkerSubmission._checked({"kind": "answer", "answer": {"ok": True, "value": 1}, "status": "x"}, {})


@pytest.mark.parametrize("status", ANSWER_FAILURES)
def test_every_failure_a_worker_may_report_is_accepted(status):
    answer = WorkerSubmission._checked({"kind": "answer", "answer": {"ok": False, "status": status,
                                                                     "message": "m" * 9000}}, {})
    assert not answer.ok and answer.status == status and len(answer.message) == 4000


def _spawn_request(tmp_path, **changes):
    work = str(tmp_path / "work")
    request = {"op": "spawn", "folder": work + "/submission", "work": work, "limits": Limits().to_dict(),
               "namespaces": True, "landlock": True, "read_only": ["/usr"], "hidden": [], "work_bytes": 1 << 27,
               "graded": {"vgg": ["vgg_block", "vgg"]}}
    request.update(changes)
    return request


@pytest.mark.parametrize("changes", [
    {"skip": {"assignments.counting": "my secret output"}},  # what a student printed never reaches the server
    {"folder": "/etc"}, {"work": "relative/path"}, {"work": "/tmp/../etc"}, {"read_only": ["/usr"] * 300},
    {"hidden": ["/a\0b"]}, {"namespaces": "yes"}, {"limits": {**Limits().to_dict(), "budget": float("inf")}},
    {"limits": {"timeout": 1}}, {"work_bytes": 1 << 40}, {"work_bytes": 2.5},
    {"graded": {"vgg": ["print('x')"]}}, {"graded": {"../vgg": ["vgg"]}}, {"graded": {f"m{i}": [] for i in range(65)}},
])
def test_the_fork_server_refuses_a_spawn_request_that_carries_anything_else(tmp_path, changes):
    valid_spawn(_spawn_request(tmp_path))
    with pytest.raises(ValueError):
        valid_spawn(_spawn_request(tmp_path, **changes))


def test_every_sink_takes_a_report_full_of_surrogates(tmp_path, monkeypatch):
    from grader.autograde.exports import write_student_files
    from grader.commands import grade as grade_command
    task = TaskResult("conv_output_size", 0, 5, Status.ERROR, "bad \ud800 size", "x=\udfff", "printed \ud800")
    assert (task.feedback, task.example, task.output) == ("bad ? size", "x=?", "printed ?")
    report = Report("stu\udcffdent", [task], {"notes": ["a note \ud800"], "load_problems": {"vgg\ud800": "why"},
                                            "isolation": {"layers": [], "missing": ["gap \ud800"]}})
    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")
    paths = write_student_files(tmp_path, {"name": "student", "state": "graded"}, report)
    assert all(path.read_text(encoding="utf-8") for path in paths.values())
    assert clean("a\0b\ud800") == "ab?"
    # `grade` writes its JSON, then prints the table to a strict UTF-8 terminal
    import grader.grade
    monkeypatch.setattr(grader.grade, "grade_path", lambda *args, **kwargs: report)  # run() imports it when called
    terminal = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setattr(sys, "stderr", terminal)
    out = tmp_path / "report.json"
    assert grade_command.run(argparse.Namespace(path=str(tmp_path), no_train=True, in_process=False, profile="auto",
                                                json=str(out), timeout=None, budget=None)) == 0
    terminal.flush()
    assert "a note ?" in terminal.buffer.getvalue().decode("utf-8") and json.loads(out.read_text())["tasks"]


def test_a_zip_is_measured_before_zipfile_reads_its_listing(tmp_path):
    honest = tmp_path / "honest.zip"
    with zipfile.ZipFile(honest, "w") as archive:
        archive.writestr("alice/vgg.py", "x = 1\n")
        for number in range(20):
            archive.writestr(f"alice/folder{number}/", "")
    assert stage(honest, "alice", tmp_path / "staged").readable
    # an end record claiming a 50 MB listing (or, in ZIP64, a million entries): refused from 22 bytes of it
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 3, 3, 50 << 20, 0, 0)
    (tmp_path / "big.zip").write_bytes(eocd)
    assert "entries" in stage(tmp_path / "big.zip", "big", tmp_path / "staged").reason
    zip64 = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, 10 ** 6, 10 ** 6, 1 << 20, 0)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, 0, 1)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    (tmp_path / "many.zip").write_bytes(zip64 + locator + end)
    assert "1,000,000 entries" in stage(tmp_path / "many.zip", "many", tmp_path / "staged").reason
    # an end record that understates the entries: zipfile's own count is checked too
    understated = tmp_path / "understated.zip"
    with zipfile.ZipFile(understated, "w") as archive:
        for number in range(MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"d{number}/", "")
    data = bytearray(understated.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    data[at + 8:at + 12] = struct.pack("<HH", 2, 2)
    understated.write_bytes(bytes(data))
    assert "entries" in stage(understated, "u", tmp_path / "staged").reason


def test_a_submission_holding_the_kit_is_refused_with_a_sentence(tmp_path):
    from grader.grade import grade_path
    from grader.submission.loader import SubmissionNotFound
    folder = tmp_path / "mallory"
    (folder / "grader").mkdir(parents=True)
    (folder / "grader" / "__main__.py").write_text("print('the real grader, honest')\n")
    (folder / "vgg.py").write_text("x = 1\n")
    assert "copy of the grading kit (grader/)" in kit_inside(folder)
    assert "copy of the grading kit" in stage(folder, "mallory", tmp_path / "staged").reason
    with zipfile.ZipFile(tmp_path / "mallory.zip", "w") as archive:
        archive.writestr("work/grader/__init__.py", "")
        archive.writestr("work/vgg.py", "x = 1\n")
    assert "mallory.zip contains a copy" in stage(tmp_path / "mallory.zip", "m", tmp_path / "staged").reason
    with pytest.raises(SubmissionNotFound, match="copy of the grading kit"):
        grade_path(folder)


def test_the_start_folder_leaves_sys_path_unless_it_is_the_kit(tmp_path, monkeypatch):
    from grader import startpath
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", str(tmp_path), "/usr/lib/python3", str(tmp_path) + "/"])
    startpath.drop_start_folder()
    assert sys.path == ["/usr/lib/python3"]
    monkeypatch.chdir(startpath.KIT_ROOT)
    monkeypatch.setattr(sys, "path", ["", startpath.KIT_ROOT])
    startpath.drop_start_folder()
    assert sys.path == ["", startpath.KIT_ROOT]


def test_time_limits_are_options_and_part_of_the_job(tmp_path):
    from grader.autograde import options_from_args
    from grader.autograde.backend import SANDBOX
    from grader.autograde.runner import grading_config, job_key
    from grader.cli import build_parser
    args = build_parser().parse_args(["autograde", str(tmp_path), "--out", str(tmp_path / "o"), "--budget", "45",
                                      "--timeout", "5"])
    options = options_from_args(args)
    assert options.limits() == {"timeout": 5.0, "budget": 45.0}
    assert job_key("h", grading_config(False, None, SANDBOX, options.limits())) != \
        job_key("h", grading_config(False, None, SANDBOX))
    assert build_parser().parse_args(["grade", "x"]).budget is None  # None: sandbox.Limits decides
    with pytest.raises(SystemExit):
        build_parser().parse_args(["grade", "x", "--budget", "-3"])
    assert Limits.budget <= 120 and Limits.timeout <= 30  # a default that keeps a class moving
