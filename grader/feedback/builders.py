"""Explain why a student's network behaves differently from the reference, in the student's own terms.

Runs only after the behaviour differs (checks.builders decides). Both graphs are read as the ordered list of what
forward computes (`Conv2d`, `ReLU` whether a module or `F.relu`, `Flatten` whether `nn.Flatten` or `.view`), and
the book's classic mistakes are looked for first; each message names the student's own layer (`features[3]`,
`conv2`) or source line. Plain data in, text out.
"""
import re

from grader.feedback import format as fmt
from grader.graph.vocabulary import INPUT, as_layer
from grader.i18n import N_, _

NOT_COMPARED = (INPUT, "identity")
SOURCE_LINE = re.compile(r"(?P<file>.+?) line (?P<number>\d+): (?P<code>.*)", re.S)


def _layers(graph):
    """The compared nodes as layer dicts; each also says where its inputs come from (`sources`, in words)."""
    nodes = graph["nodes"]

    def source(index):
        node = nodes[index]
        while node["op"] == "identity" and node["inputs"]:
            node = nodes[node["inputs"][0]]
        return _("the input") if node["op"] == INPUT else _("{layer}'s output").format(layer=fmt.layer(as_layer(node)))
    return [{**as_layer(node), "sources": [source(i) for i in node["inputs"]]}
            for node in nodes if node["op"] not in NOT_COMPARED]


def _sig(layer):
    return layer["type"], sorted(layer["args"].items())


def _sigs(layers, drop=None):
    return [_sig(layer) for layer in layers if layer["type"] != drop]


def _types(layers):
    return [layer["type"] for layer in layers]


def _convs(layers):
    return [layer for layer in layers if layer["type"] == "Conv2d"]


def where(layer):
    """`features[3]` (Conv2d 96→256, k=5, p=2) — or, for a function call, `F.relu` at vgg.py line 12."""
    if layer.get("path"):
        return f"`{fmt.path(layer['path'])}` ({fmt.layer(layer)})"
    if layer.get("line"):
        return f"`{layer['via']}` ({_source_line(layer['line'])})"
    return fmt.layer(layer)


def _source_line(line):
    """trace's `vgg.py line 12: x = F.relu(x)` in the student's language (the code itself unchanged)."""
    found = SOURCE_LINE.match(line)
    if not found:
        return line
    return _("{file} line {number}: {code}").format(file=found["file"], number=found["number"], code=found["code"])


def _functional_dropout_in_eval(got, want, context, function):
    for layer in got:
        if layer["type"] == "Dropout" and layer["args"].get("training") is True:
            return _("{layer} drops values in eval mode too: F.dropout's training argument defaults to True. Use "
                     "nn.Dropout(p) (it follows model.eval()), or pass training=self.training").format(
                layer=where(layer))
    return ""


def _in_channels_threading(got, want, context, function):
    """A conv whose in_channels is still the argument `in_channels` where the reference's is the previous width."""
    start = context.get("in_channels")
    conv_index, pooled_since_conv = -1, False
    for g, w in zip(got, want):
        if w["type"].endswith("Pool2d"):
            pooled_since_conv = True
        if w["type"] != "Conv2d" or g["type"] != "Conv2d":
            continue
        conv_index += 1
        wrong = g["args"]["in_channels"] == start != w["args"]["in_channels"]
        if wrong and conv_index and not pooled_since_conv:
            return _("conv {index} of the block, {layer}, still expects in_channels={start}, but the conv before it "
                     "outputs {channels} channels: after the first conv, set in_channels = out_channels").format(
                index=conv_index + 1, layer=where(g), start=start, channels=w["args"]["in_channels"])
        if wrong and conv_index:
            return _("Each block must start where the one before it ended, but {layer} starts with in_channels="
                     "{start} after a block that outputs {channels} channels: in_channels is not threaded from block "
                     "to block. After each block set in_channels = out_channels (yes, it changes)").format(
                layer=where(g), start=start, channels=w["args"]["in_channels"])
        pooled_since_conv = False
    return ""


def _io_arguments(got, want, context, function):
    first_got, first_want = _convs(got)[:1], _convs(want)[:1]
    if first_got and first_want and first_got[0]["args"]["in_channels"] != first_want[0]["args"]["in_channels"]:
        return _("the first conv, {layer}, takes {got} channels, but in_channels={want} was asked for: pass "
                 "in_channels on, don't hard-code it").format(layer=where(first_got[0]),
                                                              got=first_got[0]["args"]["in_channels"],
                                                              want=first_want[0]["args"]["in_channels"])
    outputs = [layer for layer in want if layer["type"] in ("Linear", "Conv2d")]
    outputs_got = [layer for layer in got if layer["type"] in ("Linear", "Conv2d")]
    if outputs and outputs_got and "num_classes" in context:
        key = "out_features" if outputs[-1]["type"] == "Linear" else "out_channels"
        last_got = outputs_got[-1]["args"].get(key)
        if last_got != outputs[-1]["args"][key] and outputs_got[-1]["type"] == outputs[-1]["type"]:
            return _("the last layer, {layer}, has {got} outputs, but num_classes={want} was asked for: use "
                     "num_classes, don't hard-code 10").format(layer=where(outputs_got[-1]), got=last_got,
                                                               want=context["num_classes"])
    return ""


def _missing_after(got, want, kind):
    """The layer of `got` after which the first `kind` that `want` has is missing (None if none is missing)."""
    j = 0
    for i, w in enumerate(want):
        if j < len(got) and _sig(got[j]) == _sig(w):
            j += 1
        elif w["type"] == kind and j:
            return got[j - 1], want[i - 1]
    return None


def _missing_or_extra(got, want, context, function):
    tg, tw = _types(got), _types(want)
    if tg[-1:] == ["ReLU"] and tw[-1:] != ["ReLU"] and _sigs(got[:-1]) == _sigs(want):
        return _("a ReLU on the logits, after {layer}: the last layer's outputs go straight to softmax "
                 "cross-entropy; a ReLU there clips every negative score to 0").format(layer=where(got[-2]))
    if _sigs(got, "ReLU") == _sigs(want, "ReLU") and tg.count("ReLU") < tw.count("ReLU"):
        after, wanted_after = _missing_after(got, want, "ReLU") or (None, None)
        one_by_one = wanted_after is not None and wanted_after["type"] == "Conv2d" and \
            wanted_after["args"]["kernel_size"] == [1, 1]
        missing = tw.count("ReLU") - tg.count("ReLU")
        if one_by_one and function.startswith("nin"):  # wanted_after comes with `after`
            return _("a ReLU is missing after a 1×1 conv (the first: after {layer} your network has no ReLU): every "
                     "conv of a NiN block is followed by a ReLU; without it the two 1×1 convs collapse into one "
                     "linear map").format(layer=where(after))
        if after:
            return _("{n} ReLU(s) missing (the first: after {layer} your network has no ReLU): every conv and hidden "
                     "Linear is followed by a ReLU").format(n=missing, layer=where(after))
        return _("{n} ReLU(s) missing: every conv and hidden Linear is followed by a ReLU").format(n=missing)
    if _sigs(got, "Dropout") == _sigs(want, "Dropout") and tg.count("Dropout") < tw.count("Dropout"):
        after, __ = _missing_after(got, want, "Dropout") or (None, None)
        if after:
            return _("Dropout missing (the first: after {layer}): the book puts nn.Dropout(dropout) after each hidden "
                     "Linear's ReLU (and in NiN)").format(layer=where(after))
        return _("Dropout missing: the book puts nn.Dropout(dropout) after each hidden Linear's ReLU (and in NiN)")
    ones = lambda layers: [layer for layer in _convs(layers) if layer["args"]["kernel_size"] == [1, 1]]  # noqa: E731
    if function.startswith("nin") and 0 < len(ones(got)) < len(ones(want)) and len(_convs(got)) < len(_convs(want)):
        return _("each NiN block has two 1×1 convs (each followed by a ReLU), not one: together they act as a "
                 "per-pixel two-layer MLP")
    if "AdaptiveAvgPool2d" in tw and "AdaptiveAvgPool2d" not in tg:
        return _("global average pooling missing: NiN ends with nn.AdaptiveAvgPool2d((1, 1)) and nn.Flatten(), so "
                 "each of the last block's num_classes channels becomes one logit (no Linear layer)")
    return ""


def _flatten_width(want_layers, context, function):
    """Why the reference's first Linear has its width, from the reference's own shapes."""
    flatten = next((layer for layer in want_layers if layer["type"] == "Flatten"), None)
    before = [layer for layer in want_layers[:want_layers.index(flatten)] if layer.get("shape")] if flatten else []
    if not before or len(before[-1]["shape"]) != 4:
        return _("channels × side × side after the last pool")
    __, channels, height, width = before[-1]["shape"]
    size = context.get("input_size", 224)
    if function == "vgg" and context.get("conv_arch"):
        blocks = len(context["conv_arch"])
        return _("the last block's out_channels × (input_size // 2**len(conv_arch))², as each block halves the "
                 "side: here {channels} × ({size} // {factor})² = {channels}×{height}×{width} = {total}").format(
            channels=channels, size=size, factor=2 ** blocks, height=height, width=width,
            total=channels * height * width)
    if function == "alexnet":
        return _("channels × side × side after the last pool: here {channels}×{height}×{width} — at 224 AlexNet's "
                 "is 256×5×5 = 6400").format(channels=channels, height=height, width=width)
    return _("channels × side × side after the last pool: here {channels}×{height}×{width}").format(
        channels=channels, height=height, width=width)


def _first_linear(got, want, context, function):
    lg = [layer for layer in got if layer["type"] == "Linear"]
    lw = [layer for layer in want if layer["type"] == "Linear"]
    if lg and lw and lg[0]["args"]["in_features"] != lw[0]["args"]["in_features"]:
        size = context.get("input_size", 224)
        flatten = next((layer for layer in got if layer["type"] == "Flatten"), None)
        values = dict(layer=where(lg[0]), got=lg[0]["args"]["in_features"], want=lw[0]["args"]["in_features"],
                      size=size, why=_flatten_width(want, context, function))
        if flatten is None or flatten["via"] == "module":
            return _("{layer} expects {got} inputs, but Flatten gives {want} at input_size={size}: compute it from "
                     "input_size ({why}), don't type it in").format(**values)
        return _("{layer} expects {got} inputs, but `{via}` in forward gives {want} at input_size={size} (flattening "
                 "with `{via}` is fine): compute it from input_size ({why}), don't type it in").format(
            via=flatten["via"], **values)
    return ""


def _shared_layer(got, want, context, function):
    paths = [layer["path"] for layer in got if layer.get("path") and layer["type"] in ("Conv2d", "Linear")]
    repeated = next((path for path in paths if paths.count(path) > 1), None)
    if repeated and len(_convs(got)) == len(_convs(want)):
        return _("`{path}` is used {n} times, so those layers share one set of weights: create a new layer for "
                 "each position").format(path=fmt.path(repeated), n=paths.count(repeated))
    return ""


DETECTORS = (_functional_dropout_in_eval, _in_channels_threading, _io_arguments, _missing_or_extra, _first_linear,
             _shared_layer)


JOINS = {  # (op, after a layer?) -> the sentence
    ("add", True): N_("your forward has no add after {layer}: the reference adds {sources} there (a connection that "
                      "skips layers)"),
    ("add", False): N_("your forward has no add: the reference adds {sources} there (a connection that skips "
                       "layers)"),
    ("cat", True): N_("your forward has no cat after {layer}: the reference concatenates {sources} there (a "
                      "connection that skips layers)"),
    ("cat", False): N_("your forward has no cat: the reference concatenates {sources} there (a connection that "
                       "skips layers)"),
}
JOIN_OPS = {op for op, __ in JOINS}


def _first_difference(got, want):
    for index, (g, w) in enumerate(zip(got, want)):
        if w["type"] in JOIN_OPS and w["type"] not in _types(got):
            sources = _(" and ").join(w["sources"])
            return _(JOINS[w["type"], bool(index)]).format(layer=where(got[index - 1]) if index else "",
                                                            sources=sources)
        if _sig(g) != _sig(w):
            values = dict(want=fmt.layer(w), got=where(g))
            if g["type"] == w["type"] == "Conv2d" and g["args"]["padding"] != w["args"]["padding"]:
                if w["args"]["kernel_size"] == [3, 3]:
                    return _("expected {want} where your network has {got} — this padding changes the map size (a "
                             "3×3 conv keeps it only with padding=1)").format(**values)
                return _("expected {want} where your network has {got} — this padding changes the map size").format(
                    **values)
            if g["type"] == w["type"] and g["type"].endswith("Pool2d") and g["args"]["stride"] != w["args"]["stride"]:
                return _("expected {want} where your network has {got} — the pool's stride should be "
                         "{stride}").format(stride=w["args"]["stride"][0], **values)
            return _("expected {want} where your network has {got}").format(**values)
    n = min(len(got), len(want))
    if len(want) > len(got):
        return _("{n} layer(s) missing at the end, starting with {layer}").format(n=len(want) - len(got),
                                                                                 layer=fmt.layer(want[n]))
    return _("{n} layer(s) too many at the end, starting with {layer}").format(n=len(got) - len(want),
                                                                              layer=where(got[n]))


SAME_LAYERS = {
    "forward_error": N_("the layers are right but the forward pass fails: {detail}"),
    "train_error": N_("the layers are right but the forward pass fails in train mode: {detail}"),
    "n_params": N_("{detail}, although it computes the same layers"),
    "output_shape": "{detail}",
    "output": N_("same layers, but {detail}: check the order in which forward applies them and what feeds each one"),
    "train_output": N_("same layers, but {detail}: check where dropout is applied and that nothing else in forward "
                       "draws random numbers"),
}


def explain(got, want, mismatch, context, function):
    """One or two sentences naming how the student's network differs from the reference's (a `Mismatch` found)."""
    got_layers, want_layers = _layers(got["graph"]), _layers(want["graph"])
    if _sigs(got_layers) == _sigs(want_layers):
        message = _(SAME_LAYERS[mismatch.kind]).format(detail=mismatch.detail)
        message = _shared_layer(got_layers, want_layers, context, function) or message
    else:
        message = next((text for detector in DETECTORS if (text := detector(got_layers, want_layers, context,
                                                                              function))), "")
        if not message:
            message = _first_difference(got_layers, want_layers)
            if mismatch.kind.endswith("error"):
                message = _("your network fails ({detail}); {difference}").format(detail=mismatch.detail,
                                                                                  difference=message)
    if got.get("note"):
        message += _(" (note: {note})").format(note=got["note"])
    stop = _(".")
    return message[0].upper() + message[1:] + ("" if message.endswith((".", stop)) else stop)
