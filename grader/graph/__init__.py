"""Networks as computation graphs: what a module's forward computes, in a small vocabulary the grader understands.

A description is plain data: `{"nodes": [...], "output": id}`, each node `{"id", "op", "args", "inputs", "shape",
"path", "via", "line"}` in the order forward computes them (vocabulary.py lists the ops). `trace` and `describe` run
where the student's code lives (the worker too: torch and the standard library only); `rebuild` and `bounds` run in
the grader, on the description, never on the student's objects.
"""
