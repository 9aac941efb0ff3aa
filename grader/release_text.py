"""The release's text in the students' language: the "release" gettext domain (locale/*/LC_MESSAGES/release.po).

What a release translates: the skeletons' docstrings (module and function), the stub comment, the skeletons'
header, and the notebooks' markdown and comments. A docstring is translated paragraph by paragraph, and a
paragraph's lines indented deeper than the docstring (a shape example, a formula, a printout) are no part of any
message: they are copied as they are, so a translation never re-formats them. The code is never translated.

English is the source text (the message ids). A language with a catalogue (`--lang zh`) must translate every
text the release writes: `ReleaseText.finish()` raises `UntranslatedText`, naming each missing text and the command
that adds it to the catalogue, so a release is never silently part English. `update_catalogue` (the release's
`--update-catalogue`) writes release.pot (every text the release uses) and merges it into the language's release.po,
keeping the translations there, then compiles release.mo; a maintainer translates only the new, empty entries.
At release time only the standard library's gettext reads the compiled catalogue; Babel is needed to update it.
"""
import ast
import datetime
import gettext
import io
import re
import string
from pathlib import Path

from grader.i18n import LANGUAGES, LOCALE_DIR
from grader.markers import strip_solutions

DOMAIN = "release"
UPDATE_COMMAND = "python -m grader release --lang {language} --update-catalogue"
COMPILE_COMMAND = ".venv/bin/pybabel compile -D release -d grader/locale -l {folder}"
# fixed dates in the catalogue's header: updating the catalogue changes it only where its text changed
CATALOGUE_DATE = datetime.datetime(2026, 12, 2, tzinfo=datetime.timezone.utc)

# what a translation must keep as the English has it: `code`, shapes and tuples such as (N, 256, 5, 5), numbers
CODE_SPAN = re.compile(r"`([^`\n]+)`")
TUPLE = re.compile(r"\((?:N|\d+)(?:, ?[^(),\n]+)+\)")
NUMBER = re.compile(r"\d+")


class ReleaseTextError(ValueError):
    """Release text that cannot be written: a docstring in a form the release cannot rewrite, a broken translation."""


class UntranslatedText(ReleaseTextError):
    """Texts of the release that the language's catalogue does not translate (or translates badly); the message
    names each one, where it is used, and the commands that add and compile it."""

    def __init__(self, language, missing, broken=(), locale_dir=None):
        self.language, self.missing, self.broken = language, dict(missing), dict(broken)
        paths = catalogue_paths(language, locale_dir)
        lines = []
        if self.missing:
            lines.append(f"{len(self.missing)} text(s) of the release have no {language} translation in "
                         f"{shown(paths['po'])} (a release would be part English):")
            for msgid, wheres in self.missing.items():
                lines.append(f"  {_where_text(wheres)}:")
                lines.extend(f"    | {line}" for line in msgid.splitlines() or [""])
        if self.broken:
            lines.append(f"{len(self.broken)} translation(s) in {shown(paths['po'])} change what must stay as "
                         f"it is:")
            for msgid, problems in self.broken.items():
                lines.append(f"  {msgid.splitlines()[0][:70]!r}...: {'; '.join(problems)}")
        lines.append(f"run `{UPDATE_COMMAND.format(language=language)}`, translate the empty entries of "
                     f"{shown(paths['po'])}, compile them with `{COMPILE_COMMAND.format(folder=paths['folder'])}`, "
                     f"then release again")
        super().__init__("\n".join(lines))


def shown(path):
    """A catalogue path as the maintainer sees it from the repository root (absolute when elsewhere)."""
    path = Path(path)
    try:
        return str(path.relative_to(LOCALE_DIR.parent.parent))
    except ValueError:
        return str(path)


def _where_text(wheres):
    """"docstring of vgg() in vgg.py, notebooks/vgg.ipynb": each comment once, with the files that use it."""
    files = {}
    for location, comment in wheres:
        files.setdefault(comment, []).append(location)
    return "; ".join(f"{comment} in {', '.join(locations)}" if comment else ", ".join(locations)
                     for comment, locations in files.items())


def catalogue_paths(language, locale_dir=None):
    """{"folder": "zh_CN", "po": .../zh_CN/LC_MESSAGES/release.po, "mo": ..., "pot": .../release.pot}."""
    folder = LANGUAGES.get(language)
    if folder is None:
        raise ReleaseTextError(f"language {language!r} has no release catalogue (its text is the source)")
    base = Path(locale_dir or LOCALE_DIR)
    po = base / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
    return {"folder": folder, "po": po, "mo": po.with_suffix(".mo"), "pot": base / f"{DOMAIN}.pot"}


def placeholders(text):
    """The `{fields}` of a message that is formatted after translation."""
    return sorted({field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field})


def kept(text):
    """What a translation of `text` must keep: code spans' contents, tuples/shapes, numbers (as sets)."""
    return {"code": set(CODE_SPAN.findall(text)), "tuples": set(TUPLE.findall(text)),
            "numbers": set(NUMBER.findall(CODE_SPAN.sub(" ", text)))}


def translation_problems(msgid, msgstr, formatted=False):
    """What `msgstr` loses of `msgid` (empty: a faithful translation as far as a program can tell)."""
    problems = []
    source, translation = kept(msgid), kept(msgstr)
    lost_code = sorted(code for code in source["code"] if code not in msgstr)
    if lost_code:
        problems.append("code changed or missing: " + ", ".join(f"`{code}`" for code in lost_code))
    lost_tuples = sorted(t for t in source["tuples"] if t not in msgstr)
    if lost_tuples:
        problems.append("shapes changed or missing: " + ", ".join(lost_tuples))
    lost_numbers = sorted(source["numbers"] - translation["numbers"] - {n for c in translation["code"]
                                                                         for n in NUMBER.findall(c)}, key=int)
    if lost_numbers:
        problems.append("numbers missing: " + ", ".join(lost_numbers))
    if formatted:
        if placeholders(msgstr) != placeholders(msgid):
            problems.append(f"placeholders {placeholders(msgstr)} instead of {placeholders(msgid)}")
        else:
            try:
                msgstr.format(**{name: "" for name in placeholders(msgid)})
            except (ValueError, IndexError, KeyError) as error:
                problems.append(f"does not format ({error})")
    return problems


class _Unanswered(gettext.NullTranslations):
    """The catalogue's fallback: notes each text the catalogue does not hold."""

    def __init__(self):
        super().__init__()
        self.asked = set()

    def gettext(self, message):
        self.asked.add(message)
        return message


class ReleaseText:
    """The text of one release, in `language`: `text(msgid, where)` translates (English: as is) and notes where each
    text is used (for the catalogue); `finish()` raises UntranslatedText when some text had no translation."""

    def __init__(self, language="en", locale_dir=None):
        self.language, self.locale_dir = language, locale_dir
        self.used = {}       # msgid -> [(location, comment)], in the order the release first uses them
        self.missing = {}    # msgid -> [(location, comment)]
        self.broken = {}     # msgid -> [problem]
        self.formatted = set()
        self._catalogue = self._unanswered = None
        if language != "en":
            self.paths = catalogue_paths(language, locale_dir)
            self._unanswered = _Unanswered()
            if self.paths["mo"].exists():
                with open(self.paths["mo"], "rb") as handle:
                    self._catalogue = gettext.GNUTranslations(handle)
                self._catalogue.add_fallback(self._unanswered)
            else:
                self._catalogue = self._unanswered

    def __call__(self, msgid, location, comment=None, formatted=False):
        wheres = self.used.setdefault(msgid, [])
        if (location, comment) not in wheres:
            wheres.append((location, comment))
        if formatted:
            self.formatted.add(msgid)
        if self._catalogue is None:
            return msgid
        found = self._catalogue.gettext(msgid)
        if msgid in self._unanswered.asked:
            self.missing[msgid] = wheres
            return msgid
        problems = translation_problems(msgid, found, formatted)
        if problems:
            self.broken[msgid] = problems
        return found

    def format(self, msgid, location, comment=None, **values):
        """A message with `{placeholders}`: translated first, then filled."""
        return self(msgid, location, comment, formatted=True).format(**values)

    def finish(self):
        """Raise UntranslatedText if any text of this release had no (faithful) translation."""
        if self.missing or self.broken:
            raise UntranslatedText(self.language, self.missing, self.broken, self.locale_dir)


# ---------------------------------------------------------------- docstrings

def translate_docstring(raw, indent, text, location, comment):
    """A docstring's raw value with each paragraph's prose translated; deeper-indented lines copied as they are."""
    lines = raw.split("\n")
    out, run = [], []

    def flush():
        if not run:
            return
        first = run[0][0]
        translated = text("\n".join(line for _number, line in run), location, comment).split("\n")
        for offset, line in enumerate(translated):
            out.append(line if first + offset == 0 else (indent + line if line else ""))
        run.clear()

    for number, line in enumerate(lines):
        body = line if number == 0 else (line[len(indent):] if line.startswith(indent) else line.lstrip())
        if number > 0 and line.strip() and not line.startswith(indent):
            raise ReleaseTextError(f"{location}: the docstring of {comment} has a line indented less than the "
                                   f"docstring: {line!r}")
        if not body.strip() or body[:1].isspace():  # a blank line, or a shape example/formula/printout: kept
            flush()
            out.append(line)
        else:
            run.append((number, body))
    flush()
    return "\n".join(out)


def _char_column(line, byte_column):
    return len(line.encode("utf-8")[:byte_column].decode("utf-8"))


def translate_docstrings(source, text, location, module_docstring=True):
    """`source` with its module (unless not `module_docstring`), class and function docstrings translated; every
    other character as it was."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []
    for node in [tree] + [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                         ast.ClassDef))]:
        first = node.body[0] if node.body else None
        if node is tree and not module_docstring:
            continue
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            continue
        comment = "module docstring" if node is tree else f"docstring of {node.name}" + \
            ("()" if not isinstance(node, ast.ClassDef) else "")
        start = (first.lineno - 1, _char_column(lines[first.lineno - 1], first.col_offset))
        end = (first.end_lineno - 1, _char_column(lines[first.end_lineno - 1], first.end_col_offset))
        original = "".join(lines[start[0]:end[0] + 1])[start[1]:]
        original = original[:len(original) - (len(lines[end[0]]) - end[1])]
        raw = first.value.value
        if original != f'"""{raw}"""':
            raise ReleaseTextError(f"{location}: the {comment} must be a plain triple-quoted string without escapes "
                                   f"for the release to translate it")
        indent = " " * start[1] if node is not tree else ""
        translated = translate_docstring(raw, indent, text, location, comment)
        if '"""' in translated or "\\" in translated or translated.endswith('"'):
            raise ReleaseTextError(f"{location}: the translation of the {comment} cannot be written as a plain "
                                   f"triple-quoted string (a backslash, or a double quote where it ends)")
        edits.append((start, end, f'"""{translated}"""'))
    for (start_line, start_col), (end_line, end_col), literal in sorted(edits, reverse=True):
        head, tail = lines[start_line][:start_col], lines[end_line][end_col:]
        lines[start_line:end_line + 1] = [head + literal + tail]
    return "".join(lines)


# ---------------------------------------------------------------- the catalogue (Babel: maintainers only)

def _new_catalogue(locale=None):
    from babel.messages.catalog import Catalog
    return Catalog(locale=locale, domain=DOMAIN, project="d2l-cnn-grader", version="0.1.0",
                   copyright_holder="d2l-cnn-grader contributors", creation_date=CATALOGUE_DATE,
                   revision_date=CATALOGUE_DATE, last_translator="d2l-cnn-grader contributors",
                   language_team=locale, msgid_bugs_address="https://github.com/d2l-cnn-grader/issues", fuzzy=False)


def _write(catalogue, path):
    from babel.messages.pofile import write_po
    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=120, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(buffer.getvalue())
    temporary.replace(path)


def compiled(po_path):
    """The .mo bytes of the .po at `po_path` (what `pybabel compile` writes: fuzzy and empty entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    with open(po_path, "rb") as handle:
        catalogue = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def update_catalogue(text, locale_dir=None):
    """Write release.pot from the texts `text` (a finished build's ReleaseText) used, merge it into the language's
    release.po (translations kept, new texts empty, texts no longer used dropped) and compile release.mo.
    Returns {"new": [msgid], "untranslated": [msgid], "dropped": [msgid], "po": path, "pot": path}."""
    try:
        from babel.messages.pofile import read_po
    except ImportError:  # pragma: no cover - the dev extra installs it
        raise ReleaseTextError("updating the catalogue needs Babel: .venv/bin/pip install -e '.[dev]'") from None
    paths = catalogue_paths(text.language, locale_dir)
    template, catalogue = _new_catalogue(), _new_catalogue(paths["folder"])
    old = {}
    if paths["po"].exists():
        with open(paths["po"], "rb") as handle:
            old = {message.id: message for message in read_po(handle) if message.id}
    new, untranslated = [], []
    for msgid, wheres in text.used.items():
        locations = [(location, None) for location, _comment in wheres]
        comments = list(dict.fromkeys(comment for _location, comment in wheres if comment))
        if msgid in text.formatted:
            comments.append("formatted: keep the {placeholders}")
        template.add(msgid, "", locations=locations, auto_comments=comments)
        previous = old.get(msgid)
        translation = previous.string if previous is not None else ""
        flags = [flag for flag in (previous.flags if previous is not None else ()) if not flag.startswith("python")]
        catalogue.add(msgid, translation, locations=locations, auto_comments=comments, flags=flags,
                      user_comments=previous.user_comments if previous is not None else ())
        if previous is None:
            new.append(msgid)
        if not translation or "fuzzy" in flags:
            untranslated.append(msgid)
    _write(template, paths["pot"])
    _write(catalogue, paths["po"])
    paths["mo"].write_bytes(compiled(paths["po"]))
    return {"new": new, "untranslated": untranslated, "dropped": [msgid for msgid in old if msgid not in text.used],
            "po": paths["po"], "pot": paths["pot"], "compile": COMPILE_COMMAND.format(folder=paths["folder"])}


# ---------------------------------------------------------------- skeletons

STUB_COMMENT = "your code here"


def stub_source(path, text, location, module_docstring=True):
    """`path`'s solution file as students receive it: solution regions -> stubs, docstrings in `text`'s language
    (the module's docstring left as it is when not `module_docstring`: a notebook shows none)."""
    path = Path(path)
    comment = text(STUB_COMMENT, location, "the comment above each `raise NotImplementedError`")
    return translate_docstrings(strip_solutions(path.read_text(encoding="utf-8"), str(path), comment), text, location,
                                module_docstring)
