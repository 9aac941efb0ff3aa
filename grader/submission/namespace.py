"""A Submission over a dict of functions — a notebook's own globals() — answering in process like inprocess.py."""
from grader.i18n import _
from grader.submission.answering import MissingFunction
from grader.submission.inprocess import InProcessSubmission
from grader.submission.survey import namespace_hint


class _Namespace:
    """Looks functions up in a live namespace: re-running a notebook cell changes what is graded next."""

    def __init__(self, namespace):
        self.namespace, self.problems, self.notes, self.sources = namespace, {}, [], []

    def find_function(self, name):
        function = self.namespace.get(name)
        if callable(function):
            return function
        if name in self.namespace:
            raise MissingFunction(_("{name} in this notebook is a {kind}, not a function").format(
                name=name, kind=type(function).__name__))
        raise MissingFunction(namespace_hint(name, self.namespace) or _(
            "{name} is not defined in this notebook yet: run the cell that defines it, then run the check "
            "again").format(name=name))


class NamespaceSubmission(InProcessSubmission):
    """Answers questions with the functions in `namespace`; same time limit and JSON round trip as in-process."""

    def __init__(self, namespace, name="notebook", timeout=60.0):
        self.folder, self.name, self.timeout = None, name, timeout
        self.package = _Namespace(namespace)
        self._root = None  # nothing loaded into sys.modules: nothing to unload on close
