"""Iterates model.children(): a layer used twice shows once (and the input it gets next is wrong)."""
import torch

TASK, EXPECT = "trace_shapes", "used twice"


def trace_shapes(model, input_shape):
    X, rows = torch.zeros(input_shape), []
    for layer in model.children():
        X = layer(X)
        rows.append((type(layer).__name__, tuple(X.shape)))
    return rows
