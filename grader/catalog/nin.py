"""Network in Network (§7.3 网络中的网络): nin_block, nin, and the training of a small NiN of the student's blocks."""
from grader.catalog.common import ADAMW, GLOBAL_AVERAGE_POOL, GPU_LOOP, max_pool
from grader.assignment import Assignment, Notebook, Task, Training

CHECKS = "grader.checks.nin"

# three of the student's nin_blocks with the grader's own pools between them, then a global average pool
CPU_PLAN = [("ask", "nin_block", {"in_channels": 1, "out_channels": 32, "kernel_size": 5, "strides": 1,
                                  "padding": 2}),                         # (N, 32, 28, 28)
            ("layers", [max_pool(3, 2)]),                                 # (N, 32, 13, 13)
            ("ask", "nin_block", {"in_channels": 32, "out_channels": 64, "kernel_size": 3, "strides": 1,
                                  "padding": 1}),                         # (N, 64, 13, 13)
            ("layers", [max_pool(3, 2)]),                                 # (N, 64, 6, 6)
            ("ask", "nin_block", {"in_channels": 64, "out_channels": 10, "kernel_size": 3, "strides": 1,
                                  "padding": 1}),                         # (N, 10, 6, 6)
            ("layers", GLOBAL_AVERAGE_POOL)]                              # (N, 10)

ASSIGNMENT = Assignment(
    name="nin", module="nin", reference="solutions.nin",
    section="§7.3",
    tasks=(Task("nin_block", "nin", 10, f"{CHECKS}:check_nin_block",
                signature=(("in_channels",), ("out_channels",), ("kernel_size",), ("strides",), ("padding",))),
           Task("nin", "nin", 10, f"{CHECKS}:check_nin",
                signature=(("in_channels", 1), ("num_classes", 10), ("dropout", 0.5)))),
    training=(Task("train_nin", "nin", 5, "grader.checks.training:check_training", needs=("nin_block", "nin"),
                   training=Training(
                       model="nin",
                       plans={"cpu": CPU_PLAN, "gpu": [("ask", "nin", {})]},
                       loops={"cpu": {"input_size": 28, "batch_size": 128, "steps": 200, "train_images": 60_000,
                                      "test_images": 2000, **{**ADAMW, "lr": 3e-3}},
                              "gpu": GPU_LOOP})),),
    notebook=Notebook(
        title="Network in Network (NiN)", section="§7.3 网络中的网络（NiN）",
        intro="""\
NiN replaces AlexNet's huge fully connected layers with 1×1 convolutions: each `nin_block` is one
ordinary convolution followed by two 1×1 convolutions, each with a ReLU, acting like a small dense layer
applied at every pixel. The last block outputs one channel per class, and a global average pool turns
each channel into one logit, so the network has no `nn.Linear` at all and far fewer parameters.""",
        scratch="import torch\n\n# net = nin()\n# X = torch.zeros(1, 1, 224, 224)\n# for layer in net:\n"
                "#     X = layer(X)\n#     print(layer.__class__.__name__, 'output shape:', X.shape)",
        traced=("nin", {}, "nin_block")),
)
