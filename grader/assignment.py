"""How an assignment is declared: its tasks, training plans and notebook text, as frozen plain data."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Task:
    name: str          # the student's function (a training task: train_<model>)
    module: str        # file in the submission, without .py/.ipynb
    points: int
    check: str         # "module:function" of the check, called check(submission, task=..., **options)
    needs: tuple = ()  # tasks that must pass first (training runs only on a correct builder)
    training: object = None  # a Training for training tasks
    signature: tuple = ()  # the function's parameters, in order: (name,) required, (name, default) optional;
    #                        the grader's calls bind to the student's own signature from these (submission.binding)

    @property
    def is_training(self):
        return self.training is not None


@dataclass(frozen=True)
class Training:
    """How a training task trains the student's network: per profile ("cpu", "gpu"), the plan that builds it from the
    student's builders (("ask", builder, kwargs) and ("layers", netspec layer specs) parts) and the loop settings
    (grader.training.loop.LoopConfig's fields); `calibration`: profile -> threshold record, when not in
    grader/training/thresholds.py (calibrated data)."""
    model: str
    plans: dict
    loops: dict
    calibration: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Notebook:
    """The released notebook's text: title, book section, introduction, scratch-cell example, and the reference
    network whose shapes the introduction tabulates ((builder, kwargs, what its children are) or None)."""
    title: str
    section: str
    intro: str
    scratch: str
    traced: tuple = None


@dataclass(frozen=True)
class Assignment:
    name: str
    module: str               # the submission's file (module.py or a notebook defining its functions)
    tasks: tuple              # graded functions, in the order they are graded
    reference: str            # importable module with the reference functions (the builder checks' oracle)
    training: tuple = ()      # training tasks
    notebook: Notebook = None
    section: str = ""         # where the book teaches it ("§7.2"), for messages
