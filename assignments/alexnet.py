# Generated from solutions/alexnet.py by `python -m grader release` — do not edit by hand.
# Students: replace each `raise NotImplementedError` with your code, then run `pytest`.
"""AlexNet as the book trains it on Fashion-MNIST (d2l-zh v2 §7.1, PyTorch version)."""
from torch import nn


def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):
    """The book's AlexNet: five convs, three max-pools, three Linear layers with dropout.

    (N, in_channels, input_size, input_size) -> (N, num_classes). The first conv uses padding=1 as in
    the book's PyTorch code. The first Linear's width is computed from `input_size`: at 224 the last
    pool gives (N, 256, 5, 5), so Flatten gives 256*5*5 = 6400 (the "why 6400?" question).
    """
    # your code here
    raise NotImplementedError
