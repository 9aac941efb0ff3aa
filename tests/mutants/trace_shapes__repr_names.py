"""Names rows with str(layer) instead of the class name."""
import torch

TASK, EXPECT = "trace_shapes", "class name"


def trace_shapes(model, input_shape):
    X, rows = torch.zeros(input_shape), []
    for layer in model:
        X = layer(X)
        rows.append((str(layer), tuple(X.shape)))
    return rows
