"""Adds BatchNorm's running statistics (the floating-point buffers) to the trainable parameters."""
TASK, EXPECT = "count_params", "running_mean and running_var"


def count_params(model):
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable + sum(b.numel() for b in model.buffers() if b.is_floating_point())
