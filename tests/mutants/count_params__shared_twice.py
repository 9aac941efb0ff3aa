"""Walks the layers of the Sequential: a layer used twice is counted twice."""
TASK, EXPECT = "count_params", "counted twice"


def count_params(model):
    return sum(p.numel() for layer in model for p in layer.parameters() if p.requires_grad)
