"""Forgets the +1."""
TASK, EXPECT = "conv_output_size", r"\+1 is missing"


def conv_output_size(size, kernel_size, stride=1, padding=0):
    return (size + 2 * padding - kernel_size) // stride
