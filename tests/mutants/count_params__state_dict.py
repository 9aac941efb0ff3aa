"""Sums the state_dict: buffers (and frozen weights) counted as parameters."""
TASK, EXPECT = "count_params", "buffers|frozen|twice"


def count_params(model):
    return sum(v.numel() for v in model.state_dict().values())
