"""A new assignment declared from test files alone (d2l §7.6's residual block): the proof that the next chapter is data."""
