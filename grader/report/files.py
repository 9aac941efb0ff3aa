"""How the submission was read, as lines for every report: each file once with what it gave, then the rest."""


def file_line(source):
    """`vgg.py: vgg_block, vgg` or `21VGG.py: nothing graded: defines VGG_block (line 3), not vgg_block`."""
    name, why, gave = str(source.get("file", "?")), str(source.get("why") or ""), list(source.get("gave") or [])
    if gave:
        return f"{name}: {', '.join(map(str, gave))}" + (f" ({why})" if why else "")
    if why.startswith(name):  # an unreadable file's reason already names it
        return why
    return f"{name}: {why or 'no graded function'}"


def reading_lines(environment):
    """[(line, notes under it)]: the files, then load problems and notes that belong to no file."""
    sources = environment.get("sources") or []
    lines = [(file_line(s), [str(n) for n in s.get("notes") or []]) for s in sources if isinstance(s, dict)]
    problems = environment.get("load_problems") or {}
    if isinstance(problems, dict):
        lines += [(f"{name}: {why}", []) for name, why in problems.items()]
    notes = environment.get("notes") or []
    return lines + [(f"note: {note}", []) for note in notes if isinstance(notes, list)]


def not_graded_line(environment):
    """`not graded: train_alexnet, ... (training switched off by --no-train); not counted in the total`, or ''."""
    off = environment.get("not_graded") or {}
    if not isinstance(off, dict) or not off.get("tasks"):
        return ""
    return f"not graded: {', '.join(map(str, off['tasks']))} ({off.get('why', '')}); not counted in the total"
