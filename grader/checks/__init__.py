"""What is asked: one check per task. Each takes a Submission and returns a TaskResult; no I/O, no printing."""
import importlib

# task name -> "module:function" inside grader.checks (imported lazily: hypothesis and torch are heavy)
CHECKS = {
    "conv_output_size": "counting:check_conv_output_size",
    "count_params": "counting:check_count_params",
    "trace_shapes": "counting:check_trace_shapes",
    "count_flops": "counting:check_count_flops",
    "vgg_block": "vgg:check_vgg_block",
    "vgg": "vgg:check_vgg",
    "nin_block": "nin:check_nin_block",
    "nin": "nin:check_nin",
    "alexnet": "alexnet:check_alexnet",
    "train_alexnet": "training:check_train_alexnet",
    "train_vgg": "training:check_train_vgg",
    "train_nin": "training:check_train_nin",
}


def check_for(task_name):
    module_name, function_name = CHECKS[task_name].split(":")
    return getattr(importlib.import_module(f"grader.checks.{module_name}"), function_name)
