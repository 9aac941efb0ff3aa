"""Checks for nin_block and nin (d2l §7.3): the book's blocks and network, then generated ones."""
from hypothesis import strategies as st

from grader.checks.base import Stage, for_all, run_stages
from grader.checks.builders import compare_builder
from grader.i18n import _


@st.composite
def _blocks(draw):
    kernel, padding = draw(st.integers(1, 5)), draw(st.integers(0, 2))
    kwargs = {"in_channels": draw(st.integers(1, 4)), "out_channels": draw(st.integers(1, 6)), "kernel_size": kernel,
              "strides": draw(st.integers(1, 3)), "padding": padding}
    side = draw(st.integers(max(1, kernel - 2 * padding), 12))
    return kwargs, (draw(st.integers(1, 2)), kwargs["in_channels"], side, side)


@st.composite
def _networks(draw):
    kwargs = {"in_channels": draw(st.sampled_from([1, 3])), "num_classes": draw(st.integers(2, 12)),
              "dropout": draw(st.sampled_from([0.5, 0.3]))}
    side = draw(st.integers(67, 96))  # the smallest input whose last map is still at least 1×1 is 67
    return kwargs, (1, kwargs["in_channels"], side, side)


def check_nin_block(submission, **__):
    book = {"in_channels": 1, "out_channels": 96, "kernel_size": 11, "strides": 4, "padding": 0}
    return run_stages("nin_block", [
        Stage(1, _("the book's first NiN block"),
              lambda: compare_builder(submission, "nin_block", book, (1, 1, 224, 224))),
        Stage(2, _("generated blocks"), lambda: for_all(
            _blocks(), lambda case: compare_builder(submission, "nin_block", *case), 10)),
    ])


def check_nin(submission, **__):
    return run_stages("nin", [
        Stage(1, _("the book's NiN on {shape}").format(shape=(1, 1, 224, 224)),
              lambda: compare_builder(submission, "nin", {}, (1, 1, 224, 224), {"in_channels": 1})),
        Stage(2, _("generated settings"), lambda: for_all(
            _networks(), lambda case: compare_builder(submission, "nin", *case), 5)),
    ])
