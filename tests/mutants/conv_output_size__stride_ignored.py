"""Forgets to divide by the stride."""
TASK, EXPECT = "conv_output_size", "stride is ignored"


def conv_output_size(size, kernel_size, stride=1, padding=0):
    return size + 2 * padding - kernel_size + 1
