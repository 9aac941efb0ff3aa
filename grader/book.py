"""The book's facts (d2l-zh v2 §7.1–7.3) the checks and notebooks quote: plain data, re-derived by the tests."""

# The book's networks on one 1×224×224 Fashion-MNIST image, 10 classes. Numbers from torch 2.14.1
# (count_params of the reference; FLOPs from torch.utils.flop_counter); tests re-derive them.
VGG11_ARCH = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
BOOK_FACTS = {
    "alexnet": {"params": 46_764_746, "flops": 1_876_292_352},
    "vgg11": {"params": 128_806_154, "flops": 15_094_464_512},
    "nin": {"params": 1_992_166, "flops": 1_524_594_704},
}
