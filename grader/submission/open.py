"""Open a submission folder with the backend asked for: sandboxed worker (untrusted) or in-process (your own code)."""


def open_submission(path, sandbox=True, timeout=60.0, **options):
    """A Submission answering questions about the code in `path`; close() it when done."""
    if sandbox:
        from grader.submission.worker import WorkerSubmission
        return WorkerSubmission(path, timeout=timeout, **options)
    from grader.submission.inprocess import InProcessSubmission
    return InProcessSubmission(path, timeout=timeout, **options)
