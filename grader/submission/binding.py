"""Bind the grader's call to the student's signature, as Python would for the book's code: names first, then positions.

The grader asks with the assignment's parameter names (each task's `signature` in grader.spec, sent with the
question). A student's parameter takes a value by its name, or by a known alias (`stride` for `strides`, `arch`
for `conv_arch`: `grader.editions.ALIASES`);
the contract's remaining parameters go, in order, to the student's remaining positional ones, whatever their
names. A value the student's function has no parameter for may be left out when it is the assignment's default
(the book's `vgg(conv_arch)` builds the default network). When no binding exists, `CannotBind` says so with
both signatures side by side, which edition of the book the student's looks like, and the `def` line to write.
Standard library, grader.spec, grader.editions and grader.i18n only: the sandboxed worker runs this.
"""
import inspect

from grader import editions, spec
from grader.i18n import _, current_language, joined

REQUIRED = inspect.Parameter.empty
_NAMED = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


class CannotBind(Exception):
    """The student's signature cannot take this call; the message says what to change."""


def contract_text(name, signatures=None):
    """`vgg(conv_arch, in_channels=1, ...)`: the assignment's signature as the student would write it."""
    params = (signatures or spec.signatures())[name]
    return f"{name}(" + ", ".join(p[0] if len(p) == 1 else f"{p[0]}={p[1]!r}" for p in params) + ")"


def _edition_of(name, params):
    """The other edition whose signature for `name` has exactly these parameter names, or None."""
    names = tuple(p.name for p in params if p.name != "self")
    return next((edition for edition, known in editions.OTHER_EDITIONS.items() if known.get(name) == names), None)


def _match_by_name(contract, theirs):
    """{student parameter -> contract parameter} for names equal to a contract name or one of its aliases."""
    taken, free = {}, [p.name for p in theirs]
    for cname in contract:  # exact names first: a student's `input_size` is alexnet's input_size, not an alias
        if cname in free:
            taken[cname] = cname
            free.remove(cname)
    for cname in (c for c in contract if c not in taken.values()):
        alias = next((a for a in editions.ALIASES.get(cname, ()) if a in free and a not in contract), None)
        if alias:
            taken[alias] = cname
            free.remove(alias)
    return taken


def bind(function, name, values, signatures=None):
    """(args, kwargs) that call the student's `function` with the contract's `values` ({parameter: value}).

    Raises CannotBind when the student's signature cannot take them. A function without a contract (or whose
    signature cannot be read, such as a builtin) is called with `values` as keywords, unchanged.
    """
    signatures = signatures or spec.signatures()
    if name not in signatures:
        return (), dict(values)
    try:
        theirs = inspect.signature(function)
    except (TypeError, ValueError):
        return (), dict(values)
    contract = [p[0] for p in signatures[name]]
    defaults = {p[0]: p[1] for p in signatures[name] if len(p) == 2}
    params = [p for p in theirs.parameters.values() if p.kind in _NAMED]
    to_theirs = {cname: pname for pname, cname in _match_by_name(contract, params).items()}
    unbound = [p for p in params if p.name not in to_theirs.values()]
    edition = _edition_of(name, theirs.parameters.values())
    if edition is None:  # a renamed but positionally equal signature: the leftovers pair up in order
        leftovers = [c for c in contract if c not in to_theirs]
        positional = [p for p in unbound if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        to_theirs.update({cname: p.name for cname, p in zip(leftovers, positional)})
    kinds = {p.kind for p in theirs.parameters.values()}
    kwargs, extra, problems = {}, [], []
    for cname, value in values.items():
        if cname in to_theirs:
            kwargs[to_theirs[cname]] = value
        elif inspect.Parameter.VAR_KEYWORD in kinds:
            kwargs[cname] = value
        elif inspect.Parameter.VAR_POSITIONAL in kinds:  # `def f(*args)`: the rest go in the contract's order
            extra.append(value)
        elif not (cname in defaults and value == defaults[cname]):  # the default is what a missing parameter means
            problems.append(_("{name} ({value})").format(name=cname, value=repr(value)))
    zh = current_language() == "zh"
    problems = [_("it has no parameter for {params}").format(params=("、" if zh else ", ").join(problems))] \
        if problems else []
    unfed = [p.name for p in params if p.name not in kwargs and p.default is REQUIRED]
    problems += [_("nothing the assignment passes fills its {params}").format(
        params=joined(unfed) if zh else " and ".join(unfed))] if unfed else []
    if problems:
        raise CannotBind(_message(function, name, theirs, problems, edition, signatures))
    # values for *args, and positional-only parameters, can only be passed by position: the named ones go first
    args = []
    if extra or inspect.Parameter.POSITIONAL_ONLY in kinds:
        for p in (p for p in params if p.kind is not inspect.Parameter.KEYWORD_ONLY):
            args.append(kwargs.pop(p.name) if p.name in kwargs else p.default)
    return tuple(args) + tuple(extra), kwargs


def _message(function, name, theirs, problems, edition, signatures):
    own = f"{getattr(function, '__name__', name)}{theirs}"
    contract = contract_text(name, signatures)
    where = f" {spec.section_of(name)}" if spec.section_of(name) else ""
    if edition:
        message = _("your {own}, the signature in {edition}, cannot take the grader's call: {problems}. This "
                    "assignment follows {book}{section}: {contract}. Change the def line to `def {contract}:` and use "
                    "every parameter.")
    else:
        message = _("your {own} cannot take the grader's call: {problems}. This assignment follows {book}{section}: "
                    "{contract}. Change the def line to `def {contract}:` and use every parameter.")
    return message.format(own=own, edition=_(edition) if edition else "", problems=_("; ").join(problems),
                          book=editions.EDITION, section=where, contract=contract)


def call(function, name, args, signatures=None):
    """Call `function` with the contract's positional `args` (a `call`/`measure` question), bound by name."""
    signatures = signatures or spec.signatures()
    names = [p[0] for p in signatures.get(name, ())]
    if len(args) > len(names):
        return function(*args)
    bound_args, kwargs = bind(function, name, dict(zip(names, args)), signatures)
    return function(*bound_args, **kwargs)


def bound(function, name, kwargs, signatures=None):
    """A zero-argument builder for a `describe` question: `function` bound to the contract's `kwargs` now."""
    bound_args, bound_kwargs = bind(function, name, kwargs, signatures)
    return lambda: function(*bound_args, **bound_kwargs)
