"""AlexNet (§7.1 深度卷积神经网络): the builder, and its training on Fashion-MNIST."""
from grader.catalog.common import ADAMW, GPU_LOOP
from grader.assignment import Assignment, Notebook, Task, Training

ASSIGNMENT = Assignment(
    name="alexnet", module="alexnet", reference="solutions.alexnet",
    section="§7.1",
    tasks=(Task("alexnet", "alexnet", 10, "grader.checks.alexnet:check_alexnet",
                signature=(("in_channels", 1), ("num_classes", 10), ("input_size", 224), ("dropout", 0.5))),),
    training=(Task("train_alexnet", "alexnet", 5, "grader.checks.training:check_training", needs=("alexnet",),
                   training=Training(
                       model="alexnet",
                       plans={"cpu": [("ask", "alexnet", {"input_size": 67, "dropout": 0.0})],  # 67: smallest with a 1×1 map
                              "gpu": [("ask", "alexnet", {})]},
                       loops={"cpu": {"input_size": 67, "batch_size": 64, "steps": 100, "train_images": 60_000,
                                      "test_images": 2000, **ADAMW},
                              "gpu": GPU_LOOP})),),
    notebook=Notebook(
        title="AlexNet", section="§7.1 深度卷积神经网络（AlexNet）",
        intro="""\
Build AlexNet the way the book trains it on Fashion-MNIST: one input channel, images upsampled to
224×224, ten classes. Five convolutions and three max-pools extract features; three fully connected
layers with dropout classify them. Work out why the first `nn.Linear` takes 6400 inputs, and compute that
width from `input_size` instead of typing it, so the network also works on other image sizes.""",
        scratch="import torch\n\n# net = alexnet()\n# X = torch.zeros(1, 1, 224, 224)\n# for layer in net:\n"
                "#     X = layer(X)\n#     print(layer.__class__.__name__, 'output shape:', X.shape)",
        traced=("alexnet", {}, "Sequential")),
)
