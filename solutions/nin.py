"""Network in Network: 1×1 convolutions instead of dense layers (d2l-zh v2 §7.3)."""
from torch import nn


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    """One conv (given kernel, stride, padding), then two 1×1 convs, each conv followed by a ReLU.

    (N, in_channels, H, W) -> (N, out_channels, H', W') with H' = (H + 2*padding - kernel_size) // strides + 1.
    The two 1×1 convs act as a per-pixel fully connected layer with a non-linearity.
    """
    ### BEGIN SOLUTION
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())
    ### END SOLUTION


def nin(in_channels=1, num_classes=10, dropout=0.5):
    """The book's NiN: four `nin_block`s with 3×3/stride-2 max-pools between them, dropout, global average pool.

    (N, in_channels, 224, 224) -> (N, num_classes). The last block has `num_classes` channels, so
    `AdaptiveAvgPool2d((1, 1))` + `Flatten` turn its map into the logits with no Linear layer.
    """
    ### BEGIN SOLUTION
    return nn.Sequential(
        nin_block(in_channels, 96, kernel_size=11, strides=4, padding=0),  # (N, 96, 54, 54)
        nn.MaxPool2d(3, stride=2),                                         # (N, 96, 26, 26)
        nin_block(96, 256, kernel_size=5, strides=1, padding=2),           # (N, 256, 26, 26)
        nn.MaxPool2d(3, stride=2),                                         # (N, 256, 12, 12)
        nin_block(256, 384, kernel_size=3, strides=1, padding=1),          # (N, 384, 12, 12)
        nn.MaxPool2d(3, stride=2),                                         # (N, 384, 5, 5)
        nn.Dropout(dropout),
        nin_block(384, num_classes, kernel_size=3, strides=1, padding=1),  # (N, num_classes, 5, 5)
        nn.AdaptiveAvgPool2d((1, 1)),                                      # (N, num_classes, 1, 1)
        nn.Flatten())                                                      # (N, num_classes)
    ### END SOLUTION
