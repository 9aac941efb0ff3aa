"""Trace a module's forward with torch.fx and normalise every tensor-valued node into the canonical vocabulary.

`nn.ReLU`, `F.relu`, `torch.relu` and `x.relu_()` all become `relu`; `nn.Flatten`, `torch.flatten` and a
`view`/`reshape` that keeps the batch and flattens the rest (recognised by the shapes it produced) become
`flatten`; size arithmetic (`x.size(0)`) is dropped. Module nodes keep the student's path (`features.3`, `conv1`);
function nodes keep the student's source line. Runs where the student's code lives: torch and stdlib only.
"""
import linecache
import operator
import os
import sys

import torch
import torch.fx
import torch.nn.functional as F

from grader import netspec
from grader.graph.vocabulary import INPUT, OP_OF_MODULE


class Untraceable(Exception):
    """torch.fx cannot trace this forward (data-dependent control flow, non-torch code on tensors, ...)."""


def _pair(value):
    return [value, value] if isinstance(value, int) else [int(v) for v in value]


def _pool_args(kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, *_, **__):
    return {"kernel_size": _pair(kernel_size), "stride": _pair(kernel_size if stride in (None, []) else stride),
            "padding": _pair(padding), "dilation": _pair(dilation), "ceil_mode": bool(ceil_mode)}


def _avg_pool_args(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, *_, **__):
    return {"kernel_size": _pair(kernel_size), "stride": _pair(kernel_size if stride in (None, []) else stride),
            "padding": _pair(padding), "ceil_mode": bool(ceil_mode), "count_include_pad": bool(count_include_pad)}


def _dropout_args(p=0.5, training=True, *_, **__):
    return {"p": float(p)} if training is False or isinstance(training, torch.fx.Node) else \
        {"p": float(p), "training": True}  # F.dropout(x, p) drops in eval mode too: worth saying


def _flatten_args(start_dim=0, end_dim=-1, *_, **__):
    return {"start_dim": int(start_dim), "end_dim": int(end_dim)}


def _dim_args(dim=None, *_, **__):
    return {"dim": dim}


def _no_args(*_, **__):
    return {}


# function -> (op, how the student wrote it, args builder taking the call's arguments after the input tensor)
FUNCTIONS = {
    F.relu: ("relu", "F.relu", _no_args), torch.relu: ("relu", "torch.relu", _no_args),
    torch.relu_: ("relu", "torch.relu_", _no_args), F.relu_: ("relu", "F.relu_", _no_args),
    torch.flatten: ("flatten", "torch.flatten", _flatten_args),
    F.max_pool2d: ("max_pool2d", "F.max_pool2d", _pool_args),
    F.avg_pool2d: ("avg_pool2d", "F.avg_pool2d", _avg_pool_args),
    F.adaptive_avg_pool2d: ("adaptive_avg_pool2d", "F.adaptive_avg_pool2d",
                            lambda output_size, *_, **__: {"output_size": _pair(output_size)}),
    F.adaptive_max_pool2d: ("adaptive_max_pool2d", "F.adaptive_max_pool2d",
                            lambda output_size, *_, **__: {"output_size": _pair(output_size)}),
    F.dropout: ("dropout", "F.dropout", _dropout_args),
    torch.sigmoid: ("sigmoid", "torch.sigmoid", _no_args), F.sigmoid: ("sigmoid", "F.sigmoid", _no_args),
    torch.tanh: ("tanh", "torch.tanh", _no_args), F.tanh: ("tanh", "F.tanh", _no_args),
    F.gelu: ("gelu", "F.gelu", _no_args),
    F.leaky_relu: ("leaky_relu", "F.leaky_relu",
                   lambda negative_slope=0.01, *_, **__: {"negative_slope": float(negative_slope)}),
    F.softmax: ("softmax", "F.softmax", _dim_args), F.log_softmax: ("log_softmax", "F.log_softmax", _dim_args),
    operator.add: ("add", "+", _no_args), operator.iadd: ("add", "+=", _no_args), torch.add: ("add", "torch.add", _no_args),
    torch.cat: ("cat", "torch.cat", _dim_args), torch.concat: ("cat", "torch.concat", _dim_args),
    torch.mean: ("mean", "torch.mean", lambda dim=None, keepdim=False, *_, **__: {"dim": dim, "keepdim": bool(keepdim)}),
    torch.reshape: ("reshape", "torch.reshape", _no_args),
}
METHODS = {
    "relu": ("relu", ".relu()", _no_args), "relu_": ("relu", ".relu_()", _no_args),
    "sigmoid": ("sigmoid", ".sigmoid()", _no_args), "tanh": ("tanh", ".tanh()", _no_args),
    "flatten": ("flatten", ".flatten()", _flatten_args),
    "add": ("add", ".add()", _no_args), "add_": ("add", ".add_()", _no_args),
    "mean": ("mean", ".mean()", lambda dim=None, keepdim=False, *_, **__: {"dim": dim, "keepdim": bool(keepdim)}),
    "view": ("reshape", ".view()", _no_args), "reshape": ("reshape", ".reshape()", _no_args),
    "squeeze": ("reshape", ".squeeze()", _no_args), "unsqueeze": ("reshape", ".unsqueeze()", _no_args),
    "contiguous": ("identity", ".contiguous()", _no_args),
}
SCALAR_METHODS = {"size", "dim", "numel"}  # size arithmetic: not part of what the network computes


TORCH = os.path.dirname(torch.__file__) + os.sep
HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep


class _LineTracer(torch.fx.Tracer):
    """fx's tracer, noting for each node the innermost line of the student's code that made it (a frame walk:
    fx's own record_stack_traces formats whole stacks and costs a third of the trace)."""

    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
        node = super().create_node(kind, target, args, kwargs, name, type_expr)
        frame = sys._getframe(1)
        while frame is not None and (frame.f_code.co_filename.startswith((TORCH, HERE))
                                     or frame.f_code.co_filename.startswith("<")):
            frame = frame.f_back
        if frame is not None:
            filename, number = frame.f_code.co_filename, frame.f_lineno
            text = linecache.getline(filename, number).strip()
            node.meta["line"] = f"{os.path.basename(filename)} line {number}: {text}"[:160]
        return node


def trace(model):
    """The fx graph of `model`'s forward (nodes refer to `model`'s own submodules); raises Untraceable."""
    try:
        return _LineTracer().trace(model)
    except Exception as error:  # noqa: BLE001 — TraceError, TypeError on a Proxy, the student's own exceptions
        raise Untraceable(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:240]) from error


def _tensor_inputs(node, is_tensor):
    found = []

    def visit(value):
        if isinstance(value, torch.fx.Node):
            if is_tensor(value) and value not in found:
                found.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)
    visit(node.args)
    visit(node.kwargs)
    return found


def _reshape_op(in_shape, out_shape):
    """A view/reshape named by what it did to the shapes: a flatten keeping the batch, a no-op, or a reshape."""
    if in_shape is None or out_shape is None:
        return "reshape", {}
    if list(out_shape) == list(in_shape):
        return "identity", {}
    if len(out_shape) == 2 and out_shape[0] == in_shape[0] and len(in_shape) > 2:
        return "flatten", {"start_dim": 1, "end_dim": -1}
    return "reshape", {"shape": ([-1] + list(out_shape[1:])) if out_shape and in_shape and out_shape[0] == in_shape[0]
                       else list(out_shape)}


def _classify(root, node, shapes, inputs):
    """(op, args, via, path) for one tensor-valued fx node; `root` is the traced module."""
    if node.op == "call_module":
        module = root.get_submodule(node.target)
        name = type(module).__name__
        known = OP_OF_MODULE.get(name) if type(module).__module__.startswith("torch.nn") else None
        if known:
            return known, netspec.layer_args(module), "module", node.target
        return "module", {"type": name}, "module", node.target
    if node.op == "get_attr":
        return "call", {"target": f"parameter {node.target}"}, "attribute", node.target
    table = FUNCTIONS if node.op == "call_function" else METHODS
    key = node.target
    entry = table.get(key) if node.op == "call_method" or callable(key) else None
    if entry is None:
        name = key if isinstance(key, str) else getattr(key, "__name__", str(key))
        return "call", {"target": str(name)}, str(name), None
    op, via, make_args = entry
    rest = list(node.args[1:]) if node.args else []
    if op == "cat" and node.args and isinstance(node.args[0], (list, tuple)):
        rest = list(node.args[1:])
    try:
        args = make_args(*rest, **{k: v for k, v in node.kwargs.items() if k not in ("input", "inplace", "out")})
    except TypeError:
        args = {}
    if op == "add" and len(inputs) != 2:
        return "call", {"target": f"{via} with a constant"}, via, None
    if op == "reshape" or (op == "flatten" and node.op == "call_method"):
        in_shape = shapes.get(inputs[0]) if inputs else None
        op, args = _reshape_op(in_shape, shapes.get(node)) if op == "reshape" else (op, args)
    if op in ("cat", "softmax", "log_softmax") and isinstance(args.get("dim"), int) and inputs and shapes.get(inputs[0]):
        args["dim"] = args["dim"] % len(shapes[inputs[0]])  # dim=-3 and dim=1 of a 4-D tensor are the same
    if op == "mean" and inputs and shapes.get(inputs[0]) and args.get("dim") is not None:
        rank = len(shapes[inputs[0]])
        dims = args["dim"] if isinstance(args["dim"], (list, tuple)) else [args["dim"]]
        args["dim"] = sorted(int(d) % rank for d in dims)
    return op, args, via, None


def canonical(root, graph, shapes):
    """`graph` (traced from `root`) as canonical nodes. `shapes`: fx node -> output shape (list), None for a
    non-tensor; nodes the run did not reach are absent (their op is still named, their shape is None)."""
    def is_tensor(node):
        """Measured where the run reached; past a failure, guessed: size arithmetic (`x.size(0)`, `x.shape[0]`)
        is not a tensor, everything else is."""
        if node in shapes:
            return shapes[node] is not None
        if node.op == "call_method":
            return node.target not in SCALAR_METHODS
        if node.op == "call_function" and node.target is getattr:
            return False  # x.shape, x.dtype: attributes, not tensors
        if node.op == "call_function" and node.target is operator.getitem and node.args:
            source = node.args[0]
            return not isinstance(source, torch.fx.Node) or is_tensor(source)  # x[:, 0] is; x.shape[0] is not
        return True

    ids, nodes, output = {}, [], None
    for node in graph.nodes:
        if node.op == "output":
            result = node.args[0]
            output = ids.get(result) if isinstance(result, torch.fx.Node) else None
            continue
        if not is_tensor(node):
            continue
        shape = shapes.get(node)
        if node.op == "placeholder":
            ids[node] = len(nodes)
            nodes.append({"id": len(nodes), "op": INPUT, "args": {}, "inputs": [], "shape": shape, "path": None,
                          "via": "input", "line": ""})
            continue
        inputs = _tensor_inputs(node, is_tensor)
        op, args, via, path = _classify(root, node, shapes, inputs)
        if op == "identity" and via != "module" and len(inputs) == 1:
            ids[node] = ids[inputs[0]]  # .contiguous(), a no-op view: the same value
            continue
        ids[node] = len(nodes)
        nodes.append({"id": len(nodes), "op": op, "args": args, "inputs": [ids[i] for i in inputs if i in ids],
                      "shape": shape, "path": path, "via": via, "line": "" if path else node.meta.get("line", "")})
    return {"nodes": nodes, "output": output}


def use_order(root, graph=None):
    """Modules holding parameters, each once, in the order forward first uses them (for the seeded weights).
    `graph` defaults to `root.graph` (a GraphModule)."""
    order, seen = [], set()
    for node in (graph or root.graph).nodes:
        owner = None
        if node.op == "call_module":
            owner = root.get_submodule(node.target)
        elif node.op == "get_attr" and "." in node.target:
            owner = root.get_submodule(node.target.rsplit(".", 1)[0])
        if owner is not None and id(owner) not in seen and list(owner.parameters(recurse=False)):
            seen.add(id(owner))
            order.append(owner)
    return order


class ShapeRecorder(torch.fx.Interpreter):
    """Runs the traced graph on real tensors and records each node's output shape (None for non-tensors)."""

    def __init__(self, root, graph):
        super().__init__(root, graph=graph)
        self.shapes, self.failed_at = {}, None

    def run_node(self, node):
        try:
            value = super().run_node(node)
        except Exception:
            self.failed_at = node
            raise
        self.shapes[node] = list(value.shape) if isinstance(value, torch.Tensor) else None
        return value
