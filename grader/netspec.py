"""Layers as plain data: build an nn.Sequential from layer specs, describe one layer, fill weights from a seed.

A layer spec is `{"type": "Conv2d", "args": {...}}` (+ optional `"frozen": true`, or `{"same_as": i}` to reuse
layer i's instance): how the counting checks send networks to the student's functions, and the arguments a graph
description's module nodes carry (grader.graph). This module imports only torch and the standard library: the
sandboxed worker runs it too.
"""
import torch
from torch import nn

# type -> constructor arguments that define the layer (what a description records and a build passes on)
LAYER_ARGS = {
    "Conv2d": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias"),
    "Linear": ("in_features", "out_features", "bias"),
    "MaxPool2d": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "AvgPool2d": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"),
    "AdaptiveAvgPool2d": ("output_size",),
    "AdaptiveMaxPool2d": ("output_size",),
    "BatchNorm1d": ("num_features",),
    "BatchNorm2d": ("num_features",),
    "Dropout": ("p",),
    "Dropout2d": ("p",),
    "Flatten": ("start_dim", "end_dim"),
    "ReLU": (), "Sigmoid": (), "Tanh": (), "Identity": (), "GELU": (),
    "LeakyReLU": ("negative_slope",),
    "Softmax": ("dim",),
    "LogSoftmax": ("dim",),
}


def _plain(value):
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, torch.Tensor) or value is None or isinstance(value, (bool, int, float, str)):
        return value if not isinstance(value, torch.Tensor) else value.tolist()
    return str(value)


def layer_args(module):
    """The defining hyper-parameters of a leaf module, as plain data ({} for unknown types)."""
    names = LAYER_ARGS.get(type(module).__name__, ())
    args = {}
    for name in names:
        if name == "bias":
            args["bias"] = getattr(module, "bias", None) is not None
        elif name == "p":
            args["p"] = float(module.p)
        else:
            args[name] = _plain(getattr(module, name))
    # pooling and conv store a square kernel either as 3 or (3, 3): compare them as pairs
    for name in ("kernel_size", "stride", "padding", "dilation", "output_size"):
        if isinstance(args.get(name), int):
            args[name] = [args[name], args[name]]
    return args


def describe_layer(module):
    return {"type": type(module).__name__, "args": layer_args(module)}


def build_layer(spec):
    cls = getattr(nn, spec["type"], None)
    if spec["type"] not in LAYER_ARGS or cls is None:
        raise ValueError(f"cannot rebuild a layer of type {spec['type']!r}: only standard torch.nn layers are supported")
    args = dict(spec.get("args", {}))
    for name, value in list(args.items()):
        if isinstance(value, list):
            args[name] = tuple(value)
    return cls(**args)


def build(specs):
    """nn.Sequential from a list of layer specs; `same_as` reuses an earlier instance, `frozen` freezes its parameters."""
    layers = []
    for spec in specs:
        if "same_as" in spec:
            layers.append(layers[spec["same_as"]])
            continue
        layer = build_layer(spec)
        if spec.get("frozen"):
            for parameter in layer.parameters():
                parameter.requires_grad_(False)
        layers.append(layer)
    return nn.Sequential(*layers)


def materialise(model):
    """Give a model built on the meta device real (uninitialised) CPU storage; no-op for a CPU model."""
    if any(t.is_meta for t in list(model.parameters()) + list(model.buffers())):
        model.to_empty(device="cpu")
        for module in model.modules():
            if hasattr(module, "reset_running_stats"):
                module.reset_running_stats()  # to_empty leaves BatchNorm's statistics uninitialised
    return model


def build_filled(specs, seed=0):
    """build(specs) with deterministic weights, skipping torch's default initialisation (which costs ~0.5 s for AlexNet)."""
    with torch.device("meta"):
        model = build(specs)
    fill_deterministic(static_leaves(materialise(model)), seed)
    return model


def weighted(leaves):
    """Leaves that hold parameters, each once, in order of first appearance."""
    seen, out = set(), []
    for leaf in leaves:
        if id(leaf) not in seen and list(leaf.parameters(recurse=False)):
            seen.add(id(leaf))
            out.append(leaf)
    return out


def static_leaves(model):
    """Leaf modules in registration order, each instance once."""
    return [m for m in model.modules() if not list(m.children())]


def executed_leaves(model, x):
    """Run `model(x)` and return (output, leaf modules in the order they ran; a reused one appears each time)."""
    order = []
    hooks = [m.register_forward_hook(lambda m, i, o: order.append(m)) for m in static_leaves(model)]
    try:
        output = model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return output, order


POOL = 65_521  # a prime: large tensors repeat a seeded pool of this many values (fast, still unstructured)


def deterministic_fill_(tensor, seed, scale=1.0):
    """Overwrite `tensor` in place with values in [-scale, scale) that depend only on (numel, seed)."""
    flat = tensor.view(-1)
    count = flat.numel()
    generator = torch.Generator().manual_seed(int(seed) % (2 ** 63))
    pool = (torch.rand(min(count, POOL), generator=generator) * 2 - 1) * scale
    whole = count // len(pool) * len(pool) if count else 0
    if whole:  # one broadcast copy writes every full period of the pool
        flat[:whole].view(-1, len(pool)).copy_(pool.expand(whole // len(pool), len(pool)))
    flat[whole:].copy_(pool[:count - whole])
    return tensor


def deterministic_tensor(shape, seed, scale=1.0):
    """A new tensor of `shape` filled by deterministic_fill_: the same in every process."""
    return deterministic_fill_(torch.empty(tuple(shape)), seed, scale)


def construct(builder, kwargs):
    """Call a network builder on the meta device (no memory, no init cost); fall back to a plain call if it can't run there.

    Every weight is overwritten by fill_deterministic anyway, so the builder's own initialisation is wasted work.
    Lazy layers must see a real input to get their shapes, so a network with one is built for real.
    """
    try:
        with torch.device("meta"):
            model = builder(**kwargs)
        if isinstance(model, nn.Module) and any(isinstance(m, nn.modules.lazy.LazyModuleMixin) for m in model.modules()):
            return builder(**kwargs)
        return model
    except NotImplementedError:
        raise
    except Exception:  # noqa: BLE001 — e.g. a builder that calls .item() while building: build it for real
        return builder(**kwargs)


def fill_deterministic(leaves, seed):
    """Fill each parameter from (seed, index of its leaf among the parameterised leaves, index of the parameter).

    Two networks with the same parameterised leaves in the same order get identical weights, whatever their
    nesting or attribute names — so their outputs can be compared without shipping weights.
    """
    seen, index = set(), 0
    with torch.no_grad():
        for leaf in leaves:
            params = list(leaf.parameters(recurse=False))
            if not params or id(leaf) in seen:
                continue
            seen.add(id(leaf))
            for j, p in enumerate(params):
                fan_in = p[0].numel() if p.dim() > 1 else max(1, p.numel())
                deterministic_fill_(p, seed * 1_000_003 + index * 97 + j, fan_in ** -0.5)
            index += 1
