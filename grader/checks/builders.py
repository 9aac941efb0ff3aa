"""Compare a student's network builder with the reference by behaviour: leaf layers, parameters, seeded output."""
import numpy as np

from grader.checks import reference
from grader.checks.base import CheckFailure, Status, require
from grader.feedback.builders import explain_layers
from grader.feedback import format as fmt
from grader.submission import describe

SEED = 20_241_123  # fixed and recorded: weights and inputs of every description derive from it


def _description(value, example):
    try:
        leaves = [{"type": str(leaf["type"]), "args": dict(leaf["args"])} for leaf in value["leaves"]]
        return {"leaves": leaves, "forward_error": value.get("forward_error"), "n_params": value["n_params"],
                "output_shape": value.get("output_shape")}
    except (TypeError, KeyError, ValueError):
        raise CheckFailure("the description of your network came back malformed", example, Status.INVALID)


def compare_builder(submission, function, kwargs, input_shape, context=None):
    """Raise CheckFailure (with the smallest example's text) unless the student's network behaves like the reference.

    `context` carries what the feedback detectors need to name a mistake (e.g. the block's in_channels).
    """
    example = fmt.call(function, kwargs) + f" on input {tuple(input_shape)}"
    question = describe(function, kwargs, input_shape, SEED)
    answer = submission.ask(question)
    got = _description(require(answer, example), example)
    want, want_output = reference.describe(question)
    if got["leaves"] != want["leaves"]:
        raise CheckFailure(explain_layers(got["leaves"], want["leaves"], dict(context or {}, **kwargs),
                                          function) + f" [{example}]", example)
    if got["forward_error"]:
        raise CheckFailure(f"the layers are right but the forward pass fails: {got['forward_error']} [{example}]",
                           example)
    if got["n_params"] != want["n_params"]:
        raise CheckFailure(f"expected {want['n_params']:,} parameters, your network has {got['n_params']:,} "
                           f"[{example}]", example)
    output = answer.tensors.get("output")
    if not isinstance(output, np.ndarray) or list(output.shape) != list(want_output.shape):
        shape = getattr(output, "shape", None)
        raise CheckFailure(f"expected an output of shape {tuple(want_output.shape)}, got {shape} [{example}]", example)
    if not np.allclose(output, want_output, rtol=1e-4, atol=1e-5):
        raise CheckFailure("same layers, but with the same weights your network computes a different output: "
                           f"check the order in which forward applies them [{example}]", example)
