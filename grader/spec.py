"""What is graded: tasks, their points, where the student's function lives, and the book's facts — plain data."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    name: str        # also the student's function name (training tasks: train_<model>)
    module: str      # file in the submission, without .py
    points: int
    needs: tuple = ()  # tasks that must pass first (training runs only on a correct builder)


TASKS = (
    Task("conv_output_size", "counting", 5),
    Task("count_params", "counting", 10),
    Task("trace_shapes", "counting", 10),
    Task("count_flops", "counting", 15),
    Task("vgg_block", "vgg", 10),
    Task("vgg", "vgg", 10),
    Task("nin_block", "nin", 10),
    Task("nin", "nin", 10),
    Task("alexnet", "alexnet", 10),
)
TRAINING_TASKS = (
    Task("train_alexnet", "alexnet", 5, needs=("alexnet",)),
    Task("train_vgg", "vgg", 5, needs=("vgg_block", "vgg")),
    Task("train_nin", "nin", 5, needs=("nin_block", "nin")),
)
ALL_TASKS = TASKS + TRAINING_TASKS
TASKS_BY_NAME = {task.name: task for task in ALL_TASKS}
MODULES = ("counting", "vgg", "nin", "alexnet")
FUNCTIONS = tuple(task.name for task in TASKS)

# The book's networks on one 1×224×224 Fashion-MNIST image, 10 classes. Numbers from torch 2.14.1
# (count_params of the reference; FLOPs from torch.utils.flop_counter); tests re-derive them.
VGG11_ARCH = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
BOOK_FACTS = {
    "alexnet": {"params": 46_764_746, "flops": 1_876_292_352},
    "vgg11": {"params": 128_806_154, "flops": 15_094_464_512},
    "nin": {"params": 1_992_166, "flops": 1_524_594_704},
}

# ---- How the grader calls the student's functions (grader.submission.binding; the worker reads these too) ----
# The assignment's signatures, in order: (name,) is required, (name, default) optional. They are the reference's
# (tests/handins/test_binding.py checks them against solutions/); binding a call names these parameters.
SIGNATURES = {
    "conv_output_size": (("size",), ("kernel_size",), ("stride", 1), ("padding", 0)),
    "count_params": (("model",),),
    "trace_shapes": (("model",), ("input_shape",)),
    "count_flops": (("model",), ("input_shape",)),
    "vgg_block": (("num_convs",), ("in_channels",), ("out_channels",)),
    "vgg": (("conv_arch",), ("in_channels", 1), ("num_classes", 10), ("input_size", 224), ("hidden", 4096),
            ("dropout", 0.5)),
    "nin_block": (("in_channels",), ("out_channels",), ("kernel_size",), ("strides",), ("padding",)),
    "nin": (("in_channels", 1), ("num_classes", 10), ("dropout", 0.5)),
    "alexnet": (("in_channels", 1), ("num_classes", 10), ("input_size", 224), ("dropout", 0.5)),
}
# Other names readers give the same parameter: the book's editions (`stride` in the first edition's nin_block,
# `arch` in d2l-en's VGG, `fc_hidden_units`, `num_channels` in the MXNet edition) and common habits. A student's
# parameter with one of these names takes that value whatever its position; the rest bind by position.
ALIASES = {
    "size": ("input_size", "in_size", "n_in", "image_size"),
    "kernel_size": ("kernel", "ksize", "k", "kernel_sizes"),
    "stride": ("strides", "s"),
    "strides": ("stride", "s"),
    "padding": ("pad", "paddings", "p"),
    "model": ("net", "network", "module", "m"),
    "input_shape": ("shape", "x_shape", "in_shape", "input_dims", "input_size"),
    "num_convs": ("n_convs", "num_conv", "convs", "num_layers", "n"),
    "in_channels": ("input_channels", "in_channel", "num_input_channels", "in_chans", "cin", "c_in", "in_c"),
    "out_channels": ("output_channels", "out_channel", "num_channels", "out_chans", "cout", "c_out", "out_c"),
    "conv_arch": ("arch", "architecture", "conv_config"),
    "num_classes": ("n_classes", "classes", "num_outputs", "n_class", "class_num"),
    "input_size": ("image_size", "img_size", "resolution"),
    "hidden": ("fc_hidden_units", "hidden_units", "num_hiddens", "hidden_size", "fc_hidden", "hidden_dim"),
    "dropout": ("dropout_rate", "drop_rate", "dropout_p", "p_dropout", "drop"),
}
# The edition this assignment follows, and the signatures other editions give the same functions (parameter
# names only), so that a call that cannot bind says which book the student's code comes from.
EDITION = "d2l-zh v2 (zh.d2l.ai, PyTorch)"
SECTIONS = {"vgg_block": "§7.2", "vgg": "§7.2", "nin_block": "§7.3", "nin": "§7.3", "alexnet": "§7.1"}
OTHER_EDITIONS = {
    "d2l-en (d2l.ai, PyTorch: LazyConv2d infers in_channels)": {
        "vgg_block": ("num_convs", "out_channels"),
        "nin_block": ("out_channels", "kernel_size", "strides", "padding"),
        "vgg": ("arch", "lr", "num_classes"),
        "nin": ("lr", "num_classes"),
        "alexnet": ("lr", "num_classes"),
    },
    "the first edition's PyTorch port (d2lzh_pytorch)": {
        "vgg": ("conv_arch", "fc_features", "fc_hidden_units"),
    },
    "the first edition (d2lzh, MXNet)": {
        "vgg_block": ("num_convs", "num_channels"),
        "nin_block": ("num_channels", "kernel_size", "strides", "padding"),
    },
}
