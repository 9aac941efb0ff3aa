"""Answer one plain-data question by running the student's function; runs wherever the student's code lives.

Imports only the standard library, torch, grader.netspec, grader.graph and grader.spec (via binding), so the
sandboxed worker can run it. Every value leaves here as plain data: a return value of any other type (an int
subclass, a numpy scalar, a tensor) is refused as `invalid`, with a hint, rather than converted.
"""
import io
import re
import traceback
import warnings
from contextlib import redirect_stderr, redirect_stdout

import torch
from torch import nn

from grader import netspec
from grader.i18n import _
from grader.graph.describe import describe as describe_network
from grader.submission import binding

OUTPUT_LIMIT = 2000  # characters of the student's prints kept with an answer


class MissingFunction(Exception):
    """The submission has no such function."""


class UnreadableSource(MissingFunction):
    """The file that would hold the function is there but could not be read (syntax error, not a notebook, ...)."""


class InvalidAnswer(Exception):
    """The function returned something that is not what it claims to be."""


def _hint(value):
    kind = type(value)
    if isinstance(value, torch.Tensor):
        return _("a torch.Tensor ({value}); return a plain Python value, e.g. int(x) or x.item()").format(
            value=repr(value)[:60])
    if kind.__module__ == "numpy":
        return _("a numpy {kind}; return a plain Python value, e.g. int(x)").format(kind=kind.__name__)
    if isinstance(value, (int, float, str, tuple, list, dict)):
        return _("an object of class {kind}, a subclass of {base}; return a plain value").format(
            kind=kind.__name__, base=kind.__mro__[1].__name__)
    return _("an object of type {kind}").format(kind=f"{kind.__module__}.{kind.__qualname__}")


def to_plain(value):
    """Exact-type conversion to JSON-able data; torch.Size becomes a list. Anything else is refused."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if value == value and abs(value) != float("inf") else str(value)
    if kind in (list, tuple, torch.Size):
        return [to_plain(item) for item in value]
    if kind is dict:
        return {to_plain(k) if type(k) is str else str(k): to_plain(v) for k, v in value.items()}
    raise InvalidAnswer(_("returned {what}").format(what=_hint(value)))


def short_traceback(error):
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if "/grader/" not in f.filename.replace("\\", "/") and not f.filename.startswith("<frozen")]
    text = f"{type(error).__name__}: {error}"[:400]
    if not frames:
        return text
    file = frames[-1].filename.rsplit("/", 1)[-1]
    cell = re.fullmatch(r"(.+\.ipynb) cell (\d+)", file)  # a notebook cell's code (reading.take_statements names it)
    if cell:
        return _("{error} (line {line} of {file} cell {cell}: {code})").format(
            error=text, line=frames[-1].lineno, file=cell.group(1), cell=cell.group(2), code=frames[-1].line)
    return _("{error} (line {line} of {file}: {code})").format(error=text, line=frames[-1].lineno, file=file,
                                                               code=frames[-1].line)


def _signatures(question):
    """{function: its signature} from the question (the registry's, as the grader sent it), or the built-ins'."""
    signature = question.get("signature")
    if isinstance(signature, list) and all(isinstance(p, list) and 1 <= len(p) <= 2 and isinstance(p[0], str)
                                           for p in signature):
        return {question["function"]: tuple(tuple(p) for p in signature)}
    return None


def _run(question, function):
    kind, signatures = question["kind"], _signatures(question)
    if kind == "call":
        return to_plain(binding.call(function, question["function"], question["args"], signatures)), {}
    if kind == "measure":
        model = netspec.build_filled(question["net"]).eval()  # eval: BatchNorm1d must accept a batch of 1
        shape = question.get("input_shape")
        result = binding.call(function, question["function"], [model] if shape is None else [model, tuple(shape)],
                              signatures)
        return to_plain(result), {}
    if kind == "describe":
        model = netspec.construct(binding.bound(function, question["function"], question["kwargs"], signatures), {})
        if not isinstance(model, nn.Module):
            raise InvalidAnswer(_("returned {what}, not an nn.Module such as nn.Sequential").format(what=_hint(model)))
        description, tensors = describe_network(model, question["input_shape"], question["seed"])
        return description, {name: tensor.numpy().copy() for name, tensor in tensors.items()}
    raise ValueError(f"unknown question kind {kind!r}")


def answer(question, find_function):
    """-> (answer dict, tensors dict). `find_function(name)` returns the student's callable or raises MissingFunction."""
    out = io.StringIO()
    try:
        function = find_function(question["function"])
        with redirect_stdout(out), redirect_stderr(out), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a student's warnings never cost points
            value, tensors = _run(question, function)
        data = {"ok": True, "value": value}
    except UnreadableSource as error:
        data, tensors = {"ok": False, "status": "unreadable", "message": str(error)}, {}
    except MissingFunction as error:
        data, tensors = {"ok": False, "status": "missing", "message": str(error)}, {}
    except NotImplementedError:
        data, tensors = {"ok": False, "status": "not_implemented", "message": _("not implemented yet")}, {}
    except binding.CannotBind as error:  # the student's signature cannot take the assignment's call
        data, tensors = {"ok": False, "status": "error", "message": str(error)}, {}
    except InvalidAnswer as error:
        data, tensors = {"ok": False, "status": "invalid", "message": str(error)}, {}
    except MemoryError:
        data, tensors = {"ok": False, "status": "memory", "message": _("ran out of memory")}, {}
    except RecursionError as error:
        data, tensors = {"ok": False, "status": "error", "message": f"RecursionError: {error}"}, {}
    except SystemExit as error:  # sys.exit() in a student's function ends that answer, not the grading
        data, tensors = {"ok": False, "status": "error", "message": _("called sys.exit({code})").format(
            code=repr(error.code))}, {}
    except Exception as error:
        data, tensors = {"ok": False, "status": "error", "message": short_traceback(error)}, {}
    printed = out.getvalue()
    data["output"] = printed[:OUTPUT_LIMIT] + (_("\n[... output trimmed]") if len(printed) > OUTPUT_LIMIT else "")
    return data, tensors
