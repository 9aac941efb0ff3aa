"""What is graded: the registry of assignments (tasks, points, files, references, checks, training, notebook text).

One `Assignment` (grader.assignment) declares everything about one file of the submission; the chapter's four
live in grader/catalog/ and are registered on first use. Everything else — the checks run, the reference oracle,
the loader's graded names (also sent to the sandboxed worker), the training profiles, the notebooks, the CLI's
choices, the points table — is derived from here, so adding a network is one declaration (tests/registry/ proves it
with d2l's residual block).
Plain data and dotted names only: the sandboxed worker imports this module.
"""
_REGISTRY = {}


def _ensure_catalog():
    if not _REGISTRY:
        from grader.catalog import BUILT_IN  # on first use: the registry costs nothing until asked
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


def signatures():
    """function name -> the assignment's signature ((name,) required, (name, default) optional), in order."""
    return {t.name: t.signature for t in tasks() if t.signature}


def section_of(name):
    """The book section of the assignment holding the function `name` ("§7.2"), or ""."""
    return next((a.section for a in assignments() if any(t.name == name for t in a.tasks)), "")


def reference_function(name):
    """The reference implementation of the graded function `name` (imported from its assignment's reference)."""
    import importlib
    owner = next(a for a in assignments() if any(t.name == name for t in a.tasks))
    return getattr(importlib.import_module(owner.reference), name)


DESCRIBE_SEED = 20_241_123  # fixed and recorded: weights and probe inputs of every builder description derive from it
