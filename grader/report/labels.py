"""A task's status as students read it, in the language in force; `Status` values themselves stay data (JSON,
CSV, the gradebook, Gradescope's extra_data)."""
from grader.i18n import N_, _
from grader.results import Status

# the word in the points table and the Markdown feedback ("not implemented yet" rather than the value)
LABELS = {
    Status.PASSED: N_("passed"),
    Status.FAILED: N_("failed"),
    Status.NOT_IMPLEMENTED: N_("not implemented yet"),
    Status.MISSING: N_("missing"),
    Status.UNREADABLE: N_("unreadable"),
    Status.ERROR: N_("error"),
    Status.TIMEOUT: N_("timeout"),
    Status.MEMORY: N_("memory"),
    Status.CRASHED: N_("crashed"),
    Status.INVALID: N_("invalid"),
    Status.SKIPPED: N_("skipped"),
}
# the short tag before a task's feedback on Gradescope and in a Classroom step ("[not_implemented] ..."): in
# English the Status value itself, as these surfaces always showed it
TAGS = {**LABELS, Status.NOT_IMPLEMENTED: N_("not_implemented")}


def _status(status):
    try:
        return Status(status)
    except ValueError:
        return None


def status_label(status):
    """How the points table and the feedback name `status` (a Status or its value), e.g. "not implemented yet"."""
    known = _status(status)
    return _(LABELS[known]) if known in LABELS else str(getattr(status, "value", status))


def status_tag(status):
    """The short tag for `status` on Gradescope and in Classroom steps: its value in English ("not_implemented")."""
    known = _status(status)
    return _(TAGS[known]) if known in TAGS else str(getattr(status, "value", status))
