import torch.nn as nn


def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):
    size = (input_size + 2 - 11) // 4 + 1
    size = (size - 3) // 2 + 1
    size = (size - 3) // 2 + 1
    size = (size - 3) // 2 + 1
    features = nn.Sequential(
        nn.Conv2d(in_channels, 96, 11, 4, 1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2))
    classifier = nn.Sequential(
        nn.Flatten(), nn.Linear(256 * size * size, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout),
        nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout), nn.Linear(4096, num_classes))
    return nn.Sequential(features, classifier)
