"""Misconception detectors: turn evidence (an answer beside the truth) into a named mistake in plain words."""
