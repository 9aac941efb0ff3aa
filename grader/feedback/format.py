"""Short text for layers, networks and examples, as students see them in feedback."""
from grader.i18n import _


def _pair(value):
    if isinstance(value, list) and len(value) == 2 and value[0] == value[1]:
        return str(value[0])
    return str(tuple(value)) if isinstance(value, list) else str(value)


def layer(spec):
    """e.g. Conv2d(3→8, k=3, s=2, p=1, groups=2, bias=False) — defaults left out."""
    if "same_as" in spec:
        return _("<layer {index} again>").format(index=spec["same_as"] + 1)
    kind, args = spec["type"], spec.get("args", {})
    if kind == "Conv2d":
        parts = [f"{args['in_channels']}→{args['out_channels']}", f"k={_pair(args['kernel_size'])}"]
        defaults = {"stride": "1", "padding": "0", "dilation": "1"}
        parts += [f"{key[0] if key != 'dilation' else 'dilation'}={_pair(args[key])}"
                  for key in ("stride", "padding", "dilation") if _pair(args[key]) != defaults[key]]
        parts += [f"groups={args['groups']}"] if args["groups"] != 1 else []
        parts += ["bias=False"] if not args["bias"] else []
        text = f"Conv2d({', '.join(parts)})"
    elif kind == "Linear":
        text = f"Linear({args['in_features']}→{args['out_features']}{'' if args['bias'] else ', bias=False'})"
    elif kind in ("MaxPool2d", "AvgPool2d"):
        parts = [f"k={_pair(args['kernel_size'])}", f"s={_pair(args['stride'])}"]
        parts += [f"p={_pair(args['padding'])}"] if _pair(args.get("padding", 0)) != "0" else []
        parts += [f"dilation={_pair(args['dilation'])}"] if _pair(args.get("dilation", 1)) != "1" else []
        parts += ["ceil_mode=True"] if args.get("ceil_mode") else []
        parts += ["count_include_pad=False"] if args.get("count_include_pad") is False else []
        text = f"{kind}({', '.join(parts)})"
    elif kind == "Dropout":
        text = f"Dropout(p={args['p']:g})"
    elif kind.startswith("BatchNorm"):
        text = f"{kind}({args['num_features']})"
    elif kind.startswith("Adaptive"):
        text = f"{kind}({_pair(args['output_size'])})"
    else:
        text = f"{kind}()"
    return text + (_(" [frozen]") if spec.get("frozen") else "")


def network(specs, input_shape=None):
    body = ", ".join(layer(spec) for spec in specs)
    shape = _(" on input {shape}").format(shape=tuple(input_shape)) if input_shape is not None else ""
    return f"Sequential({body}){shape}"


def call(function, kwargs):
    return f"{function}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def path(dotted):
    """A module path as the student indexes it: `features.3` -> `features[3]`, `0.2` -> `net[0][2]`, `conv1`."""
    parts = str(dotted).split(".")
    text = "net" if parts[0].isdigit() else ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (("." if text else "") + part)
    return text
