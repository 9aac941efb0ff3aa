"""Rebuild a trusted network from a validated graph description: standard torch ops only, sized before it costs.

Runs in the grader. The result is a `torch.fx.GraphModule` the grader constructs itself (never the student's object):
each module node becomes a fresh torch.nn layer built from its arguments (nodes with the same path share one layer,
as the student's forward shared it), `add`/`cat`/`mean`/`reshape` become torch functions. `sized` builds it on the
meta device and runs it there first, so a description that claims a huge or endless network is refused before a
byte is allocated or a FLOP is spent: layer count (validate.MAX_NODES), parameters, every activation and the
FLOPs of one image are bounded.
"""
import math
import operator
from typing import NamedTuple

import torch
import torch.fx
import torch.nn.functional as F
from torch import nn

from grader import netspec
from grader.graph.vocabulary import INPUT, MODULE_OF
from grader.i18n import _

MAX_PARAMETERS = 150_000_000           # 600 MB of fp32 weights; VGG-11, the chapter's largest, has 128.8 M
MAX_ACTIVATION = 1 << 24               # values in one node's output for one image (64 MiB): VGG-11's largest is 3.2 M
MAX_ACTIVATIONS = 1 << 26              # all nodes' outputs for one image (256 MiB)
MAX_FLOPS = 40_000_000_000             # per image; VGG-11 at 224 costs 15.1 G (torch.utils.flop_counter)


REBUILT = frozenset(MODULE_OF) | {"add", "cat", "mean", "reshape"}


class CannotRebuild(Exception):
    """The description cannot become a trusted network: an op outside the vocabulary, bad arguments, or too big.

    `status` is a results.Status value: "invalid" for what cannot be built, "memory" for what is too big."""

    def __init__(self, message, status="invalid"):
        super().__init__(message)
        self.status = status


def _layer(node):
    try:
        return netspec.build_layer({"type": MODULE_OF[node["op"]], "args": node["args"]})
    except (ValueError, TypeError, RuntimeError) as error:  # RuntimeError: e.g. a negative size
        raise CannotRebuild(_("{layer}({args}) cannot be built: {error}").format(
            layer=MODULE_OF[node["op"]], args=node["args"], error=error)) from error


def rebuild(graph):
    """GraphModule computing `graph` (validated, see validate.graph_from); raises CannotRebuild."""
    root, fx_graph, env, shared = nn.Module(), torch.fx.Graph(), {}, {}
    for node in graph["nodes"]:
        op, args, inputs = node["op"], node["args"], [env[i] for i in node["inputs"]]
        if op == INPUT:
            env[node["id"]] = fx_graph.placeholder("x")
            continue
        if op not in REBUILT:
            what = args.get("type") or args.get("target") or op
            if node.get("line"):
                text = _("the forward uses {what} at {line}, which the grader cannot rebuild from standard torch "
                         "layers and functions")
            elif node.get("path"):
                text = _("the forward uses {what} (`{path}`), which the grader cannot rebuild from standard torch "
                         "layers and functions")
            else:
                text = _("the forward uses {what}, which the grader cannot rebuild from standard torch layers and "
                         "functions")
            raise CannotRebuild(text.format(what=what, line=node.get("line"), path=node.get("path")))
        if op not in ("add", "cat") and len(inputs) != 1:
            raise CannotRebuild(_("{op} node {id} has {count} inputs, not 1").format(op=op, id=node["id"],
                                                                                    count=len(inputs)))
        if op == "dropout" and args.get("training") is True:  # F.dropout(x, p): drops in eval mode too
            value = fx_graph.call_function(F.dropout, (inputs[0],), {"p": float(args["p"]), "training": True})
        elif op in MODULE_OF:
            key = node["path"] or f"#{node['id']}"
            if key in shared and shared[key][1] != (op, args):
                raise CannotRebuild(_("`{key}` is described twice with different arguments").format(key=key))
            if key not in shared:
                name = f"layer{len(shared)}"
                root.add_module(name, _layer(node))
                shared[key] = (name, (op, args))
            value = fx_graph.call_module(shared[key][0], (inputs[0],))
        elif op == "add" and len(inputs) == 2:
            value = fx_graph.call_function(operator.add, tuple(inputs))
        elif op == "cat" and inputs and type(args.get("dim")) is int:
            value = fx_graph.call_function(torch.cat, (inputs,), {"dim": args["dim"]})
        elif op == "mean" and args.get("dim") is not None:
            value = fx_graph.call_function(torch.mean, (inputs[0],), {"dim": args["dim"], "keepdim": bool(args.get("keepdim"))})
        elif op == "reshape" and isinstance(args.get("shape"), list) and args["shape"][:1] == [-1]:
            value = fx_graph.call_function(torch.reshape, (inputs[0], tuple(args["shape"])))
        else:
            raise CannotRebuild(_("{op} node {id} has arguments the grader cannot rebuild: {args}").format(
                op=op, id=node["id"], args=args))
        env[node["id"]] = value
    if graph["output"] is None:
        raise CannotRebuild(_("the description does not say which node the forward returns"))
    fx_graph.output(env[graph["output"]])
    return torch.fx.GraphModule(root, fx_graph, "Rebuilt")


def _flops(module, output_shape):
    """Forward FLOPs of one layer for its output, torch.utils.flop_counter's convention (a multiply-add is 2)."""
    if isinstance(module, nn.Conv2d):
        return 2 * math.prod(output_shape) * (module.in_channels // module.groups) * math.prod(module.kernel_size)
    if isinstance(module, nn.Linear):
        return 2 * math.prod(output_shape) * module.in_features
    return 0


class _Sizer(torch.fx.Interpreter):
    """Runs the meta network node by node, refusing it as soon as one image's activations or FLOPs pass a bound."""

    def __init__(self, network, what):
        super().__init__(network)
        self.what, self.values, self.flops = what, 0, 0

    def run_node(self, node):
        output = super().run_node(node)
        if isinstance(output, torch.Tensor) and node.op != "placeholder":
            module = self.module.get_submodule(node.target) if node.op == "call_module" else None
            self.values += output.numel()
            self.flops += _flops(module, output.shape)
            if output.numel() > MAX_ACTIVATION or self.values > MAX_ACTIVATIONS or self.flops > MAX_FLOPS:
                kind = type(module).__name__ if module is not None else getattr(node.target, "__name__", node.op)
                raise CannotRebuild(
                    _("{what} is too big to train: one image makes {kind} output {shape} ({numel} values; the layers "
                      "so far {values} values and {flops} FLOPs, at most {max_activation} / {max_activations} / "
                      "{max_flops}): check that layer's size").format(
                        what=self.what, kind=kind, shape=tuple(output.shape), numel=f"{output.numel():,}",
                        values=f"{self.values:,}", flops=f"{self.flops:,}", max_activation=f"{MAX_ACTIVATION:,}",
                        max_activations=f"{MAX_ACTIVATIONS:,}", max_flops=f"{MAX_FLOPS:,}"),
                    "memory")
        return output


class Sized(NamedTuple):
    network: nn.Module   # on the meta device: nothing allocated yet
    output_shape: list   # for one image
    flops: int           # forward FLOPs for one image (torch.utils.flop_counter's convention, Conv2d + Linear)


def cost(module, input_shape, what="the network"):
    """Forward FLOPs for one image of a trusted module built on the meta device (the reference's, never the
    student's object); raises CannotRebuild as sized() does."""
    return _run_sized(torch.fx.symbolic_trace(module), input_shape, what)[1]


def _run_sized(network, input_shape, what):
    sizer = _Sizer(network, what)
    try:
        with torch.no_grad():
            output = sizer.run(torch.empty((1, *input_shape[1:]), device="meta"))
    except CannotRebuild:
        raise
    except (RuntimeError, ValueError, TypeError, IndexError) as error:
        raise CannotRebuild(_("{what}'s layers do not fit together: {error}").format(
            what=what, error=str(error).splitlines()[0][:200])) from error
    return list(output.shape), sizer.flops


def sized(graph, input_shape, what="the network"):
    """`rebuild(graph)` on the meta device, run once there on one image of `input_shape`; -> Sized. Raises
    CannotRebuild when it is too big or its layers do not fit together."""
    with torch.device("meta"):
        network = rebuild(graph)
    parameters = sum(p.numel() for p in network.parameters())
    if parameters > MAX_PARAMETERS:
        raise CannotRebuild(_("{what} has {parameters} parameters; the training check trains at most {max} (the "
                              "chapter's largest, VGG-11, has 128,806,154): check the layer sizes").format(
                                  what=what, parameters=f"{parameters:,}", max=f"{MAX_PARAMETERS:,}"), "memory")
    return Sized(network, *_run_sized(network, input_shape, what))
