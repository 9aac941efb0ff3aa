"""What is decided: task statuses, one task's result, and a submission's report — plain dataclasses."""
from dataclasses import asdict, dataclass, field
from enum import Enum

from grader.safe_text import clean, clean_data


class Status(str, Enum):
    PASSED = "passed"
    FAILED = "failed"                    # answered, and the answer is wrong
    NOT_IMPLEMENTED = "not_implemented"  # still the skeleton's NotImplementedError
    MISSING = "missing"                  # no such function in the submission
    UNREADABLE = "unreadable"            # the file that holds it is there but could not be read
    ERROR = "error"                      # the student's code raised
    TIMEOUT = "timeout"
    MEMORY = "memory"
    CRASHED = "crashed"                  # the worker died (segfault, exit, kill)
    INVALID = "invalid"                  # an answer of the wrong kind (float for int, not a Module, ...)
    SKIPPED = "skipped"                  # not run (training switched off, or a builder it needs failed)


@dataclass
class TaskResult:
    name: str
    score: float
    max_score: float
    status: Status
    feedback: str = ""      # one or two plain sentences: expected, got, on which input, named mistake
    example: str = ""       # the smallest failing input, as text
    output: str = ""        # the student's trimmed stdout/stderr, for context only (never evidence)
    duration: float = 0.0

    def __post_init__(self):  # whatever built it, a result's text can be printed, stored and exported
        self.name, self.feedback = clean(self.name), clean(self.feedback)
        self.example, self.output = clean(self.example), clean(self.output)

    @property
    def passed(self):
        return self.status is Status.PASSED

    def to_dict(self):
        data = asdict(self)
        data["status"] = self.status.value
        return data


@dataclass
class Report:
    submission: str
    tasks: list = field(default_factory=list)
    environment: dict = field(default_factory=dict)

    @property
    def score(self):
        return sum(task.score for task in self.tasks)

    @property
    def max_score(self):
        return sum(task.max_score for task in self.tasks)

    def task(self, name):
        return next((task for task in self.tasks if task.name == name), None)

    def to_dict(self):
        return clean_data({"submission": self.submission, "score": self.score, "max_score": self.max_score,
                           "tasks": [task.to_dict() for task in self.tasks], "environment": self.environment})
