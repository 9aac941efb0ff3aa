"""Explain a wrong trace_shapes answer: repeated layers skipped, batch dimension dropped, repr instead of class name."""
from grader.i18n import _


def _dedup_by_first_use(want, specs):
    """The rows `model.children()` would give: a child used twice appears once."""
    return [row for row, spec in zip(want, specs) if "same_as" not in spec]


def explain_trace(got, want, specs):
    if got == _dedup_by_first_use(want, specs) and len(got) < len(want):
        return _("expected {want} rows, got {got}: a layer used twice must appear twice. Iterate `for layer in "
                 "model` like the book; model.children() and named_children() skip a repeated child").format(
            want=len(want), got=len(got))
    if len(got) == len(want) and [s for __, s in got] == [s[1:] for __, s in want]:
        return _("the shapes leave out the batch dimension: report X.shape whole, e.g. {shape}").format(
            shape=(1, 96, 54, 54))
    if len(got) == len(want) and any("(" in name for name, __ in got):
        return _("use the class name, type(layer).__name__ (e.g. 'Conv2d'), not str(layer) or repr(layer)")
    if len(got) != len(want):
        return _("expected {want} rows (one per top-level child of the Sequential, in order), got {got}; do not "
                 "descend into nested modules or skip activations").format(want=len(want), got=len(got))
    index = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
    name, shape = want[index]
    if got[index][0] == name:
        return _("row {row} ({name}): expected shape {shape}, got {got}; feed each layer the previous layer's "
                 "output, starting from torch.zeros(input_shape)").format(row=index + 1, name=name, shape=shape,
                                                                          got=got[index][1])
    return _("row {row}: expected {want}, got {got}").format(row=index + 1, want=repr(name), got=repr(got[index][0]))
