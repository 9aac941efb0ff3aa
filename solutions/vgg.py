"""VGG: networks built from repeated blocks (d2l-zh v2 §7.2)."""
from torch import nn


def vgg_block(num_convs, in_channels, out_channels):
    """`num_convs` × (3×3 conv with padding 1, ReLU), then a 2×2 max-pool with stride 2.

    (N, in_channels, H, W) -> (N, out_channels, H // 2, W // 2). Only the first conv takes
    `in_channels`; every later conv takes `out_channels`.
    """
    ### BEGIN SOLUTION
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels  # the next conv sees this conv's output
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)
    ### END SOLUTION


def vgg(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
    """VGG: one `vgg_block` per (num_convs, out_channels) pair of `conv_arch`, then three Linear layers.

    (N, in_channels, input_size, input_size) -> (N, num_classes). Each block halves the map, so the
    flattened width is last_out_channels * (input_size // 2**len(conv_arch))**2 (512 * 7 * 7 for VGG-11
    at 224). Classifier: Linear -> ReLU -> Dropout -> Linear(hidden, hidden) -> ReLU -> Dropout ->
    Linear(hidden, num_classes), no activation on the logits.
    """
    ### BEGIN SOLUTION
    blocks = []
    for num_convs, out_channels in conv_arch:
        blocks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels  # the next block starts where this one ended
    side = input_size // 2 ** len(conv_arch)
    return nn.Sequential(
        *blocks, nn.Flatten(),
        nn.Linear(out_channels * side * side, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, num_classes))
    ### END SOLUTION
