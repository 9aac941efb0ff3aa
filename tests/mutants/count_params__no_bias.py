"""Counts weights only."""
TASK, EXPECT = "count_params", "biases are left out"


def count_params(model):
    return sum(p.numel() for name, p in model.named_parameters() if p.requires_grad and not name.endswith("bias"))
