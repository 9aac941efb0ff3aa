"""Reference solutions for d2l-zh v2 §7.1–7.3 — the single source of truth for `assignments/`."""
