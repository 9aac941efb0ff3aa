"""Who answers: the narrow question/answer interface and its backends (in-process, sandboxed worker)."""
from .base import Answer, Submission, call, describe, measure

__all__ = ["Answer", "Submission", "call", "describe", "measure"]
