# Generated from solutions/vgg.py by `python -m grader release` — do not edit by hand.
# Students: replace each `raise NotImplementedError` with your code, then run `pytest`.
"""VGG: networks built from repeated blocks (d2l-zh v2 §7.2)."""
from torch import nn


def vgg_block(num_convs, in_channels, out_channels):
    """`num_convs` × (3×3 conv with padding 1, ReLU), then a 2×2 max-pool with stride 2.

    (N, in_channels, H, W) -> (N, out_channels, H // 2, W // 2). Only the first conv takes
    `in_channels`; every later conv takes `out_channels`.
    """
    # your code here
    raise NotImplementedError


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    """VGG: one `vgg_block` per (num_convs, out_channels) pair of `conv_arch`, then three Linear layers.

    (N, in_channels, input_size, input_size) -> (N, num_classes). Each block halves the map, so the
    flattened width is last_out_channels * (input_size // 2**len(conv_arch))**2 (512 * 7 * 7 for VGG-11
    at 224). Classifier: Linear -> ReLU -> Dropout -> Linear(hidden, hidden) -> ReLU -> Dropout ->
    Linear(hidden, num_classes), no activation on the logits.
    """
    # your code here
    raise NotImplementedError
