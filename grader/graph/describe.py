"""Describe a built network as data: its computation graph, parameter count and seeded outputs (eval, and train).

Both sides run exactly this: the student's network where the student's code lives, the reference in the grader, so
the outputs can be compared without shipping weights. Weights are filled from the seed in the order forward *uses*
the parameterised layers (declaring `fc1` before `conv1` in `__init__` changes nothing); the probes are two seeded
inputs of the asked shape, in eval mode; a network with dropout or batch norm is also run once in train mode (both
probes as one batch) under a fixed torch seed, so "no dropout" and "dropout ignores its argument" are behaviour too. A forward that torch.fx
cannot trace is described by the leaf layers it ran, in order (hooks), and says so in `note`.
"""
import torch
from torch import nn

from grader import netspec
from grader.graph import trace as fx_trace
from grader.graph.vocabulary import INPUT, OP_OF_MODULE, OPAQUE_OPS, TRAIN_DEPENDENT

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


def _chain(model, leaves, input_shape):
    """Leaf modules as a chain of nodes (each fed by the one before): what hooks can tell without tracing."""
    paths = {id(m): name for name, m in model.named_modules()}
    nodes = [{"id": 0, "op": INPUT, "args": {}, "inputs": [], "shape": input_shape, "path": None, "via": "input",
              "line": ""}]
    for leaf in leaves:
        kind = type(leaf).__name__
        op = OP_OF_MODULE.get(kind, "module")
        args = netspec.layer_args(leaf) if op != "module" else {"type": kind}
        nodes.append({"id": len(nodes), "op": op, "args": args, "inputs": [len(nodes) - 1], "shape": None,
                      "path": paths.get(id(leaf)), "via": "module", "line": ""})
    return {"nodes": nodes, "output": len(nodes) - 1}


def _traced(model, gm, probes, seed):
    """(graph, output, error) from the traced forward: the recorder runs the student's own modules in order on the
    first probe (recording shapes), the traced forward itself the others; outputs concatenated in probe order."""
    order = fx_trace.use_order(gm)
    unused = [m for m in netspec.weighted(netspec.static_leaves(model)) if all(m is not o for o in order)]
    netspec.fill_deterministic(order + unused, seed)
    recorder = fx_trace.ShapeRecorder(gm)
    output, error = None, None
    try:
        outputs = [recorder.run(probes[0])] + [gm(x) for x in probes[1:]]
        output = torch.cat(outputs) if all(isinstance(o, torch.Tensor) for o in outputs) else outputs[0]
    except Exception as failure:  # noqa: BLE001 — the student's network may not run: describe what is there
        error = failure
    return fx_trace.canonical(gm, recorder.shapes), output, error


def _train_output(model, x, seed):
    """The network's output in train mode under a fixed torch seed (dropout masks equal on both sides)."""
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(seed)
        model.train()
        try:
            return model(x)
        finally:
            model.eval()


def describe(model, input_shape, seed):
    """(description, tensors) of `model` on the probe batch for `input_shape`; never raises for the student's code.

    tensors: "output" (eval mode, the probe batch) and, for a network with train-dependent or unknown nodes,
    "train_output". A forward that fails leaves the graph as far as it is known and `forward_error` (`train_error`
    when only the train-mode run fails).
    """
    model.eval()
    probes = probe_inputs(input_shape, seed)
    description = {"tracing": "fx", "note": "", "forward_error": None, "train_error": None, "output_shape": None}
    tensors, output, graph = {}, None, None
    with torch.no_grad():
        try:
            netspec.materialise(model)
            if _has_lazy(model):
                model(probes[0])  # materialises LazyLinear/LazyConv2d so their shapes can be described (and traced)
            try:
                gm = fx_trace.trace(model)
            except fx_trace.Untraceable as untraceable:
                description.update(tracing="hooks", note=f"torch.fx cannot trace your forward ({untraceable}); it "
                                                         f"is described by the layers it ran, in order")
                graph, output = _hooks_graph(model, probes, seed)
            else:
                graph, output, error = _traced(model, gm, probes, seed)
                if error is not None:
                    raise error
            if not isinstance(output, torch.Tensor):
                raise TypeError(f"forward returned {type(output).__name__}, not a tensor")
            description["output_shape"] = list(output.shape)
            tensors["output"] = output
        except Exception as error:  # noqa: BLE001 — the student's network may not run: describe what is there
            description["forward_error"] = _error_text(error)
            if graph is None:
                graph = _chain(model, netspec.static_leaves(model), list(input_shape))
    if "output" in tensors and ({node["op"] for node in graph["nodes"]} & (TRAIN_DEPENDENT | set(OPAQUE_OPS))
                                or description["tracing"] == "hooks"):
        try:
            tensors["train_output"] = _train_output(model, torch.cat(probes), seed)
        except Exception as error:  # noqa: BLE001 — e.g. BatchNorm1d on one value per channel
            description["train_error"] = _error_text(error)
    description["graph"] = graph
    params = {id(p): p for p in model.parameters()}
    description["n_params"] = sum(p.numel() for p in params.values())
    description["param_shapes"] = [list(p.shape) for p in params.values()]
    return description, {name: value.detach().float() for name, value in tensors.items()}
