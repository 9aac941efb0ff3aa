"""Release: regenerate what students receive in assignments/ from solutions/ (solution markers -> stubs).

The .py skeletons are written here (grader.markers turns solution regions into stubs); the notebooks
(assignments/notebooks/*.ipynb) by grader.notebooks. `--lang zh` writes the same release into assignments_zh/
with its docstrings, comments and notebook text in Chinese, from the "release" catalogue (grader.release_text):
the code is the same, and a text the catalogue does not translate stops the release (nothing is written).
`--update-catalogue` adds the release's new texts to that catalogue for a translator.
"""
import sys
from pathlib import Path

from grader.markers import MarkerError
from grader.notebooks import planned_notebooks
from grader.release_text import ReleaseText, ReleaseTextError, shown, stub_source, update_catalogue

HEADER = ('Generated from solutions/{name} by `{command}` — do not edit by hand.\n'
          'Students: replace each `raise NotImplementedError` with your code, then run `pytest`.')  # "# " each line
INIT_DOCSTRING = "Your work for d2l-zh v2 §7.1–7.3: fill in the functions, then run `pytest`."
OUT = {"en": "assignments", "zh": "assignments_zh"}  # --out's default per --lang


def release_command(language="en"):
    return "python -m grader release" + ("" if language == "en" else f" --lang {language}")


def skeleton(path, text=None):
    path, text = Path(path), text or ReleaseText()
    header = text.format(HEADER, path.name, "the skeleton's header (each line becomes a comment)", name=path.name,
                         command=release_command(text.language))
    return "".join(f"# {line}\n" for line in header.split("\n")) + stub_source(path, text, path.name)


def build_release(solutions="solutions", language="en", locale_dir=None):
    """(relative path -> text for every file students receive, the ReleaseText that wrote them)."""
    text = ReleaseText(language, locale_dir)
    files = {}
    for path in sorted(Path(solutions).glob("*.py")):
        files[path.name] = skeleton(path, text) if path.name != "__init__.py" else \
            '"""' + text(INIT_DOCSTRING, path.name, "module docstring") + '"""\n'
    files.update(planned_notebooks(solutions, text))
    return files, text


def planned_files(solutions="solutions", language="en", locale_dir=None):
    """Release output: relative path -> text, for every file students receive (in `language`; a text without a
    translation raises grader.release_text.UntranslatedText)."""
    files, text = build_release(solutions, language, locale_dir)
    text.finish()
    return files


def stale_files(solutions="solutions", out="assignments", files=None, language="en"):
    """Relative paths whose committed content differs from what release would write."""
    out = Path(out)
    return [name for name, text in (files or planned_files(solutions, language)).items()
            if not (out / name).exists() or (out / name).read_text(encoding="utf-8") != text]


def write_release(solutions="solutions", out="assignments", language="en"):
    """Write the files that changed; returns their relative paths (empty when already up to date)."""
    files = planned_files(solutions, language)
    changed = stale_files(solutions, out, files)
    for name in changed:
        target = Path(out) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[name], encoding="utf-8")
    return changed


def update(solutions="solutions", language="zh", locale_dir=None):
    """`--update-catalogue`: the release's texts into the language's release.pot/.po (translations kept)."""
    _files, text = build_release(solutions, language, locale_dir)
    return update_catalogue(text, locale_dir)


def run(args):
    language = getattr(args, "lang", None) or "en"
    out = getattr(args, "out", None) or OUT[language]
    try:
        if getattr(args, "update_catalogue", False):
            if language == "en":
                print("release: --update-catalogue needs a language with a catalogue (--lang zh); English is the "
                      "source text", file=sys.stderr)
                return 2
            result = update(args.solutions, language)
            print(f"wrote {shown(result['pot'])} and {shown(result['po'])} (+ .mo): {len(result['new'])} new text(s), "
                  f"{len(result['dropped'])} no longer used dropped")
            if result["untranslated"]:
                print(f"{len(result['untranslated'])} text(s) to translate: fill their empty msgstr in "
                      f"{shown(result['po'])}, then run `{result['compile']}` and `{release_command(language)}`")
            else:
                print(f"every text is translated: run `{release_command(language)}`")
            return 0
        if args.check:
            stale = stale_files(args.solutions, out, language=language)
            for name in stale:
                print(f"out of date: {Path(out) / name}")
            print("up to date" if not stale else f"run `{release_command(language)}` to regenerate")
            return 1 if stale else 0
        changed = write_release(args.solutions, out, language)
    except (MarkerError, ReleaseTextError) as error:
        print(f"release: {error}", file=sys.stderr)
        return 2
    for name in changed:
        print(f"wrote {Path(out) / name}")
    print(f"{len(changed)} file(s) changed" if changed else "already up to date")
    return 0
