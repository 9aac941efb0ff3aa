"""Counts every parameter, trainable or not."""
TASK, EXPECT = "count_params", "frozen"


def count_params(model):
    return sum(p.numel() for p in model.parameters())
