"""The zh_CN catalogue is complete, compiled, and keeps every placeholder; the source of truth is the kit's code.

Every message id is extracted from grader/ by Babel with babel.cfg (the same extraction the README's update
command runs), so a message added to the code without a translation fails here, not in front of a student.
"""
import gettext
import io
import string
from pathlib import Path

import pytest

babel = pytest.importorskip("babel", reason="Babel (a dev dependency) extracts the message ids")
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.frontend import parse_mapping_cfg  # noqa: E402
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from grader import i18n  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PO = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
MO = PO.with_suffix(".mo")


def source_ids():
    """msgid (singular) -> the files using it, as Babel extracts them from the kit's code."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {}
    for filename, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        singular = message[0] if isinstance(message, tuple) else message
        found.setdefault(singular, set()).add(filename)
    return found


def catalogue():
    with open(PO, "rb") as handle:
        return read_po(handle, locale="zh_CN")


def translation_of(message):
    return message.string[0] if isinstance(message.string, (tuple, list)) else message.string


def placeholders(text):
    return sorted({field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field})


def test_the_kit_has_messages_to_translate():
    # a sanity floor: the feedback of every check goes through the catalogue (hundreds of messages)
    assert len(source_ids()) > 150


def test_every_message_in_the_code_has_a_chinese_translation():
    entries = {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in catalogue() if m.id}
    missing = {msgid: sorted(files) for msgid, files in source_ids().items()
               if msgid not in entries or not translation_of(entries[msgid]).strip()}
    assert not missing, (f"{len(missing)} message(s) without a zh_CN translation (run the update command in "
                         f"README's 'Translating the feedback', then translate): {missing}")


def test_the_catalogue_holds_no_message_the_code_no_longer_uses():
    used = set(source_ids())
    stale = [m.id for m in catalogue() if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in used]
    assert not stale, f"obsolete entries in {PO.name} (run the update command with --ignore-obsolete): {stale}"


def test_no_translation_is_fuzzy():
    assert not [m.id for m in catalogue() if m.id and m.fuzzy]


@pytest.mark.parametrize("message", [m for m in catalogue() if m.id], ids=lambda m: str(m.id)[:50])
def test_a_translation_keeps_every_placeholder_and_formats(message):
    source = message.id[0] if isinstance(message.id, tuple) else message.id
    text = translation_of(message)
    assert placeholders(text) == placeholders(source), f"{source!r} -> {text!r}"
    fields = {name.split(".")[0].split("[")[0]: 7 for name in placeholders(source)}
    text.format(**fields)  # a stray brace would fail here, in front of the student


def test_the_compiled_catalogue_is_the_po_file():
    """grader/locale/**/messages.mo is what gettext reads at run time: it must say exactly what the .po says."""
    compiled = io.BytesIO()
    write_mo(compiled, catalogue())
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)
    with open(MO, "rb") as handle:
        committed = gettext.GNUTranslations(handle)
    assert committed._catalog == fresh._catalog, ("messages.mo is older than messages.po: run `pybabel compile -D "
                                                  "messages -d grader/locale -l zh_CN`")


def test_the_book_s_terms_are_used():
    """d2l-zh v2 writes 汇聚层 for pooling, 暂退法 for dropout and 步幅 for stride."""
    texts = [translation_of(m) for m in catalogue() if m.id]
    assert not [t for t in texts if "池化" in t], "d2l-zh v2 writes 汇聚 (汇聚层), not 池化"
    assert not [t for t in texts if "跨度" in t or "步长" in t], "d2l-zh v2 writes 步幅 for stride"
    joined = "\n".join(texts)
    for term in ("卷积层", "汇聚层", "全连接层", "通道", "填充", "步幅", "参数量", "浮点运算"):
        assert term in joined, term
