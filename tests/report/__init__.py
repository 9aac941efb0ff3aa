"""Tests of how reports are shown: the points table by display width."""
