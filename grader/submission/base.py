"""The narrow interface between checks and student code: plain-data questions in, plain-data answers out.

Each question carries the asked function's signature from the registry (grader.spec), so the answering side binds
the call to the student's own signature (submission.binding) even for an assignment registered after the worker
started.
"""
from dataclasses import dataclass, field
from typing import Protocol

from grader import spec


def _signature(function):
    signature = spec.signatures().get(function)
    return {"signature": [list(p) for p in signature]} if signature else {}


def call(function, *args):
    """Ask: call `function(*args)` with plain arguments; answer its return value."""
    return {"kind": "call", "function": function, "args": list(args), **_signature(function)}


def measure(function, net, input_shape=None):
    """Ask: build the network `net` (netspec layer list) and answer `function(model[, input_shape])`."""
    return {"kind": "measure", "function": function, "net": net,
            "input_shape": None if input_shape is None else list(input_shape), **_signature(function)}


def describe(function, kwargs, input_shape, seed=0):
    """Ask: build `function(**kwargs)` and describe it (its graph, parameter count, outputs on seeded inputs)."""
    return {"kind": "describe", "function": function, "kwargs": dict(kwargs),
            "input_shape": list(input_shape), "seed": seed, **_signature(function)}


# Why an answer has no value. The side running student code may report only these (a worker's frame carrying
# anything else is malformed); a backend adds what it observes itself. Never "passed": only a check decides that.
ANSWER_FAILURES = ("missing", "unreadable", "not_implemented", "invalid", "memory", "error")
BACKEND_FAILURES = ("timeout", "crashed")


@dataclass
class Answer:
    ok: bool
    value: object = None           # plain data only: int, float, str, bool, None, list, dict
    status: str = "answered"       # when not ok: one of ANSWER_FAILURES + BACKEND_FAILURES (a results.Status value)
    message: str = ""
    output: str = ""               # what the student's code printed (trimmed); context, never evidence
    tensors: dict = field(default_factory=dict)  # name -> numpy array

    def __post_init__(self):
        if type(self.ok) is not bool:
            raise ValueError(f"an answer's ok must be True or False, not {self.ok!r:.40}")
        if not self.ok and self.status not in ANSWER_FAILURES + BACKEND_FAILURES:
            raise ValueError(f"a failed answer cannot have status {self.status!r:.40}")

    @classmethod
    def from_dict(cls, data, tensors=None):
        """Raises ValueError for a failed answer without an allowed failure kind (no default can make it pass)."""
        ok = data.get("ok") is True
        return cls(ok=ok, value=data.get("value"), status="answered" if ok else str(data.get("status")),
                   message=str(data.get("message", "")), output=str(data.get("output", "")),
                   tensors=dict(tensors or {}))


class Submission(Protocol):
    """Anything that answers questions about one submission's functions."""

    name: str

    def ask(self, question: dict) -> Answer: ...

    def problems(self) -> dict: ...  # module -> why it could not be loaded (plain text)

    def notes(self) -> list: ...  # warnings about the submission as a whole (which copy of a function is graded)

    def sources(self) -> list: ...  # every file once: {file, module, status, gave, why, notes} (plain data)

    def close(self) -> None: ...
