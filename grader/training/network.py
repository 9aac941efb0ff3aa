"""Get the student's network as data and rebuild a trusted copy: describe, rebuild from the graph, verify, re-initialise."""
import numpy as np
import torch
from torch import nn

from grader import netspec, spec
from grader.i18n import _
from grader.graph.describe import probe_input
from grader.graph.rebuild import CannotRebuild, cost, sized
from grader.graph.trace import use_order
from grader.graph.validate import MalformedGraph, description_from
from grader.submission.base import describe

DESCRIBE_BATCH = 2  # images per deterministic probe input: enough to catch a batch-mixing layer


class NetworkProblem(Exception):
    """The student's network cannot be trained as described; `status` is a results.Status value."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def call_text(builder, kwargs):
    return f"{builder}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


MAX_COST_RATIO = 4  # a network trains at most this many times the FLOPs per image of the reference's for the call


def _within_the_references_cost(flops, builder, kwargs, input_shape, what):
    """Refuse a network that costs far more than the reference's for the same builder call: the training budget is
    sized for the assignment's networks, and a builder may return something else for the training's arguments."""
    try:
        with torch.device("meta"):
            reference = spec.reference_function(builder)(**kwargs)
        want = cost(reference, input_shape, f"the reference {what}")
    except Exception:  # noqa: BLE001 — no reference to measure against (or it cannot be traced): the absolute bounds hold
        return
    if flops > MAX_COST_RATIO * max(want, 1):
        raise NetworkProblem("memory", _("{what} costs {flops} FLOPs per image, {ratio} times the reference's "
                                         "{want}: the training check trains networks the size of the assignment's "
                                         "(at most {max_ratio} times); check the layer sizes").format(
            what=what, flops=f"{flops:,}", ratio=f"{flops / max(want, 1):.0f}", want=f"{want:,}",
            max_ratio=MAX_COST_RATIO))


def _rebuild(answer, builder, kwargs, input_shape, seed):
    """The grader's GraphModule copy of one described network, verified to reproduce the student's output.

    The description is the student's claim: it is validated, sized on the meta device (bounded parameters,
    activations and FLOPs) and only then allocated, filled with the same seeded weights and run on the same probe.
    """
    what = call_text(builder, kwargs)
    try:
        description = description_from(answer.value)
    except MalformedGraph as error:
        raise NetworkProblem("invalid", _("{what}: the description came back malformed ({error})").format(
            what=what, error=error)) from None
    if description["forward_error"]:
        raise NetworkProblem("failed", _("{what} fails on an input of shape {shape}: {error}").format(
            what=what, shape=tuple(input_shape), error=description["forward_error"]))
    student_output = answer.tensors.get("output")
    if not isinstance(student_output, np.ndarray):
        raise NetworkProblem("invalid", _("{what}: the description came back without its output").format(what=what))
    try:
        copy, _shape, flops = sized(description["graph"], input_shape, what)
    except CannotRebuild as problem:
        raise NetworkProblem(problem.status, _("{what} cannot be rebuilt for training: {problem}").format(
            what=what, problem=problem)) from None
    _within_the_references_cost(flops, builder, kwargs, input_shape, what)
    netspec.materialise(copy)
    netspec.fill_deterministic(use_order(copy), seed)  # the order the student's side filled in: forward's use order
    copy.eval()
    with torch.no_grad():
        try:
            ours = copy(probe_input(input_shape, seed)).numpy()
        except Exception as error:  # noqa: BLE001 — sized() ran it on meta: only a claim that lied can fail here
            ours, reason = None, f"{type(error).__name__}: {error}"[:200]
    same = ours is not None and ours.shape == student_output.shape and np.allclose(
        ours, student_output, rtol=1e-3, atol=1e-4 * max(1.0, float(np.abs(student_output).max(initial=0))))
    if not same:
        detail = reason if ours is None else _("output {ours} differs from yours {yours}").format(
            ours=tuple(ours.shape), yours=student_output.shape)
        note = _("; ") + description["note"] if description["note"] else ""
        raise NetworkProblem("invalid", _("{what}: the grader's copy, rebuilt from what your forward computes, does "
                                          "not reproduce your network's output ({detail}{note}); the training check "
                                          "needs a forward built from standard torch.nn layers and "
                                          "functions").format(what=what, detail=detail, note=note))
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
            _ask, builder, kwargs = part
            what = call_text(builder, kwargs)
            answer = submission.ask(describe(builder, kwargs, shape, seed))
            if not answer.ok:
                raise NetworkProblem(answer.status, _("{what}: {message}").format(what=what, message=answer.message))
            try:
                piece = _rebuild(answer, builder, kwargs, shape, seed)
            except NetworkProblem as problem:
                if made_by:  # the input came from the student's previous part: say so
                    problem.args = (_("{problem} (its input comes from {made_by}, which outputs {shape})").format(
                        problem=problem, made_by=made_by, shape=tuple(shape)),)
                raise
        else:
            what, piece = _("the grader's own layers"), netspec.build(part[1])
        parts.append(piece)
        try:
            with torch.no_grad():
                shape = list(piece.eval()(torch.zeros(shape)).shape)  # the next part's input
        except RuntimeError as error:  # only the grader's own layers can fail here: the student's were verified
            raise NetworkProblem("failed", _("{made_by} outputs shape {shape}, which {what} after it cannot take "
                                             "({error})").format(made_by=made_by, shape=tuple(shape), what=what,
                                                                 error=str(error).splitlines()[0][:160])) from error
        made_by = what
    if shape != [DESCRIBE_BATCH, 10]:
        raise NetworkProblem("failed", _("the network outputs shape {shape} for an input of ({batch}, 1, {size}, "
                                         "{size}); a classifier for 10 classes must output ({batch}, 10)").format(
            shape=tuple(shape), batch=DESCRIBE_BATCH, size=input_size))
    if not any(parameter.requires_grad for part in parts for parameter in part.parameters()):
        raise NetworkProblem("failed", _("the network has no trainable parameters: there is nothing to train"))
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
    """(layer index, type, output shape, MiB for a whole batch) of the layer with the largest output (layers
    counted in the order they run), measured on one image on the CPU; None when not even the first one runs."""
    sizes = []
    hooks = [m.register_forward_hook(lambda m, i, o: sizes.append((o.numel(), len(sizes), type(m).__name__,
                                                                  tuple(o.shape))))
             for m in netspec.static_leaves(model)]
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
    numel, _order, index, kind, shape = max((n, -k, k, kind, shape) for n, k, kind, shape in sizes)  # first of equals
    return index, kind, (batch_size,) + shape[1:], numel * batch_size * 4 / 2 ** 20
