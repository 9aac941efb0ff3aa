"""Hypothesis strategies for the networks the counting checks send: valid by construction, shapes tracked."""
from hypothesis import strategies as st


def _conv(draw, channels, side):
    groups = draw(st.sampled_from([g for g in (1, 2, 3) if channels % g == 0]))
    out_channels = groups * draw(st.integers(1, 3))
    dilation = draw(st.integers(1, 2))
    kernel = draw(st.integers(1, 4))
    padding = draw(st.integers(0, 2))
    span = dilation * (kernel - 1) + 1
    if span > side + 2 * padding:  # the kernel must fit: fall back to a 1×1 conv
        kernel, dilation, span = 1, 1, 1
    stride = draw(st.integers(1, 3))
    args = {"in_channels": channels, "out_channels": out_channels, "kernel_size": [kernel, kernel],
            "stride": [stride, stride], "padding": [padding, padding], "dilation": [dilation, dilation],
            "groups": groups, "bias": draw(st.booleans())}
    layer = {"type": "Conv2d", "args": args, "frozen": draw(st.booleans())}
    return layer, out_channels, (side + 2 * padding - span) // stride + 1


def _same_size_conv(channels, kernel=3):
    """A conv that keeps shape and channels, so the same instance can be used twice."""
    return {"type": "Conv2d", "args": {"in_channels": channels, "out_channels": channels, "kernel_size": [kernel, kernel],
                                       "stride": [1, 1], "padding": [kernel // 2] * 2, "dilation": [1, 1],
                                       "groups": 1, "bias": True}}


def _pool(draw, side):
    kind = draw(st.sampled_from(["MaxPool2d", "AvgPool2d"]))
    kernel = draw(st.integers(1, min(3, side)))
    stride = draw(st.integers(1, 2))
    padding = draw(st.integers(0, kernel // 2))
    args = {"kernel_size": [kernel, kernel], "stride": [stride, stride], "padding": [padding, padding]}
    return {"type": kind, "args": args}, (side + 2 * padding - kernel) // stride + 1


@st.composite
def networks(draw, batch=st.integers(1, 3)):
    """(layer specs, input shape): convs/pools/BatchNorm/ReLU/Dropout, then Flatten and Linear layers."""
    n, channels, side = draw(batch), draw(st.integers(1, 4)), draw(st.integers(4, 12))
    input_shape = [n, channels, side, side]
    layers, reusable = [], []
    for _ in range(draw(st.integers(1, 4))):
        choice = draw(st.sampled_from(["conv", "conv", "pool", "relu", "bn", "dropout", "shared"]))
        if choice == "conv":
            layer, channels, side = _conv(draw, channels, side)
            layers.append(layer)
        elif choice == "pool" and side >= 2:
            layer, side = _pool(draw, side)
            layers.append(layer)
        elif choice == "bn":
            layers.append({"type": "BatchNorm2d", "args": {"num_features": channels}})
        elif choice == "shared":  # a module used twice: its parameters count once, its FLOPs twice
            layers.append(_same_size_conv(channels))
            reusable.append(len(layers) - 1)
            layers.append({"type": "ReLU", "args": {}})
            layers.append({"same_as": reusable[-1]})
        else:
            layers.append({"type": "ReLU" if choice == "relu" else "Dropout",
                           "args": {} if choice == "relu" else {"p": 0.5}})
    if draw(st.booleans()):
        size = draw(st.integers(1, 2))
        layers.append({"type": "AdaptiveAvgPool2d", "args": {"output_size": [size, size]}})
        side = size
    layers.append({"type": "Flatten", "args": {"start_dim": 1, "end_dim": -1}})
    features = channels * side * side
    for _ in range(draw(st.integers(0, 2))):
        out = draw(st.integers(1, 6))
        layers.append({"type": "Linear", "args": {"in_features": features, "out_features": out,
                                                  "bias": draw(st.booleans())}, "frozen": draw(st.booleans())})
        features = out
        if draw(st.booleans()):
            layers.append({"type": "BatchNorm1d", "args": {"num_features": features}})
    return layers, input_shape
