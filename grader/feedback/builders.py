"""Explain how a student's layers differ from the reference's, naming the book's classic mistakes first."""
from grader.feedback import format as fmt


def _types(leaves):
    return [leaf["type"] for leaf in leaves]


def _convs(leaves):
    return [leaf for leaf in leaves if leaf["type"] == "Conv2d"]


def _without(leaves, kind):
    return [leaf for leaf in leaves if leaf["type"] != kind]


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
            return (f"conv {conv_index + 1} of the block still expects in_channels={start}, but the conv before it "
                    f"outputs {w['args']['in_channels']} channels: after the first conv, set in_channels = "
                    f"out_channels")
        if wrong and conv_index:
            return (f"Each block must start where the one before it ended, but this one starts with in_channels="
                    f"{start} after a block that outputs {w['args']['in_channels']} channels: in_channels is not "
                    f"threaded from block to block. After each block set in_channels = out_channels (yes, it "
                    f"changes)")
        pooled_since_conv = False
    return ""


def _io_arguments(got, want, context):
    first_got, first_want = _convs(got)[:1], _convs(want)[:1]
    if first_got and first_want and first_got[0]["args"]["in_channels"] != first_want[0]["args"]["in_channels"]:
        return (f"the first conv takes {first_got[0]['args']['in_channels']} channels, but in_channels="
                f"{first_want[0]['args']['in_channels']} was asked for: pass in_channels on, don't hard-code it")
    outputs = [leaf for leaf in want if leaf["type"] in ("Linear", "Conv2d")]
    outputs_got = [leaf for leaf in got if leaf["type"] in ("Linear", "Conv2d")]
    if outputs and outputs_got and "num_classes" in context:
        key = "out_features" if outputs[-1]["type"] == "Linear" else "out_channels"
        last_got = outputs_got[-1]["args"].get(key)
        if last_got != outputs[-1]["args"][key] and outputs_got[-1]["type"] == outputs[-1]["type"]:
            return (f"the last layer has {last_got} outputs, but num_classes={context['num_classes']} was asked "
                    f"for: use num_classes, don't hard-code 10")
    return ""


def _missing_or_extra(got, want, function):
    tg, tw = _types(got), _types(want)
    if tg[-1:] == ["ReLU"] and tw[-1:] != ["ReLU"] and tg[:-1] == tw:
        return ("a ReLU on the logits: the last layer's outputs go straight to softmax cross-entropy; a ReLU "
                "there clips every negative score to 0")
    if _without(got, "ReLU") == _without(want, "ReLU") and tg.count("ReLU") < tw.count("ReLU"):
        after = [want[i - 1] for i, t in enumerate(tw) if t == "ReLU"]
        one_by_one = any(l["type"] == "Conv2d" and l["args"]["kernel_size"] == [1, 1] for l in after)
        if one_by_one and function.startswith("nin"):
            return ("a ReLU is missing after a 1×1 conv: every conv of a NiN block is followed by a ReLU; without "
                    "it the two 1×1 convs collapse into one linear map")
        return (f"{tw.count('ReLU') - tg.count('ReLU')} ReLU(s) missing: every conv and hidden Linear is followed "
                f"by a ReLU")
    if _without(got, "Dropout") == _without(want, "Dropout") and tg.count("Dropout") < tw.count("Dropout"):
        return "Dropout missing: the book puts nn.Dropout(dropout) after each hidden Linear's ReLU (and in NiN)"
    ones = lambda leaves: [l for l in _convs(leaves) if l["args"]["kernel_size"] == [1, 1]]
    if function.startswith("nin") and 0 < len(ones(got)) < len(ones(want)) and len(_convs(got)) < len(_convs(want)):
        return ("each NiN block has two 1×1 convs (each followed by a ReLU), not one: together they act as a "
                "per-pixel two-layer MLP")
    if "AdaptiveAvgPool2d" in tw and "AdaptiveAvgPool2d" not in tg:
        return ("global average pooling missing: NiN ends with nn.AdaptiveAvgPool2d((1, 1)) and nn.Flatten(), "
                "so each of the last block's num_classes channels becomes one logit (no Linear layer)")
    return ""


def _first_linear(got, want, context):
    lg = [l for l in got if l["type"] == "Linear"]
    lw = [l for l in want if l["type"] == "Linear"]
    if lg and lw and lg[0]["args"]["in_features"] != lw[0]["args"]["in_features"]:
        size = context.get("input_size", 224)
        return (f"the first Linear expects {lg[0]['args']['in_features']} inputs, but Flatten gives "
                f"{lw[0]['args']['in_features']} at input_size={size}: compute it from input_size (channels × "
                f"side × side after the last pool — at 224 AlexNet's is 256×5×5 = 6400), don't type it in")
    return ""


def _first_difference(got, want):
    for index, (g, w) in enumerate(zip(got, want)):
        if g != w:
            hint = ""
            if g["type"] == w["type"] == "Conv2d" and g["args"]["padding"] != w["args"]["padding"]:
                hint = " — this padding changes the map size (a 3×3 conv keeps it only with padding=1)"
            elif g["type"] == w["type"] and g["type"].endswith("Pool2d") and g["args"]["stride"] != w["args"]["stride"]:
                hint = f" — the pool's stride should be {w['args']['stride'][0]}"
            return f"layer {index + 1}: expected {fmt.layer(w)}, got {fmt.layer(g)}{hint}"
    longer, kind = (want, "missing") if len(want) > len(got) else (got, "extra")
    return f"{abs(len(want) - len(got))} layer(s) {kind}, starting at layer {min(len(got), len(want)) + 1}: " \
           f"{fmt.layer(longer[min(len(got), len(want))])}"


def explain_layers(got, want, context, function):
    """One or two sentences naming how the leaf layers `got` differ from `want` (the reference's)."""
    for detector in (lambda: _in_channels_threading(got, want, context, function),
                     lambda: _io_arguments(got, want, context),
                     lambda: _missing_or_extra(got, want, function),
                     lambda: _first_linear(got, want, context)):
        message = detector()
        if message:
            return message[0].upper() + message[1:] + "."
    return _first_difference(got, want)[0].upper() + _first_difference(got, want)[1:] + "."
