"""Fixtures for the autograde tests."""
from tests.autograde.helpers import fake_backend  # noqa: F401 — a fixture, found by name
