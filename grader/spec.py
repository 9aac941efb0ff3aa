"""What is graded: the registry of assignments (tasks, points, files, references, checks, training, notebook text).

One `Assignment` declares everything about one file of the submission; the chapter's four live in grader/catalog/
and are registered on first use. Everything else — the checks run, the reference oracle, the loader's graded names
(also sent to the sandboxed worker), the training profiles, the notebooks, the CLI's choices, the points table — is
derived from here, so adding a network is one declaration (tests/registry/ proves it with d2l's residual block).
Plain data and dotted names only: the sandboxed worker imports this module.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Task:
    name: str          # the student's function (a training task: train_<model>)
    module: str        # file in the submission, without .py/.ipynb
    points: int
    check: str         # "module:function" of the check, called check(submission, task=..., **options)
    needs: tuple = ()  # tasks that must pass first (training runs only on a correct builder)
    training: object = None  # a Training for training tasks

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


_REGISTRY = {}


def _ensure_catalog():
    if not _REGISTRY:
        from grader.catalog import BUILT_IN  # imported here: the catalog's modules import this one
        for assignment in BUILT_IN:
            _REGISTRY[assignment.name] = assignment


def register(assignment):
    """Add an assignment (e.g. from a test fixture); its task and module names must be new."""
    _ensure_catalog()
    taken = {task.name for task in all_tasks()} | set(modules())
    clash = ({task.name for task in assignment.tasks + assignment.training} | {assignment.module}) & taken
    if assignment.name in _REGISTRY or clash:
        raise ValueError(f"assignment {assignment.name!r} clashes with registered names: {sorted(clash)}")
    _REGISTRY[assignment.name] = assignment


def unregister(name):
    _REGISTRY.pop(name, None)


def assignments():
    _ensure_catalog()
    return tuple(_REGISTRY.values())


def tasks():
    """The graded functions of every assignment, in order."""
    return tuple(task for assignment in assignments() for task in assignment.tasks)


def training_tasks():
    return tuple(task for assignment in assignments() for task in assignment.training)


def all_tasks():
    return tasks() + training_tasks()


def task(name):
    """The Task called `name`; KeyError if no assignment has it."""
    found = next((t for t in all_tasks() if t.name == name), None)
    if found is None:
        raise KeyError(f"no task {name!r}; registered: {', '.join(t.name for t in all_tasks())}")
    return found


def modules():
    return tuple(assignment.module for assignment in assignments())


def functions():
    return tuple(t.name for t in tasks())


def graded_names():
    """module -> the function names graded in it: what the loader looks for (and what a worker is told)."""
    return {assignment.module: [t.name for t in assignment.tasks] for assignment in assignments()}


def training_models():
    return tuple(t.training.model for t in training_tasks())


def training_task_for(model):
    """The training task that trains `model` ("alexnet"); KeyError if none."""
    found = next((t for t in training_tasks() if t.training.model == model), None)
    if found is None:
        raise KeyError(f"unknown model {model!r}: use one of {', '.join(training_models())}")
    return found


def reference_function(name):
    """The reference implementation of the graded function `name` (imported from its assignment's reference)."""
    import importlib
    owner = next(a for a in assignments() if any(t.name == name for t in a.tasks))
    return getattr(importlib.import_module(owner.reference), name)


DESCRIBE_SEED = 20_241_123  # fixed and recorded: weights and probe inputs of every builder description derive from it

# The book's networks on one 1×224×224 Fashion-MNIST image, 10 classes. Numbers from torch 2.14.1
# (count_params of the reference; FLOPs from torch.utils.flop_counter); tests re-derive them.
VGG11_ARCH = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
BOOK_FACTS = {
    "alexnet": {"params": 46_764_746, "flops": 1_876_292_352},
    "vgg11": {"params": 128_806_154, "flops": 15_094_464_512},
    "nin": {"params": 1_992_166, "flops": 1_524_594_704},
}
