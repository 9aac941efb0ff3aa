"""How results are shown: points table, JSON, Markdown feedback (and, for classes, CSV and Gradescope)."""
