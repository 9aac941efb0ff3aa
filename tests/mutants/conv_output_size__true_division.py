"""Uses / and returns a float."""
TASK, EXPECT = "conv_output_size", "true division"


def conv_output_size(size, kernel_size, stride=1, padding=0):
    return (size + 2 * padding - kernel_size) / stride + 1
