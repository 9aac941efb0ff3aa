"""Compare a student's network builder with the reference by behaviour; the graph difference only explains it.

A builder passes when its network has the reference's parameter count and, with the same seeded weights, the same
output on the seeded probe inputs in eval mode (and in train mode under a fixed torch seed when either network has
dropout or batch norm). How the network is written — classes, `F.relu`, `x.view(N, -1)`, nesting, lazy layers —
does not matter. Only when the behaviour differs does the graph difference name the mistake (feedback.builders).
"""
from dataclasses import dataclass

import numpy as np

from grader import spec
from grader.checks import reference
from grader.checks.base import CheckFailure, Status, require
from grader.feedback import format as fmt
from grader.feedback.builders import explain
from grader.graph.validate import MalformedGraph, description_from
from grader.i18n import _
from grader.submission import describe

RTOL, ATOL = 1e-4, 1e-5


@dataclass
class Mismatch:
    kind: str     # forward_error | train_error | n_params | output_shape | output | train_output
    detail: str   # what was measured, in words


def _same(a, b):
    return isinstance(a, np.ndarray) and a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=ATOL)


def behaviour_mismatch(got, got_tensors, want, want_tensors, batch=1):
    """None when the student's network behaves like the reference's, else the first difference found.

    `batch`: N of the asked input shape (the probe batch holds several inputs of that shape)."""
    if got["forward_error"]:
        return Mismatch("forward_error", got["forward_error"])
    if got["n_params"] != want["n_params"]:
        return Mismatch("n_params", _("expected {want} parameters, your network has {got}").format(
            want=f"{want['n_params']:,}", got=f"{got['n_params']:,}"))
    output, expected = got_tensors.get("output"), want_tensors["output"]
    if not isinstance(output, np.ndarray) or output.shape != expected.shape:
        shape = tuple(output.shape[1:]) if isinstance(output, np.ndarray) else None
        return Mismatch("output_shape", _("expected an output of shape {want}, got {got}").format(
            want=(batch,) + tuple(expected.shape[1:]), got=(batch,) + shape if shape is not None else None))
    if not _same(output, expected):
        return Mismatch("output", _("with the same weights your network computes a different output (eval mode)"))
    if got["train_error"]:
        return Mismatch("train_error", got["train_error"])
    # a network without dropout or batch norm computes in train mode what it computes in eval mode (on the first
    # probe, or on both when batch norm is there: describe's rule, the same on both sides)
    got_train, want_train = got_tensors.get("train_output"), want_tensors.get("train_output")
    if got_train is None and want_train is not None:
        got_train = output if len(want_train) == len(output) else output[:len(want_train)]
    if want_train is None and got_train is not None:
        want_train = expected if len(got_train) == len(expected) else expected[:len(got_train)]
    if got_train is not None and not _same(got_train, want_train):
        return Mismatch("train_output", _("in train mode (dropout active, the same random seed) your network "
                                          "computes a different output"))
    return None


def compare_builder(submission, function, kwargs, input_shape, context=None):
    """Raise CheckFailure (with the smallest example's text) unless the student's network behaves like the reference.

    `context` carries what the feedback detectors need to name a mistake (e.g. the block's in_channels).
    """
    example = fmt.call(function, kwargs) + _(" on input {shape}").format(shape=tuple(input_shape))
    question = describe(function, kwargs, input_shape, spec.DESCRIBE_SEED)
    answer = submission.ask(question)
    try:
        got = description_from(require(answer, example))
    except MalformedGraph as error:
        raise CheckFailure(_("the description of your network came back malformed ({error})").format(error=error),
                           example, Status.INVALID) from None
    want, want_tensors = reference.describe(question)
    want = description_from(want)
    mismatch = behaviour_mismatch(got, answer.tensors, want, want_tensors, input_shape[0])
    if mismatch is not None:
        raise CheckFailure(explain(got, want, mismatch, {**(context or {}), **kwargs}, function) + f" [{example}]",
                           example)
