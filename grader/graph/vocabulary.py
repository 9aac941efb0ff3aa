"""The canonical vocabulary of graph descriptions: which ops exist, which torch.nn class computes each, their args.

Module ops carry the same arguments as netspec.layer_args gives for the module (so `nn.ReLU()`, `F.relu` and
`x.relu()` are all `relu`, and `nn.MaxPool2d(3, 2)` and `F.max_pool2d(x, 3, 2)` are the same `max_pool2d`). Ops
with no module (`add`, `cat`, `mean`, `reshape`) are rebuilt as torch functions. Anything outside the vocabulary is
kept as `module` (an unknown layer class) or `call` (an unknown function), so the description stays honest.
Standard library only.
"""

# op -> the torch.nn class computing it (what netspec.build_layer rebuilds from the same args)
MODULE_OF = {
    "conv2d": "Conv2d", "linear": "Linear", "max_pool2d": "MaxPool2d", "avg_pool2d": "AvgPool2d",
    "adaptive_avg_pool2d": "AdaptiveAvgPool2d", "adaptive_max_pool2d": "AdaptiveMaxPool2d",
    "batch_norm1d": "BatchNorm1d", "batch_norm2d": "BatchNorm2d", "dropout": "Dropout", "dropout2d": "Dropout2d",
    "flatten": "Flatten", "relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "gelu": "GELU",
    "leaky_relu": "LeakyReLU", "softmax": "Softmax", "log_softmax": "LogSoftmax", "identity": "Identity",
}
OP_OF_MODULE = {name: op for op, name in MODULE_OF.items()}
FUNCTION_OPS = ("add", "cat", "mean", "reshape")
OPAQUE_OPS = ("module", "call")          # outside the vocabulary: described, compared by behaviour, not rebuilt
INPUT = "input"
TRAIN_DEPENDENT = frozenset({"dropout", "dropout2d", "batch_norm1d", "batch_norm2d"})  # eval and train differ
PARAMETERISED = frozenset({"conv2d", "linear", "batch_norm1d", "batch_norm2d"})
POOLS = frozenset({"max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d"})
ALL_OPS = frozenset(MODULE_OF) | frozenset(FUNCTION_OPS) | frozenset(OPAQUE_OPS) | {INPUT}


def display_name(node):
    """What a student calls the node's op: the torch.nn class name where there is one (`Conv2d`), else the op."""
    if node["op"] == "module":
        return str(node.get("args", {}).get("type", "module"))
    return MODULE_OF.get(node["op"], node["op"])


def as_layer(node):
    """The node as a netspec-style layer dict `{"type": "Conv2d", "args": ...}` plus where it came from."""
    return {"type": display_name(node), "args": dict(node.get("args") or {}), "path": node.get("path"),
            "via": node.get("via", ""), "line": node.get("line", ""), "shape": node.get("shape"),
            "id": node.get("id")}
