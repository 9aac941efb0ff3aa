"""VGG (§7.2 使用块的网络): vgg_block, vgg, and the training of the book's small VGG-11."""
from grader.catalog.common import ADAMW, GPU_LOOP
from grader.assignment import Assignment, Notebook, Task, Training
from grader.book import VGG11_ARCH

CHECKS = "grader.checks.vgg"

ASSIGNMENT = Assignment(
    name="vgg", module="vgg", reference="solutions.vgg",
    section="§7.2",
    tasks=(Task("vgg_block", "vgg", 10, f"{CHECKS}:check_vgg_block",
                signature=(("num_convs",), ("in_channels",), ("out_channels",))),
           Task("vgg", "vgg", 10, f"{CHECKS}:check_vgg",
                signature=(("conv_arch",), ("in_channels", 1), ("num_classes", 10), ("input_size", 224),
                           ("hidden", 4096), ("dropout", 0.5)))),
    training=(Task("train_vgg", "vgg", 5, "grader.checks.training:check_training", needs=("vgg_block", "vgg"),
                   training=Training(
                       model="vgg",
                       plans={"cpu": [("ask", "vgg", {"conv_arch": [[1, 32], [1, 64], [2, 128]], "input_size": 28,
                                                      "hidden": 512, "dropout": 0.0})],
                              # the book trains VGG-11 with every width divided by 4 (ratio = 4), at 224, hidden 4096
                              "gpu": [("ask", "vgg", {"conv_arch": [[n, c // 4] for n, c in VGG11_ARCH]})]},
                       loops={"cpu": {"input_size": 28, "batch_size": 128, "steps": 200, "train_images": 60_000,
                                      "test_images": 2000, **ADAMW},
                              "gpu": GPU_LOOP})),),
    notebook=Notebook(
        title="VGG", section="§7.2 使用块的网络（VGG）",
        intro="""\
VGG builds a deep network from one repeated idea: a block of 3×3 convolutions followed by a 2×2
max-pool that halves the height and width. First write `vgg_block`, then `vgg`, which chains one block
per `(num_convs, out_channels)` pair of `conv_arch` and ends with the same three-layer classifier as
AlexNet. With the book's VGG-11 architecture `((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))` five
blocks shrink 224 to 7.""",
        scratch="import torch\n\n# net = vgg(((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)))\n"
                "# X = torch.zeros(1, 1, 224, 224)\n# for block in net:\n#     X = block(X)\n"
                "#     print(block.__class__.__name__, 'output shape:', X.shape)",
        traced=("vgg", {"conv_arch": VGG11_ARCH}, "vgg_block")),
)
