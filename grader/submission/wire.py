"""The worker channel's framing: one JSON object plus raw .npy tensors per frame, read with hard size caps.

A frame is `MAGIC | u32 header length | header JSON | tensor bytes...`. The header is a JSON object
`{"body": <plain data>, "tensors": [[name, nbytes], ...]}`; each tensor is an .npy file read with
`np.load(allow_pickle=False)`, so only numeric arrays cross. Nothing here imports, unpickles or evaluates
what it reads: a frame that breaks any rule raises `BadFrame`, and the reader treats the channel as lost.
The body is plain data a printer, a database and a spreadsheet can all take: strict UTF-8 without lone
surrogates, finite numbers only, every string, list and object bounded, and nesting shallow.
Standard library, numpy and grader.i18n only — both sides of the channel run this module. Why a frame is refused
is in words a student may see (an answer that could not be sent), so it is translated.
"""
import io
import json
import math
import socket
import struct
import time

import numpy as np

from grader.i18n import _

MAGIC = b"D2LW"
HEADER = struct.Struct(">4sI")
MAX_HEADER_BYTES = 4 * 1024 * 1024        # JSON: descriptions of VGG-sized nets are ~50 KB
MAX_TENSOR_BYTES = 64 * 1024 * 1024       # all tensors of one frame together
MAX_TENSORS = 16
NUMERIC_KINDS = "biuf"                    # bool, int, uint, float: no objects, strings or structured records
MAX_STRING = 256 * 1024                   # characters of one string (messages are cut far shorter by the grader)
MAX_ITEMS = 100_000                       # entries of one list or object (a VGG description has a few hundred)
MAX_DEPTH = 32                            # nesting of lists and objects


class BadFrame(Exception):
    """The bytes on the channel are not a well-formed frame (wrong magic, too big, bad JSON, bad tensor)."""


class ChannelClosed(Exception):
    """The other side closed the channel (or died) before a whole frame arrived."""


class ChannelTimeout(Exception):
    """No whole frame arrived before the deadline."""


def encode(body, tensors=None):
    """Bytes of one frame carrying `body` (JSON-able plain data) and `tensors` (name -> numpy array)."""
    blobs = []
    for name, array in (tensors or {}).items():
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
        blobs.append((str(name), buffer.getvalue()))
    # a lone surrogate in an honest message (a student's exception text) becomes "?": the reader refuses them
    header = json.dumps({"body": body, "tensors": [[name, len(blob)] for name, blob in blobs]},
                        allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")
    return b"".join([HEADER.pack(MAGIC, len(header)), header] + [blob for _name, blob in blobs])


def send(sock, body, tensors=None):
    sock.sendall(encode(body, tensors))


def _read_exact(sock, count, deadline):
    chunks, remaining = [], count
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout()
            sock.settimeout(left)
        try:
            chunk = sock.recv(min(remaining, 1 << 20))
        except socket.timeout:
            raise ChannelTimeout() from None
        except OSError as error:  # ECONNRESET when the worker is killed mid-frame
            raise ChannelClosed(str(error)) from None
        if not chunk:
            raise ChannelClosed("end of stream")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _reject_constant(name):
    raise BadFrame(_("JSON constant {name} is not allowed").format(name=name))


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):  # 1e400 parses as inf
        raise BadFrame(_("number {number} is not finite").format(number=text[:20]))
    return value


def _check_plain(value, depth=0):
    """BadFrame unless `value` (parsed JSON) is text-safe and bounded everywhere."""
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise BadFrame(_("a string of {count} characters (at most {limit})").format(count=len(value),
                                                                                         limit=MAX_STRING))
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # "\ud800" is legal JSON but no printer, database or CSV can take it
                raise BadFrame(_("a string holds a lone surrogate (not valid Unicode text)")) from None
        return
    if isinstance(value, (list, dict)):
        if depth >= MAX_DEPTH:
            raise BadFrame(_("data nested deeper than {limit} levels").format(limit=MAX_DEPTH))
        if len(value) > MAX_ITEMS:
            raise BadFrame(_("a list or object of {count} entries (at most {limit})").format(count=len(value),
                                                                                              limit=MAX_ITEMS))
        for item in (value if isinstance(value, list) else [*value.keys(), *value.values()]):
            _check_plain(item, depth + 1)


def _load_tensor(name, blob):
    try:
        array = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as error:  # ValueError for object arrays (pickles), anything for garbage
        raise BadFrame(_("tensor {name} is not a plain .npy array ({error})").format(
            name=repr(name), error=type(error).__name__)) from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in NUMERIC_KINDS:
        raise BadFrame(_("tensor {name} has dtype {dtype}, not a numeric type").format(
            name=repr(name), dtype=getattr(array, "dtype", "?")))
    return array


def read(sock, deadline=None):
    """(body, tensors) of the next frame; raises BadFrame, ChannelClosed or ChannelTimeout."""
    magic, length = HEADER.unpack(_read_exact(sock, HEADER.size, deadline))
    if magic != MAGIC:
        raise BadFrame(_("frame starts with {found}, not {magic}").format(found=repr(magic), magic=repr(MAGIC)))
    if length > MAX_HEADER_BYTES:
        raise BadFrame(_("frame header of {size} bytes exceeds {limit}").format(size=length, limit=MAX_HEADER_BYTES))
    try:
        header = json.loads(_read_exact(sock, length, deadline).decode("utf-8"), parse_constant=_reject_constant,
                            parse_float=_finite_float)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BadFrame(_("frame header is not JSON ({error})").format(error=type(error).__name__)) from None
    if not isinstance(header, dict) or set(header) != {"body", "tensors"} or not isinstance(header["tensors"], list):
        raise BadFrame(_("frame header must be {shape}").format(shape="{'body': ..., 'tensors': [...]}"))
    listing = header["tensors"]
    if len(listing) > MAX_TENSORS:
        raise BadFrame(_("{count} tensors in one frame (at most {limit})").format(count=len(listing),
                                                                                  limit=MAX_TENSORS))
    if not all(isinstance(e, list) and len(e) == 2 and type(e[0]) is str and type(e[1]) is int and e[1] >= 0
               for e in listing):
        raise BadFrame(_("tensor list entries must be [name, byte count]"))
    _check_plain(header)
    if sum(size for _name, size in listing) > MAX_TENSOR_BYTES:
        raise BadFrame(_("tensors of one frame exceed {limit} bytes").format(limit=MAX_TENSOR_BYTES))
    tensors = {}
    for name, size in listing:
        tensors[name] = _load_tensor(name, _read_exact(sock, size, deadline))
    return header["body"], tensors
