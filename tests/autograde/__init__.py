"""Tests of `python -m grader autograde`: collecting, the gradebook, exports, resume, parallel runs, a mixed class."""
