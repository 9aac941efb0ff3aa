"""The students' language: one gettext catalogue (grader/locale/), the language in force, and how it is chosen.

Messages are English source strings wrapped in `_()` where they are shown (or marked with `N_()` where they are
stored, then translated with `_()` at use); numbers, shapes and layer descriptions are `{placeholders}` filled
after translation, so a translation never re-formats a number. The language is a context variable: a grading in
one language never leaks into another (`using_language`). Choice: `--lang` > `D2L_GRADER_LANG` > the locale
(`LC_ALL`, `LC_MESSAGES`, `LANG`, `LANGUAGE`) > English. Catalogues are compiled with Babel (see README); at run
time only the standard library's gettext reads them.
"""
import contextlib
import contextvars
import gettext
import os
from pathlib import Path

DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"en": None, "zh": "zh_CN"}  # --lang value -> catalogue folder (English is the source text)
ENV_VAR = "D2L_GRADER_LANG"
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")

_language = contextvars.ContextVar("d2l_grader_language", default="en")
_catalogues = {}


class UnknownLanguage(ValueError):
    """A language the kit has no catalogue for; the message lists the ones it has."""


def normalise_language(value):
    """'zh', 'zh_CN', 'zh-CN.UTF-8', 'Chinese' -> 'zh'; 'en', 'C', 'POSIX', 'en_US.UTF-8' -> 'en'; else None."""
    text = str(value or "").strip().lower().replace("-", "_")
    if not text:
        return None
    base = text.split(".")[0].split("@")[0]
    if base in ("c", "posix") or base.startswith("en"):
        return "en"
    if base.startswith("zh") or base.startswith("chinese"):
        return "zh"
    return None


def check_language(value):
    """The --lang value as a key of LANGUAGES, or UnknownLanguage saying which values exist."""
    language = normalise_language(value)
    if language is None:
        raise UnknownLanguage(f"unknown language {value!r}: use one of {', '.join(LANGUAGES)} "
                              f"(also accepted: zh_CN, en_US and the like)")
    return language


def resolve_language(explicit=None, environ=None):
    """The language to use: an explicit choice, else D2L_GRADER_LANG, else the locale, else English.

    An explicit or D2L_GRADER_LANG value that names no catalogue is an error (a typo should not silently give
    English); a locale the kit has no catalogue for gives English, as any program does."""
    environ = os.environ if environ is None else environ
    if explicit:
        return check_language(explicit)
    if environ.get(ENV_VAR):
        return check_language(environ[ENV_VAR])
    for name in LOCALE_VARS:
        value = environ.get(name)
        if value:  # the first set variable decides, as in POSIX; LANGUAGE may list several ("zh_CN:en")
            return normalise_language(value.split(":")[0]) or "en"
    return "en"


def set_language(language):
    """Make `language` current for this context (a process's main thread: the whole grading); returns it."""
    language = check_language(language)
    _language.set(language)
    return language


def current_language():
    return _language.get()


@contextlib.contextmanager
def using_language(language):
    """Within the block, messages are in `language`; the previous language is restored after."""
    token = _language.set(check_language(language))
    try:
        yield
    finally:
        _language.reset(token)


def _catalogue(language):
    """The language's translations, read once per process (every message of a grading goes through here)."""
    if language not in _catalogues:
        folder = LANGUAGES.get(language)
        _catalogues[language] = (gettext.NullTranslations() if folder is None else
                                 gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[folder],
                                                     fallback=True))
    return _catalogues[language]


def _(message):
    """`message` in the current language (the English source when the catalogue lacks it)."""
    return _catalogue(_language.get()).gettext(message)


def ngettext(singular, plural, count):
    return _catalogue(_language.get()).ngettext(singular, plural, count)


def N_(message):
    """Mark a message stored for later (`_()` translates it where it is shown)."""
    return message


def joined(items):
    """Items as one list in the current language: 'a, b and c' / 'a、b 和 c'."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    if _language.get() == "zh":  # a space beside 和 only where it meets Latin text: "a 和 b", "（第 1 行）和 b"
        head = "、".join(items[:-1])
        before, after = ("" if _wide(head[-1:]) else " "), ("" if _wide(items[-1][:1]) else " ")
        return f"{head}{before}和{after}{items[-1]}"
    return ", ".join(items[:-1]) + " and " + items[-1]


def _wide(character):
    import unicodedata
    return bool(character) and unicodedata.east_asian_width(character) in ("W", "F")
