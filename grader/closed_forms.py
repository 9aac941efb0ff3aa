"""Closed-form counts of one layer spec (parameters, buffers): the truth, and the alternative oracles' arithmetic.

checks.truth counts with them; feedback.counting recounts under a misconception's flags. Standard library only.
"""


def unique_layers(specs):
    return [spec for spec in specs if "same_as" not in spec]


def layer_params(spec, groups_ignored=False, bias=True):
    """Closed-form parameter count of one layer spec (weights + biases; BatchNorm: weight and bias)."""
    kind, args = spec["type"], spec.get("args", {})
    if kind == "Conv2d":
        kh, kw = args["kernel_size"]
        groups = 1 if groups_ignored else args["groups"]
        return args["out_channels"] * (args["in_channels"] // groups) * kh * kw + \
            (args["out_channels"] if args["bias"] and bias else 0)
    if kind == "Linear":
        return args["in_features"] * args["out_features"] + (args["out_features"] if args["bias"] and bias else 0)
    if kind.startswith("BatchNorm"):
        return 2 * args["num_features"] if bias else args["num_features"]
    return 0


def layer_buffers(spec, floating_only=False):
    """BatchNorm keeps running_mean, running_var (C each) and num_batches_tracked (1, an integer): state, not
    parameters. `floating_only`: without num_batches_tracked (what `b.is_floating_point()` filters keep)."""
    if not spec.get("type", "").startswith("BatchNorm"):
        return 0
    return 2 * spec["args"]["num_features"] + (0 if floating_only else 1)
