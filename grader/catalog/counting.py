"""The counting tools (§6.3, §7.1): output sizes, parameters, per-layer shapes and FLOPs."""
from grader.assignment import Assignment, Notebook, Task

CHECKS = "grader.checks.counting"

ASSIGNMENT = Assignment(
    name="counting", module="counting", reference="solutions.counting",
    section="§6.3, §7.1",
    tasks=(Task("conv_output_size", "counting", 5, f"{CHECKS}:check_conv_output_size",
                signature=(("size",), ("kernel_size",), ("stride", 1), ("padding", 0))),
           Task("count_params", "counting", 10, f"{CHECKS}:check_count_params", signature=(("model",),)),
           Task("trace_shapes", "counting", 10, f"{CHECKS}:check_trace_shapes",
                signature=(("model",), ("input_shape",))),
           Task("count_flops", "counting", 15, f"{CHECKS}:check_count_flops",
                signature=(("model",), ("input_shape",)))),
    notebook=Notebook(
        title="Counting a CNN: sizes, parameters, shapes and FLOPs", section="§6.3 and §7.1",
        intro="""\
Before building the book's networks, build the tools that explain them. You will write four small
functions: the output size of one convolution or pooling along one axis (the formula of §6.3, 填充和步幅),
the number of trainable parameters of any `nn.Module`, the output shape after each layer of an
`nn.Sequential` (the printout the book uses to walk through AlexNet, VGG and NiN), and the number of
floating-point operations of a forward pass.

Shapes and numbers to expect: AlexNet's first convolution (kernel 11, stride 4, padding 1) turns 224
pixels into 54; a parameter shared by two layers counts once; BatchNorm's running statistics are not
parameters; a multiply-add counts as 2 FLOPs, as `torch.utils.flop_counter` counts them.""",
        scratch="# conv_output_size(224, kernel_size=11, stride=4, padding=1)\n# count_params(nn.Linear(4, 3))"),
)
