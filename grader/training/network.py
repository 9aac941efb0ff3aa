"""Get the student's network as data and rebuild a trusted copy: describe, rebuild, verify outputs, re-initialise."""
import numpy as np
import torch
from torch import nn

from grader import netspec
from grader.submission.base import describe

DESCRIBE_BATCH = 2  # images per deterministic probe input: enough to catch a batch-mixing layer
# The most parameters a described network may have before the grader allocates it (600 MB of fp32 weights, 2.4 GB
# with AdamW's state): above the chapter's largest network, far below what would take the grader's memory.
MAX_PARAMETERS = 150_000_000


class NetworkProblem(Exception):
    """The student's network cannot be trained as described; `status` is a results.Status value."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def call_text(builder, kwargs):
    return f"{builder}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def _rebuild(answer, what, input_shape, seed):
    """nn.Sequential copy of one described network, verified to reproduce the student's output."""
    value = answer.value if isinstance(answer.value, dict) else {}
    if value.get("forward_error"):
        raise NetworkProblem("failed", f"{what} fails on an input of shape {tuple(input_shape)}: "
                                       f"{value['forward_error']}")
    leaves = value.get("leaves")
    student_output = answer.tensors.get("output")
    if not isinstance(leaves, list) or student_output is None:
        raise NetworkProblem("invalid", f"{what}: the description came back incomplete (no layers or no output)")
    try:
        with torch.device("meta"):  # sizes first, memory later: a description is the student's claim, not yet trusted
            copy = netspec.build(leaves)
    except (ValueError, TypeError, KeyError, RuntimeError) as error:  # RuntimeError: e.g. a negative size
        raise NetworkProblem("invalid", f"{what} cannot be rebuilt for training: {error}; build it from "
                                        f"standard torch.nn layers") from error
    parameters = sum(parameter.numel() for parameter in copy.parameters())
    if parameters > MAX_PARAMETERS:
        raise NetworkProblem("memory", f"{what} has {parameters:,} parameters; the training check trains at most "
                                       f"{MAX_PARAMETERS:,} (the chapter's largest, VGG-11, has 128,806,154): "
                                       f"check the layer sizes")
    netspec.fill_deterministic(netspec.static_leaves(netspec.materialise(copy)), seed)
    copy.eval()
    with torch.no_grad():
        try:
            ours = copy(netspec.deterministic_tensor(input_shape, seed + 7)).numpy()
        except Exception as error:  # layers that ran in another order or with functions between them
            ours, reason = None, f"{type(error).__name__}: {error}"[:200]
    same = ours is not None and ours.shape == student_output.shape and np.allclose(
        ours, student_output, rtol=1e-3, atol=1e-4 * max(1.0, float(np.abs(student_output).max(initial=0))))
    if not same:
        detail = reason if ours is None else f"output {tuple(ours.shape)} differs from yours {student_output.shape}"
        raise NetworkProblem("invalid", f"{what}: its layers, run in the order they ran, do not reproduce its "
                                        f"output ({detail}); the training check needs a network that is exactly "
                                        f"its nn layers in sequence (no F.relu/torch.flatten calls in forward, "
                                        f"no layer used twice)")
    return copy


def fetch_network(submission, plan, input_size, seed=0):
    """Rebuild the network a profile's `plan` describes; the probe input is (2, 1, input_size, input_size).

    `plan` is a list of parts: ("ask", builder, kwargs) asks the student's builder, ("layers", specs) adds
    the grader's own netspec layers (pools between the student's nin_blocks). Raises NetworkProblem.
    """
    shape = [DESCRIBE_BATCH, 1, input_size, input_size]
    parts, made_by = [], None  # made_by: what produced `shape` (None: the images)
    for part in plan:
        if part[0] == "ask":
            _, builder, kwargs = part
            what = call_text(builder, kwargs)
            answer = submission.ask(describe(builder, kwargs, shape, seed))
            if not answer.ok:
                raise NetworkProblem(answer.status, f"{what}: {answer.message}")
            try:
                piece = _rebuild(answer, what, shape, seed)
            except NetworkProblem as problem:
                if made_by:  # the input came from the student's previous part: say so
                    problem.args = (f"{problem} (its input comes from {made_by}, which outputs {tuple(shape)})",)
                raise
        else:
            what, piece = "the grader's own layers", netspec.build(part[1])
        parts.extend(piece)
        try:
            with torch.no_grad():
                shape = list(piece.eval()(torch.zeros(shape)).shape)  # the next part's input
        except RuntimeError as error:  # only the grader's own layers can fail here: the student's were verified
            raise NetworkProblem("failed", f"{made_by} outputs shape {tuple(shape)}, which {what} after it cannot "
                                           f"take ({str(error).splitlines()[0][:160]})") from error
        made_by = what
    if shape != [DESCRIBE_BATCH, 10]:
        raise NetworkProblem("failed", f"the network outputs shape {tuple(shape)} for an input of "
                                       f"({DESCRIBE_BATCH}, 1, {input_size}, {input_size}); a classifier for 10 "
                                       f"classes must output ({DESCRIBE_BATCH}, 10)")
    if not any(parameter.requires_grad for part in parts for parameter in part.parameters()):
        raise NetworkProblem("failed", "the network has no trainable parameters: there is nothing to train")
    return nn.Sequential(*parts)


def reinitialise(model, seed):
    """Fresh seeded weights: torch's default init for every layer, then d2l's Xavier for Conv2d/Linear weights."""
    from grader.training.loop import xavier_init
    torch.manual_seed(seed)
    for module in model.modules():
        if hasattr(module, "reset_parameters") and not list(module.children()):
            module.reset_parameters()
    xavier_init(model)
    return model


def largest_activation(model, input_size, batch_size):
    """(layer index, type, output shape, MiB for a whole batch) of the layer with the largest output, measured
    on one image on the CPU; None when not even the first layer gets through that."""
    sizes = []
    hooks = [m.register_forward_hook(lambda m, i, o, k=k: sizes.append((o.numel(), k, type(m).__name__,
                                                                          tuple(o.shape))))
             for k, m in enumerate(model)]
    try:
        with torch.no_grad():
            model.eval().cpu()(torch.zeros(1, 1, input_size, input_size))
    except (RuntimeError, MemoryError):
        pass  # the layers measured before the failure still point at the culprit
    finally:
        for hook in hooks:
            hook.remove()
    if not sizes:
        return None
    numel, _, index, kind, shape = max((n, -k, k, kind, shape) for n, k, kind, shape in sizes)  # first of equals
    return index, kind, (batch_size,) + shape[1:], numel * batch_size * 4 / 2 ** 20
