"""Checks for the fixture's residual block: the book's two shapes, then generated blocks (compared by behaviour)."""
from hypothesis import strategies as st

from grader.checks.base import Stage, for_all, run_stages
from grader.checks.builders import compare_builder


@st.composite
def _blocks(draw):
    in_channels, strides = draw(st.integers(1, 4)), draw(st.integers(1, 2))
    changes = strides > 1 or draw(st.booleans())
    out_channels = draw(st.integers(1, 6)) if changes else in_channels
    kwargs = {"in_channels": in_channels, "out_channels": out_channels, "use_1x1conv": changes, "strides": strides}
    side = draw(st.integers(2, 8))
    return kwargs, (2, in_channels, side, side)


def check_residual(submission, **_):
    same = {"in_channels": 3, "out_channels": 3, "use_1x1conv": False, "strides": 1}
    halved = {"in_channels": 3, "out_channels": 6, "use_1x1conv": True, "strides": 2}
    return run_stages("residual", [
        Stage(1, "the book's residual blocks on (4, 3, 6, 6)",
              lambda: [compare_builder(submission, "residual", kwargs, (4, 3, 6, 6)) for kwargs in (same, halved)]),
        Stage(1, "generated blocks", lambda: for_all(
            _blocks(), lambda case: compare_builder(submission, "residual", *case), 5)),
    ])
