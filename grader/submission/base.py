"""The narrow interface between checks and student code: plain-data questions in, plain-data answers out."""
from dataclasses import dataclass, field
from typing import Protocol


def call(function, *args):
    """Ask: call `function(*args)` with plain arguments; answer its return value."""
    return {"kind": "call", "function": function, "args": list(args)}


def measure(function, net, input_shape=None):
    """Ask: build the network `net` (netspec layer list) and answer `function(model[, input_shape])`."""
    return {"kind": "measure", "function": function, "net": net,
            "input_shape": None if input_shape is None else list(input_shape)}


def describe(function, kwargs, input_shape, seed=0):
    """Ask: build `function(**kwargs)` and describe it (leaves, parameter shapes, output on a seeded input)."""
    return {"kind": "describe", "function": function, "kwargs": dict(kwargs),
            "input_shape": list(input_shape), "seed": seed}


@dataclass
class Answer:
    ok: bool
    value: object = None           # plain data only: int, float, str, bool, None, list, dict
    status: str = "passed"         # when not ok: a results.Status value
    message: str = ""
    output: str = ""               # what the student's code printed (trimmed); context, never evidence
    tensors: dict = field(default_factory=dict)  # name -> numpy array

    @classmethod
    def from_dict(cls, data, tensors=None):
        return cls(ok=bool(data.get("ok")), value=data.get("value"), status=str(data.get("status", "passed")),
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
