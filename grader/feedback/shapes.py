"""Explain a wrong trace_shapes answer: repeated layers skipped, batch dimension dropped, repr instead of class name."""


def _dedup_by_first_use(want, specs):
    """The rows `model.children()` would give: a child used twice appears once."""
    return [row for row, spec in zip(want, specs) if "same_as" not in spec]


def explain_trace(got, want, specs):
    if got == _dedup_by_first_use(want, specs) and len(got) < len(want):
        return (f"expected {len(want)} rows, got {len(got)}: a layer used twice must appear twice. Iterate "
                f"`for layer in model` like the book; model.children() and named_children() skip a repeated child")
    if len(got) == len(want) and [s for _, s in got] == [s[1:] for _, s in want]:
        return "the shapes leave out the batch dimension: report X.shape whole, e.g. (1, 96, 54, 54)"
    if len(got) == len(want) and any("(" in name for name, _ in got):
        return "use the class name, type(layer).__name__ (e.g. 'Conv2d'), not str(layer) or repr(layer)"
    if len(got) != len(want):
        return (f"expected {len(want)} rows (one per top-level child of the Sequential, in order), got {len(got)}; "
                f"do not descend into nested modules or skip activations")
    index = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
    name, shape = want[index]
    if got[index][0] == name:
        return (f"row {index + 1} ({name}): expected shape {shape}, got {got[index][1]}; feed each layer the "
                f"previous layer's output, starting from torch.zeros(input_shape)")
    return f"row {index + 1}: expected {name!r}, got {got[index][0]!r}"
