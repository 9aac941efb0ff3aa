"""How the submission was read, as lines for every report: each file once with what it gave, then the rest."""
from grader.i18n import _


def _names(items):
    """Graded names as one list: "vgg_block, vgg" / "vgg_block、vgg"."""
    return _(", ").join(map(str, items))


def file_line(source):
    """`vgg.py: vgg_block, vgg` or `21VGG.py: nothing graded: defines VGG_block (line 3), not vgg_block`."""
    name, why, gave = str(source.get("file", "?")), str(source.get("why") or ""), list(source.get("gave") or [])
    if gave:
        if why:
            return _("{file}: {names} ({why})").format(file=name, names=_names(gave), why=why)
        return _("{file}: {names}").format(file=name, names=_names(gave))
    if why.startswith(name):  # an unreadable file's reason already names it
        return why
    return _("{file}: {why}").format(file=name, why=why or _("no graded function"))


def reading_lines(environment):
    """[(line, notes under it)]: the files, then load problems and notes that belong to no file."""
    sources = environment.get("sources") or []
    lines = [(file_line(s), [str(n) for n in s.get("notes") or []]) for s in sources if isinstance(s, dict)]
    problems = environment.get("load_problems") or {}
    if isinstance(problems, dict):
        lines += [(_("{file}: {why}").format(file=name, why=why), []) for name, why in problems.items()]
    notes = environment.get("notes") or []
    return lines + [(_("note: {note}").format(note=note), []) for note in notes if isinstance(notes, list)]


def not_graded_line(environment):
    """`not graded: train_alexnet, ... (training switched off by --no-train); not counted in the total`, or ''."""
    off = environment.get("not_graded") or {}
    if not isinstance(off, dict) or not off.get("tasks"):
        return ""
    return _("not graded: {tasks} ({why}); not counted in the total").format(tasks=_names(off["tasks"]),
                                                                              why=off.get("why", ""))
