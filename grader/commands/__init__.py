"""Command implementations behind grader.cli (each a `run(args) -> exit code`)."""
