# Generated from solutions/nin.py by `python -m grader release` — do not edit by hand.
# Students: replace each `raise NotImplementedError` with your code, then run `pytest`.
"""Network in Network: 1×1 convolutions instead of dense layers (d2l-zh v2 §7.3)."""
from torch import nn


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    """One conv (given kernel, stride, padding), then two 1×1 convs, each conv followed by a ReLU.

    (N, in_channels, H, W) -> (N, out_channels, H', W') with H' = (H + 2*padding - kernel_size) // strides + 1.
    The two 1×1 convs act as a per-pixel fully connected layer with a non-linearity.
    """
    # your code here
    raise NotImplementedError


def nin(in_channels=1, num_classes=10, dropout=0.5):
    """The book's NiN: four `nin_block`s with 3×3/stride-2 max-pools between them, dropout, global average pool.

    (N, in_channels, 224, 224) -> (N, num_classes). The last block has `num_classes` channels, so
    `AdaptiveAvgPool2d((1, 1))` + `Flatten` turn its map into the logits with no Linear layer.
    """
    # your code here
    raise NotImplementedError
