"""The frame format refuses everything but JSON and numeric .npy, within size caps (no worker needed)."""
import io
import pickle
import socket
import struct
import threading
import time

import numpy as np
import pytest

from grader.submission import wire


def _through(data, close=True):
    ours, theirs = socket.socketpair()
    theirs.sendall(data)
    if close:
        theirs.close()
    try:
        return wire.read(ours, time.monotonic() + 2)
    finally:
        ours.close()
        if not close:
            theirs.close()


def test_a_frame_round_trips_json_and_tensors():
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    body, tensors = _through(wire.encode({"a": [1, 2.5, "x", None, True]}, {"output": array}))
    assert body == {"a": [1, 2.5, "x", None, True]}
    assert tensors["output"].dtype == np.float32 and np.array_equal(tensors["output"], array)


def _header(obj):
    raw = obj if isinstance(obj, bytes) else __import__("json").dumps(obj).encode()
    return wire.MAGIC + struct.pack(">I", len(raw)) + raw


@pytest.mark.parametrize("data, why", [
    (b"XXXX" + struct.pack(">I", 2) + b"{}", "frame starts with"),
    (wire.MAGIC + struct.pack(">I", wire.MAX_HEADER_BYTES + 1), "exceeds"),
    (_header(b'{"body": NaN, "tensors": []}'), "not allowed"),
    (_header(b"\xff\xfe"), "not JSON"),
    (_header(b"[" * 100000 + b"]" * 100000), "not JSON"),
    (_header({"body": 1}), "must be"),
    (_header({"body": 1, "tensors": [["x", 2 ** 40]]}), "exceed"),
    (_header({"body": 1, "tensors": [["x", -1]]}), "byte count"),
    (_header({"body": 1, "tensors": [["x", 1]] * 17}), "tensors in one frame"),
])
def test_malformed_frames_are_refused(data, why):
    with pytest.raises(wire.BadFrame, match=why):
        _through(data)


def _tensor_frame(blob):
    return _header({"body": 1, "tensors": [["t", len(blob)]]}) + blob


def test_a_pickled_object_array_is_refused_without_unpickling(tmp_path):
    marker = tmp_path / "ran"
    payload = b"cbuiltins\nopen\n(V" + str(marker).encode() + b"\nVw\ntR."
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "|O", "fortran_order": False, "shape": (1,)})
    with pytest.raises(wire.BadFrame, match="not a plain .npy"):
        _through(_tensor_frame(buffer.getvalue() + payload))
    assert not marker.exists()
    pickle.loads(payload).close()  # the payload is real: unpickling it does create the marker
    assert marker.exists()


def test_non_numeric_and_garbage_tensors_are_refused():
    buffer = io.BytesIO()
    np.save(buffer, np.array(["text"]), allow_pickle=False)
    with pytest.raises(wire.BadFrame, match="numeric"):
        _through(_tensor_frame(buffer.getvalue()))
    with pytest.raises(wire.BadFrame, match="not a plain .npy"):
        _through(_tensor_frame(b"\x93NUMPY garbage"))


def test_a_truncated_frame_is_a_closed_channel_and_silence_a_timeout():
    with pytest.raises(wire.ChannelClosed):
        _through(wire.encode({"x": 1})[:-1])
    started = time.monotonic()
    ours, theirs = socket.socketpair()
    threading.Timer(5, theirs.close).start()
    with pytest.raises(wire.ChannelTimeout):
        wire.read(ours, time.monotonic() + 0.3)
    assert time.monotonic() - started < 2
    ours.close()
