"""Describe a built network as data: its computation graph, parameter count and seeded outputs (eval, and train).

Both sides run exactly this: the student's network where the student's code lives, the reference in the grader, so
the outputs can be compared without shipping weights. Weights are filled from the seed in the order forward *uses*
the parameterised layers (declaring `fc1` before `conv1` in `__init__` changes nothing); the probes are two seeded
inputs of the asked shape, in eval mode; a network with dropout or batch norm is also run once in train mode (both
probes as one batch when there is batch norm, else the first) under a fixed torch seed, so "no dropout" and
"dropout ignores its argument" are behaviour too. A plain nn.Sequential of torch.nn layers (the book's style, every
reference) is its leaves in order and needs no tracing; anything else is traced by torch.fx; a forward that fx
cannot trace is described by the leaf layers it ran, in order (hooks), and says so in `note`. `tracing` says which.
"""
import torch
from torch import nn

from grader import netspec
from grader.graph import trace as fx_trace
from grader.graph.vocabulary import INPUT, OP_OF_MODULE, OPAQUE_OPS, TRAIN_DEPENDENT
from grader.i18n import _

BATCH_NORMS = frozenset({"batch_norm1d", "batch_norm2d"})
PROBES = 2  # seeded probe inputs of the asked shape per description: one can be matched by luck, two hardly


def probe_inputs(input_shape, seed):
    """The PROBES seeded tensors of `input_shape` (N, C, H, W) a description runs: the same on every side."""
    return [netspec.deterministic_tensor(input_shape, seed + 7 + 4 * k) for k in range(PROBES)]


def probe_input(input_shape, seed):
    """The probes as one batch (N·PROBES, C, H, W), in the order of the description's outputs."""
    return torch.cat(probe_inputs(input_shape, seed))


def _has_lazy(model):
    return any(isinstance(m, nn.modules.lazy.LazyModuleMixin) for m in model.modules())


def _error_text(error):
    text = str(error).split("\n\nWhile executing")[0]  # torch.fx appends its own node dump: not the student's code
    return f"{type(error).__name__}: {text}"[:500]


def _hooks_graph(model, probes, seed):
    """(graph, output) from the leaf modules forward ran, in order: the fallback when fx cannot trace."""
    static = netspec.static_leaves(model)
    netspec.fill_deterministic(static, seed)
    output, leaves = netspec.executed_leaves(model, probes[0])
    if netspec.weighted(leaves) != netspec.weighted(static):  # a custom forward uses them in another order
        netspec.fill_deterministic(leaves, seed)
        output, leaves = netspec.executed_leaves(model, probes[0])
    outputs = [output] + [model(x) for x in probes[1:]]
    if all(isinstance(o, torch.Tensor) for o in outputs):
        output = torch.cat(outputs)
    return _chain(model, leaves, list(probes[0].shape)), output


def _chain(model, leaves, input_shape, shapes=None):
    """Leaf modules as a chain of nodes (each fed by the one before), with their output shapes where known."""
    paths = {id(m): name for name, m in model.named_modules()}
    nodes = [{"id": 0, "op": INPUT, "args": {}, "inputs": [], "shape": input_shape, "path": None, "via": "input",
              "line": ""}]
    for index, leaf in enumerate(leaves):
        kind = type(leaf).__name__
        op = OP_OF_MODULE.get(kind, "module")
        args = netspec.layer_args(leaf) if op != "module" else {"type": kind}
        shape = shapes[index] if shapes and index < len(shapes) else None
        nodes.append({"id": len(nodes), "op": op, "args": args, "inputs": [len(nodes) - 1], "shape": shape,
                      "path": paths.get(id(leaf)), "via": "module", "line": ""})
    return {"nodes": nodes, "output": len(nodes) - 1}


def sequential_leaves(model):
    """The leaves of `model` in the order its forward runs them when it is nothing but (nested) nn.Sequential of
    torch.nn layers of the vocabulary — the book's style, and every reference — else None (then fx traces it)."""
    if type(model) is not nn.Sequential:
        return None
    leaves = []
    for child in model:
        if type(child) is nn.Sequential:
            inner = sequential_leaves(child)
            if inner is None:
                return None
            leaves += inner
        elif type(child).__module__.startswith("torch.nn.") and type(child).__name__ in OP_OF_MODULE:
            leaves.append(child)
        else:
            return None
    return leaves


def _run_chain(leaves, x):
    """A Sequential's forward, leaf by leaf: (output, the shape after each leaf so far); raises with `.shapes`."""
    shapes = []
    try:
        for leaf in leaves:
            x = leaf(x)
            shapes.append(list(x.shape))
    except Exception as error:
        error.shapes = shapes
        raise
    return x, shapes


def _sequential(model, leaves, probes, seed):
    """(graph, output, error) of a plain nn.Sequential: no tracing needed, its forward is its leaves in order."""
    netspec.fill_deterministic(leaves, seed)
    batch = len(probes[0])
    try:
        output, shapes = _run_chain(leaves, torch.cat(probes))
        return _chain(model, leaves, list(probes[0].shape), [[batch] + s[1:] for s in shapes]), output, None
    except Exception:  # noqa: BLE001 — again on the asked shape itself, as _traced does
        pass
    try:
        outputs, shapes = zip(*[_run_chain(leaves, x) for x in probes])
        return _chain(model, leaves, list(probes[0].shape), shapes[0]), torch.cat(outputs), None
    except Exception as error:  # noqa: BLE001 — the student's network may not run: describe what is there
        return _chain(model, leaves, list(probes[0].shape), getattr(error, "shapes", None)), None, error


def _per_input(shapes, batch):
    """Shapes recorded on the probes as one batch, as they are for one probe (N = `batch`)."""
    return {node: [batch] + shape[1:] if shape and shape[0] == PROBES * batch else shape
            for node, shape in shapes.items()}


def _traced(model, fx_graph, probes, seed):
    """(graph, output, error) from the traced forward: the recorder runs the student's own modules in the traced
    order, recording shapes, on the probes as one batch; if that fails, on each probe alone (a forward may accept
    only the asked batch size, and its error should speak of the asked shape). Outputs are in probe order."""
    order = fx_trace.use_order(model, fx_graph)
    unused = [m for m in netspec.weighted(netspec.static_leaves(model)) if all(m is not o for o in order)]
    netspec.fill_deterministic(order + unused, seed)
    recorder = fx_trace.ShapeRecorder(model, fx_graph)
    try:
        output = recorder.run(torch.cat(probes))
        return fx_trace.canonical(model, fx_graph, _per_input(recorder.shapes, len(probes[0]))), output, None
    except Exception:  # noqa: BLE001 — try the asked shape itself before calling it the student's error
        pass
    recorder, output, error = fx_trace.ShapeRecorder(model, fx_graph), None, None
    try:
        outputs = [recorder.run(probes[0])] + [model(x) for x in probes[1:]]
        output = torch.cat(outputs) if all(isinstance(o, torch.Tensor) for o in outputs) else outputs[0]
    except Exception as failure:  # noqa: BLE001 — the student's network may not run: describe what is there
        error = failure
    return fx_trace.canonical(model, fx_graph, recorder.shapes), output, error


def _train_output(model, x, seed):
    """The network's output in train mode under a fixed torch seed (dropout masks equal on both sides)."""
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(seed)
        model.train()
        try:
            return model(x)
        finally:
            model.eval()


def _graph_and_output(model, probes, seed, description):
    """(graph, output, the student's error or None): a plain Sequential read as it is, anything else traced by fx,
    or — when fx cannot — described by the layers its forward ran (`description` notes which)."""
    leaves = sequential_leaves(model)
    if leaves is not None:
        description["tracing"] = "sequential"
        return _sequential(model, leaves, probes, seed)
    try:
        fx_graph = fx_trace.trace(model)
    except fx_trace.Untraceable as untraceable:
        description.update(tracing="hooks", note=_("torch.fx cannot trace your forward ({error}); it is described "
                                                   "by the layers it ran, in order").format(error=untraceable))
        graph, output = _hooks_graph(model, probes, seed)
        return graph, output, None
    return _traced(model, fx_graph, probes, seed)


def describe(model, input_shape, seed):
    """(description, tensors) of `model` on the probe batch for `input_shape`; never raises for the student's code.

    tensors: "output" (eval mode, the probe batch) and, for a network with train-dependent or unknown nodes,
    "train_output". A forward that fails leaves the graph as far as it is known and `forward_error` (`train_error`
    when only the train-mode run fails).
    """
    model.eval()
    probes = probe_inputs(input_shape, seed)
    description = {"tracing": "fx", "note": "", "forward_error": None, "train_error": None}
    tensors, output, graph = {}, None, None
    with torch.no_grad():
        try:
            netspec.materialise(model)
            if _has_lazy(model):
                model(probes[0])  # materialises LazyLinear/LazyConv2d so their shapes can be described (and traced)
            graph, output, error = _graph_and_output(model, probes, seed, description)
            if error is not None:
                raise error
            if not isinstance(output, torch.Tensor):
                raise TypeError(_("forward returned {type}, not a tensor").format(type=type(output).__name__))
            tensors["output"] = output
        except Exception as error:  # noqa: BLE001 — the student's network may not run: describe what is there
            description["forward_error"] = _error_text(error)
            if graph is None:
                graph = _chain(model, netspec.static_leaves(model), list(input_shape))
    ops = {node["op"] for node in graph["nodes"]}
    if "output" in tensors and (ops & (TRAIN_DEPENDENT | set(OPAQUE_OPS)) or description["tracing"] == "hooks"):
        try:
            # one probe is enough to see dropout; batch norm's train mode needs more than one value per channel
            batch = torch.cat(probes) if ops & BATCH_NORMS else probes[0]
            tensors["train_output"] = _train_output(model, batch, seed)
        except Exception as error:  # noqa: BLE001 — e.g. BatchNorm1d on one value per channel
            description["train_error"] = _error_text(error)
    description["graph"] = graph
    params = {id(p): p for p in model.parameters()}
    description["n_params"] = sum(p.numel() for p in params.values())
    description["param_shapes"] = [list(p.shape) for p in params.values()]
    return description, {name: value.detach().float() for name, value in tensors.items()}
