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
