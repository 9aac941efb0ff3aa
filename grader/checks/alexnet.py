"""Checks for alexnet (d2l §7.1): the book's network at 224 ("why 6400?"), then other sizes, channels, classes."""
from hypothesis import strategies as st

from grader.checks.base import Stage, for_all, run_stages
from grader.checks.builders import compare_builder
from grader.i18n import _


@st.composite
def _settings(draw):
    kwargs = {"in_channels": draw(st.sampled_from([1, 3])), "num_classes": draw(st.integers(2, 12)),
              "input_size": draw(st.integers(65, 160)), "dropout": draw(st.sampled_from([0.5, 0.3]))}
    return kwargs, (1, kwargs["in_channels"], kwargs["input_size"], kwargs["input_size"])


def check_alexnet(submission, **__):
    return run_stages("alexnet", [
        Stage(1, _("the book's AlexNet on {shape}").format(shape=(1, 1, 224, 224)),
              lambda: compare_builder(submission, "alexnet", {}, (1, 1, 224, 224), {"in_channels": 1})),
        Stage(1, _("other input sizes, channels and classes"),
              lambda: for_all(_settings(), lambda case: compare_builder(submission, "alexnet", *case), 6)),
    ])
