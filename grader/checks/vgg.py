"""Checks for vgg_block and vgg (d2l §7.2): the book's VGG-11, then generated blocks and architectures."""
from hypothesis import strategies as st

from grader.checks.base import Stage, for_all, run_stages
from grader.checks.builders import compare_builder
from grader.book import VGG11_ARCH
from grader.i18n import _


@st.composite
def _blocks(draw):
    num_convs, in_channels, out_channels = draw(st.integers(1, 3)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    shape = (draw(st.integers(1, 2)), in_channels, draw(st.integers(2, 10)), draw(st.integers(2, 10)))
    return {"num_convs": num_convs, "in_channels": in_channels, "out_channels": out_channels}, shape


@st.composite
def _networks(draw):
    conv_arch = draw(st.lists(st.tuples(st.integers(1, 2), st.integers(1, 8)), min_size=1, max_size=3))
    side = draw(st.integers(1, 3)) * 2 ** len(conv_arch) + draw(st.integers(0, 2 ** len(conv_arch) - 1))
    kwargs = {"conv_arch": [list(pair) for pair in conv_arch], "in_channels": draw(st.sampled_from([1, 3])),
              "num_classes": draw(st.integers(2, 12)), "input_size": side, "hidden": draw(st.integers(2, 16)),
              "dropout": draw(st.sampled_from([0.5, 0.3]))}
    return kwargs, (draw(st.integers(1, 2)), kwargs["in_channels"], side, side)


def check_vgg_block(submission, **__):
    book = {"num_convs": 2, "in_channels": 128, "out_channels": 256}
    return run_stages("vgg_block", [
        Stage(1, _("the book's third VGG-11 block"),
              lambda: compare_builder(submission, "vgg_block", book, (1, 128, 28, 28))),
        Stage(2, _("generated blocks"), lambda: for_all(
            _blocks(), lambda case: compare_builder(submission, "vgg_block", *case), 10)),
    ])


def check_vgg(submission, **__):
    # the network the book trains: VGG-11 with every width divided by 4
    book = {"conv_arch": [[n, c // 4] for n, c in VGG11_ARCH]}
    return run_stages("vgg", [
        Stage(1, _("the book's small VGG-11 (ratio 4) on {shape}").format(shape=(1, 1, 224, 224)),
              lambda: compare_builder(submission, "vgg", book, (1, 1, 224, 224), {"in_channels": 1})),
        Stage(2, _("generated architectures"), lambda: for_all(
            _networks(), lambda case: compare_builder(submission, "vgg", *case), 10)),
    ])
