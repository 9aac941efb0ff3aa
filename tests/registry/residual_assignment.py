"""The fixture's declaration: one Assignment is all the kit needs to grade and train a new network."""
from grader.catalog.common import GLOBAL_AVERAGE_POOL
from grader.assignment import Assignment, Task, Training

BN_RELU_STEM = [{"type": "Conv2d", "args": {"in_channels": 1, "out_channels": 8, "kernel_size": [3, 3],
                                            "stride": [1, 1], "padding": [1, 1], "dilation": [1, 1], "groups": 1,
                                            "bias": True}},
                {"type": "BatchNorm2d", "args": {"num_features": 8}}, {"type": "ReLU", "args": {}}]

# a tiny ResNet: the grader's stem, two of the student's residual blocks, the grader's head
TINY_RESNET = [("layers", BN_RELU_STEM),                                                          # (N, 8, 28, 28)
               ("ask", "residual", {"in_channels": 8, "out_channels": 8, "use_1x1conv": False, "strides": 1}),
               ("ask", "residual", {"in_channels": 8, "out_channels": 16, "use_1x1conv": True, "strides": 2}),
               ("layers", GLOBAL_AVERAGE_POOL                                                     # (N, 16)
                + [{"type": "Linear", "args": {"in_features": 16, "out_features": 10, "bias": True}}])]

ASSIGNMENT = Assignment(
    name="residual", module="residual", reference="tests.registry.residual_solution",
    section="§7.6",
    tasks=(Task("residual", "residual", 10, "tests.registry.residual_checks:check_residual",
                signature=(("in_channels",), ("out_channels",), ("use_1x1conv", False), ("strides", 1))),),
    training=(Task("train_resnet", "residual", 5, "grader.checks.training:check_training", needs=("residual",),
                   training=Training(
                       model="resnet", plans={"cpu": TINY_RESNET},
                       loops={"cpu": {"input_size": 28, "batch_size": 32, "steps": 6, "train_images": 640,
                                      "test_images": 200, "optimizer": "adamw", "lr": 3e-3, "log_every": 2}},
                       # a few steps only: this proves the path, not a calibrated bar (0.0: any finite run passes)
                       calibration={"cpu": {"threshold": 0.0, "provisional": True}})),),
)
