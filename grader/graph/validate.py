"""Check that a network description from the answering side is exactly what it claims to be, before any use.

A description is the student's claim: it may come from a hostile worker. `graph_from(value)` returns a normalised
copy (plain types, ids in order, inputs pointing backwards only, bounded sizes) or raises MalformedGraph. Nothing
here allocates tensors. Standard library only.
"""
from grader.graph.vocabulary import ALL_OPS, INPUT
from grader.i18n import _

MAX_NODES = 2000          # the chapter's largest network (VGG-11) has ~40 nodes; ResNet-152 has ~500
MAX_TEXT = 200            # characters of a path, a via or a source line
MAX_RANK = 8


class MalformedGraph(Exception):
    """The description is not a well-formed graph (a bug in the answering side, or a forged answer)."""


def _text(value, what):
    if value is None:
        return None
    if type(value) is not str:
        raise MalformedGraph(_("{what} must be text").format(what=what))
    return value[:MAX_TEXT]


def _shape(value):
    if value is None:
        return None
    if type(value) is not list or len(value) > MAX_RANK or not all(type(d) is int and d >= 0 for d in value):
        raise MalformedGraph(_("a node's shape must be a short list of non-negative ints"))
    return list(value)


def _plain(value, depth=0):
    """Args hold ints, floats, bools, strings, None and short lists of those; anything else is refused."""
    if depth > 3:
        raise MalformedGraph(_("node arguments nest too deeply"))
    if value is None or type(value) in (bool, int, str):
        return value[:MAX_TEXT] if type(value) is str else value
    if type(value) is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise MalformedGraph(_("node arguments must be finite numbers"))
        return value
    if type(value) is list and len(value) <= 16:
        return [_plain(item, depth + 1) for item in value]
    raise MalformedGraph(_("node argument of type {type} is not allowed").format(type=type(value).__name__))


def graph_from(value):
    """The validated graph `{"nodes": [...], "output": id or None}`; raises MalformedGraph."""
    if type(value) is not dict or type(value.get("nodes")) is not list:
        raise MalformedGraph(_("the description has no list of graph nodes"))
    raw = value["nodes"]
    if not raw or len(raw) > MAX_NODES:
        raise MalformedGraph(_("a graph must have 1 to {max} nodes, this one has {count}").format(
            max=MAX_NODES, count=len(raw)))
    nodes = []
    for index, node in enumerate(raw):
        if type(node) is not dict or node.get("id") != index or type(node.get("id")) is not int:
            raise MalformedGraph(_("node {index} is not a node with id {index}").format(index=index))
        op = node.get("op")
        if op not in ALL_OPS or (op == INPUT) != (index == 0):
            raise MalformedGraph(_("node {index} has op {op}; the first node (and only it) is the input").format(
                index=index, op=repr(str(op)[:40])))
        args = node.get("args", {})
        inputs = node.get("inputs", [])
        if type(args) is not dict or not all(type(k) is str for k in args) or len(args) > 16:
            raise MalformedGraph(_("node {index}'s args must be a small dict with text keys").format(index=index))
        if type(inputs) is not list or len(inputs) > 64 or not all(type(i) is int and 0 <= i < index for i in inputs):
            raise MalformedGraph(_("node {index}'s inputs must be ids of earlier nodes").format(index=index))
        nodes.append({"id": index, "op": op, "args": {k[:40]: _plain(v) for k, v in args.items()},
                      "inputs": list(inputs), "shape": _shape(node.get("shape")),
                      "path": _text(node.get("path"), "path"), "via": _text(node.get("via", ""), "via") or "",
                      "line": _text(node.get("line", ""), "line") or ""})
    output = value.get("output")
    if output is not None and (type(output) is not int or not 0 <= output < len(nodes)):
        raise MalformedGraph(_("the graph's output must be the id of one of its nodes"))
    return {"nodes": nodes, "output": output}


def description_from(value):
    """A describe answer's description, validated: graph, parameter count, errors and tracing note."""
    if type(value) is not dict or type(value.get("n_params")) is not int:
        raise MalformedGraph(_("the description has no parameter count"))
    text = lambda key: value[key][:500] if type(value.get(key)) is str else None  # noqa: E731
    return {"graph": graph_from(value.get("graph")), "n_params": value["n_params"],
            "forward_error": text("forward_error"), "train_error": text("train_error"),
            "tracing": text("tracing") or "fx", "note": text("note") or ""}
