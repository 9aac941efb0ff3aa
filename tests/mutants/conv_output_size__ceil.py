"""Rounds up instead of down — the forum's "54.25 or 54.75?" confusion."""
import math

TASK, EXPECT = "conv_output_size", "rounded up"


def conv_output_size(size, kernel_size, stride=1, padding=0):
    return math.ceil((size + 2 * padding - kernel_size) / stride) + 1
