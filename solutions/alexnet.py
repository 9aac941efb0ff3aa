"""AlexNet as the book trains it on Fashion-MNIST (d2l-zh v2 §7.1, PyTorch version)."""
from torch import nn


def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):
    """The book's AlexNet: five convs, three max-pools, three Linear layers with dropout.

    (N, in_channels, input_size, input_size) -> (N, num_classes). The first conv uses padding=1 as in
    the book's PyTorch code. The first Linear's width is computed from `input_size`: at 224 the last
    pool gives (N, 256, 5, 5), so Flatten gives 256*5*5 = 6400 (the "why 6400?" question).
    """
    ### BEGIN SOLUTION
    side = (input_size + 2 * 1 - 11) // 4 + 1   # conv 11×11, stride 4, padding 1: 224 -> 54
    side = (side - 3) // 2 + 1                  # max-pool 3, stride 2: 54 -> 26
    side = (side - 3) // 2 + 1                  # 5×5 conv keeps the size; pool: 26 -> 12
    side = (side - 3) // 2 + 1                  # three 3×3 convs keep it; pool: 12 -> 5
    return nn.Sequential(
        nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(),                                # (N, 256 * side * side)
        nn.Linear(256 * side * side, 4096), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(4096, num_classes))
    ### END SOLUTION
