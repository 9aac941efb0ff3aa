"""The Chinese release: committed assignments_zh/ is what `python -m grader release --lang zh` writes, byte for byte;
it holds the English release's code (same functions, same signatures, same cells) with Chinese docstrings, comments
and notebook text; its notebooks are valid and their check cell asks for Chinese; the kit grades it as it grades
assignments/. Every text comes from grader/locale/zh_CN/LC_MESSAGES/release.po, and a text the catalogue lacks stops
the release with the commands that fix it — a Chinese release is never silently part English. No training here."""
import ast
import gettext
import io
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from grader import release_text, spec
from grader.cli import main
from grader.grade import grade
from grader.i18n import current_language
from grader.release import build_release, planned_files, write_release
from grader.release_text import (ReleaseText, UntranslatedText, catalogue_paths, placeholders, translate_docstrings,
                                 translation_problems)
from grader.submission.inprocess import InProcessSubmission
from tests.i18n.english import english_sentences

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS, EN, ZH = ROOT / "solutions", ROOT / "assignments", ROOT / "assignments_zh"
PATHS = catalogue_paths("zh")
CJK = re.compile(r"[\u4e00-\u9fff]")
UPDATE = "python -m grader release --lang zh --update-catalogue"


def released(folder):
    """relative path -> bytes of every file a release folder holds (caches and checkpoints aside)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}


@pytest.fixture(scope="module")
def zh_build():
    return build_release(SOLUTIONS, "zh")  # (files, the ReleaseText that wrote them)


def without_docstrings(source):
    """The module's AST dump with every docstring removed: what runs, and nothing a translation touches."""
    tree = ast.parse(source)
    for node in [tree] + [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]:
        if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant) \
                and isinstance(node.body[0].value.value, str):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)


def docstrings(source):
    tree = ast.parse(source)
    return {getattr(node, "name", "<module>"): ast.get_docstring(node, clean=False)
            for node in [tree] + [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]}


def test_committed_assignments_zh_is_what_release_lang_zh_writes(tmp_path, zh_build):
    files, _text = zh_build
    out = tmp_path / "assignments_zh"
    assert sorted(write_release(SOLUTIONS, out, "zh")) == sorted(files)
    regenerated, committed = released(out), released(ZH)
    stale = sorted(name for name in regenerated.keys() | committed.keys()
                   if regenerated.get(name) != committed.get(name))
    assert stale == [], f"assignments_zh/ is out of date: {stale}; run `python -m grader release --lang zh` and commit"
    assert set(committed) == set(released(EN)), "assignments_zh/ must hold the files assignments/ holds"
    assert write_release(SOLUTIONS, out, "zh") == []  # a second run changes nothing
    assert main(["release", "--lang", "zh", "--check", "--solutions", str(SOLUTIONS), "--out", str(ZH)]) == 0


def test_zh_skeletons_are_the_english_code_with_chinese_docstrings():
    for english in sorted(EN.glob("*.py")):
        en_source = english.read_text(encoding="utf-8")
        zh_source = (ZH / english.name).read_text(encoding="utf-8")
        assert without_docstrings(zh_source) == without_docstrings(en_source), english.name  # identical code
        en_functions = {n.name: n for n in ast.parse(en_source).body if isinstance(n, ast.FunctionDef)}
        zh_functions = {n.name: n for n in ast.parse(zh_source).body if isinstance(n, ast.FunctionDef)}
        assert list(zh_functions) == list(en_functions)
        for name, node in en_functions.items():
            assert ast.dump(zh_functions[name].args) == ast.dump(node.args), f"{english.name}: {name}'s signature"
            assert ast.unparse(zh_functions[name].body[1:]) == "raise NotImplementedError"
        for name, text in docstrings(zh_source).items():
            assert text != docstrings(en_source)[name] and CJK.search(text), f"{english.name}: {name} in English"
        if english.name != "__init__.py":
            assert zh_source.count("# 在这里写你的代码\n") == len(en_functions)
            assert "`python -m grader release --lang zh`" in zh_source.splitlines()[0]


def test_a_docstring_keeps_its_shape_examples_and_formulas_line_for_line():
    """Lines indented deeper than a docstring (printouts, formulas) are copied, never translated or re-wrapped."""
    en_lines = (EN / "counting.py").read_text(encoding="utf-8").splitlines()
    zh_lines = (ZH / "counting.py").read_text(encoding="utf-8").splitlines()
    kept = [line for line in en_lines if line.startswith("        ")]
    assert len(kept) == 3 and all(line in zh_lines for line in kept)
    counting = (ZH / "counting.py").read_text(encoding="utf-8")
    assert '        [("Conv2d", (1, 96, 54, 54)), ("ReLU", (1, 96, 54, 54)), ("MaxPool2d", (1, 96, 26, 26)), ...]' \
        in counting
    assert "        Conv2d: 2 * N * C_out * H_out * W_out * (C_in / groups) * kH * kW" in counting
    assert "(N, 256, 5, 5)" in (ZH / "alexnet.py").read_text(encoding="utf-8")


def test_translating_docstrings_touches_nothing_else():
    source = ('"""Module."""\nX = "not a docstring"\n\n\ndef f(a, b=2):  # comment\n    """Summary line.\n\n'
              '    Prose, wrapped\n    over two lines:\n        f(1) == 3   # kept as it is\n    More prose.\n    """\n'
              '    return a + b\n')
    assert translate_docstrings(source, lambda msgid, *where: msgid, "f.py") == source
    upper = translate_docstrings(source, lambda msgid, *where: msgid.upper(), "f.py")
    for english in ("Module.", "Summary line.", "Prose, wrapped\n    over two lines:", "More prose."):
        source = source.replace(english, english.upper())
    assert upper == source  # the formula line, the code and its comment as they were


@pytest.mark.parametrize("assignment", spec.modules())
def test_zh_notebooks_are_valid_and_hold_the_english_cells(assignment):
    english = nbformat.read(EN / "notebooks" / f"{assignment}.ipynb", as_version=4)
    chinese = nbformat.read(ZH / "notebooks" / f"{assignment}.ipynb", as_version=4)
    nbformat.validate(chinese)
    assert chinese.metadata == english.metadata
    assert [(c.id, c.cell_type, c.metadata) for c in chinese.cells] == \
        [(c.id, c.cell_type, c.metadata) for c in english.cells]
    for en_cell, zh_cell in zip(english.cells, chinese.cells):
        if zh_cell.cell_type == "markdown":
            assert CJK.search(zh_cell.source), f"{zh_cell.id} is not translated"
            # the shapes in the introduction's table, and every `code` span, are the English ones
            assert re.findall(r"`\(.*?\)`", zh_cell.source) == re.findall(r"`\(.*?\)`", en_cell.source)
        elif zh_cell.metadata["d2l_grader"]["role"] == "check":
            assert zh_cell.source.endswith(f"check(globals(), {assignment!r}, lang='zh')")
            assert without_docstrings(zh_cell.source) == without_docstrings(
                en_cell.source.replace(f"check(globals(), {assignment!r})",
                                       f"check(globals(), {assignment!r}, lang='zh')"))
        else:
            assert without_docstrings(zh_cell.source) == without_docstrings(en_cell.source), zh_cell.id
    intro = chinese.cells[0].source
    assert re.search(r"d2l-zh v2 §[67]\.\d", intro) and "`raise NotImplementedError`" in intro


@pytest.mark.parametrize("where", ["", "notebooks"])
def test_the_kit_grades_assignments_zh_as_it_grades_assignments(where):
    reports = {}
    for folder in (EN / where, ZH / where):
        submission = InProcessSubmission(folder)
        try:
            report = grade(submission)
            reports[folder] = ([(t.name, t.score, t.max_score, t.status.value) for t in report.tasks],
                               [(s["file"], s["gave"]) for s in submission.sources()], submission.problems())
        finally:
            submission.close()
    english, chinese = reports.values()
    assert chinese == english
    assert {status for _name, _score, _max, status in chinese[0]} == {"not_implemented"}
    assert [name for name, *_rest in chinese[0]] == [task.name for task in spec.tasks()]


def test_the_zh_notebooks_check_cell_grades_and_prints_in_chinese(capsys, monkeypatch):
    """check(..., lang="zh") grades and renders the table with Chinese in force, then restores the language."""
    from grader.notebook_check import check
    from grader.report import table
    notebook = nbformat.read(ZH / "notebooks" / "counting.ipynb", as_version=4)
    namespace = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.metadata["d2l_grader"]["role"] in ("setup", "graded"):
            exec(compile(cell.source, cell.id, "exec"), namespace)
    monkeypatch.setattr(table, "render", lambda report: f"{current_language()}: " + " ".join(
        f"{t.name}={t.status.value}" for t in report.tasks))
    check(namespace, "counting", lang="zh")
    graded = " ".join(f"{task.name}=not_implemented" for task in spec.tasks() if task.module == "counting")
    assert capsys.readouterr().out == f"zh: {graded}\n" and current_language() == "en"
    check(namespace, "counting")
    assert capsys.readouterr().out == f"en: {graded}\n"


# ---------------------------------------------------------------- the catalogue

def read_catalogue(path):
    pofile = pytest.importorskip("babel.messages.pofile", reason="Babel (a dev dependency) reads the catalogue")
    with open(path, "rb") as handle:
        return [m for m in pofile.read_po(handle) if m.id]


def test_the_catalogue_holds_exactly_the_release_texts_all_translated_faithfully(zh_build):
    _files, text = zh_build
    entries = read_catalogue(PATHS["po"])
    assert [m.id for m in entries] == list(text.used), f"run `{UPDATE}`"
    assert [m.id for m in read_catalogue(PATHS["pot"])] == list(text.used), f"run `{UPDATE}`"
    for message in entries:
        assert message.string and not message.fuzzy, message.id
        assert translation_problems(message.id, message.string, message.id in text.formatted) == [], message.id
        if message.id in text.formatted:
            assert placeholders(message.string) == placeholders(message.id)
        assert english_sentences(message.string) == [], f"{message.id!r} -> {message.string!r}"


def test_the_compiled_release_catalogue_is_the_po_file():
    mofile = pytest.importorskip("babel.messages.mofile", reason="Babel (a dev dependency) compiles the catalogue")
    pofile = pytest.importorskip("babel.messages.pofile")
    with open(PATHS["po"], "rb") as handle:
        catalogue = pofile.read_po(handle)
    compiled = io.BytesIO()
    mofile.write_mo(compiled, catalogue)
    compiled.seek(0)
    with open(PATHS["mo"], "rb") as handle:
        committed = gettext.GNUTranslations(handle)
    assert committed._catalog == gettext.GNUTranslations(compiled)._catalog, \
        "release.mo is older than release.po: run `.venv/bin/pybabel compile -D release -d grader/locale -l zh_CN`"


def test_the_chinese_uses_the_book_s_terms():
    texts = "\n".join(m.string for m in read_catalogue(PATHS["po"]))
    for term in ("卷积层", "汇聚层", "全连接层", "暂退法", "通道", "填充", "步幅", "参数量", "浮点运算次数"):
        assert term in texts, term
    assert "池化" not in texts and "步长" not in texts and "跨度" not in texts


def test_a_translation_that_loses_a_shape_a_number_or_a_placeholder_is_named():
    msgid = "at 224 the last pool gives (N, 256, 5, 5), so `Flatten` gives 6400"
    assert translation_problems(msgid, "在 224 时最后一个汇聚层输出 (N, 256, 5, 5)，`Flatten` 得到 6400") == []
    problems = translation_problems(msgid, "最后一个汇聚层输出 (N, 256, 5)，展平后得到 6400")
    assert problems == ["code changed or missing: `Flatten`", "shapes changed or missing: (N, 256, 5, 5)",
                        "numbers missing: 224"]
    assert translation_problems("## Task: `{task}` ({points} points)", "## 题目：`{task}`", formatted=True) == [
        "placeholders ['task'] instead of ['points', 'task']"]
    message = str(UntranslatedText("zh", {}, {msgid: problems}))
    assert "(N, 256, 5, 5)" in message and UPDATE in message


# ---------------------------------------------------------------- never silently English; updating the catalogue

NEW_TEXT = "A sentence nobody has translated yet, about 1×1 convolutions."


@pytest.fixture
def changed_solutions(tmp_path):
    """solutions/ with one new sentence: the summary of nin_block's docstring."""
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    nin = solutions / "nin.py"
    old = "One conv (given kernel, stride, padding), then two 1×1 convs, each conv followed by a ReLU."
    nin.write_text(nin.read_text(encoding="utf-8").replace(old, NEW_TEXT), encoding="utf-8")
    return solutions


def test_a_text_without_translation_stops_the_release_naming_it_and_the_commands(changed_solutions, tmp_path,
                                                                                 capsys):
    out = tmp_path / "assignments_zh"
    with pytest.raises(UntranslatedText) as error:
        planned_files(changed_solutions, "zh")
    assert list(error.value.missing) == [NEW_TEXT]
    args = ["release", "--lang", "zh", "--solutions", str(changed_solutions), "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert NEW_TEXT in err and "docstring of nin_block() in nin.py, notebooks/nin.ipynb" in err
    assert UPDATE in err and ".venv/bin/pybabel compile -D release -d grader/locale -l zh_CN" in err
    assert "grader/locale/zh_CN/LC_MESSAGES/release.po" in err
    assert not out.exists()  # nothing half-written, nothing in English
    assert main(args + ["--check"]) == 2
    assert main(["release", "--solutions", str(changed_solutions), "--out", str(tmp_path / "en")]) == 0  # English


def test_update_catalogue_keeps_every_translation_and_adds_only_the_new_text(changed_solutions, tmp_path, capsys,
                                                                             monkeypatch):
    pofile = pytest.importorskip("babel.messages.pofile", reason="Babel (a dev dependency) updates the catalogue")
    locale = tmp_path / "locale"
    shutil.copytree(release_text.LOCALE_DIR / "zh_CN", locale / "zh_CN")
    monkeypatch.setattr(release_text, "LOCALE_DIR", locale)
    before = {m.id: m.string for m in read_catalogue(PATHS["po"])}

    assert main(["release", "--lang", "zh", "--update-catalogue", "--solutions", str(changed_solutions)]) == 0
    printed = capsys.readouterr().out
    assert "1 new text(s), 1 no longer used dropped" in printed and "1 text(s) to translate" in printed
    po = locale / "zh_CN" / "LC_MESSAGES" / "release.po"
    after = {m.id: m.string for m in read_catalogue(po)}
    assert after.pop(NEW_TEXT) == ""
    dropped = set(before) - set(after)
    assert len(dropped) == 1 and next(iter(dropped)).startswith("One conv")
    assert after == {msgid: string for msgid, string in before.items() if msgid not in dropped}  # all kept
    assert NEW_TEXT in [m.id for m in read_catalogue(locale / "release.pot")]
    with pytest.raises(UntranslatedText) as error:
        planned_files(changed_solutions, "zh")
    assert list(error.value.missing) == [NEW_TEXT]

    # the translator fills the one new entry and compiles; the release is then whole again
    with open(po, "rb") as handle:
        catalogue = pofile.read_po(handle)
    catalogue[NEW_TEXT].string = "一句还没人翻译过的话，讲的是 1×1 卷积层。"
    buffer = io.BytesIO()
    pofile.write_po(buffer, catalogue, width=120, include_lineno=False)
    po.write_bytes(buffer.getvalue())
    po.with_suffix(".mo").write_bytes(release_text.compiled(po))
    out = tmp_path / "assignments_zh"
    assert main(["release", "--lang", "zh", "--solutions", str(changed_solutions), "--out", str(out)]) == 0
    assert "一句还没人翻译过的话" in (out / "nin.py").read_text(encoding="utf-8")
    assert {name for name, data in released(out).items() if data != released(ZH)[name]} == {
        "nin.py", "notebooks/nin.ipynb"}


def test_update_catalogue_needs_a_language_with_a_catalogue(capsys):
    assert main(["release", "--update-catalogue"]) == 2
    assert "--lang zh" in capsys.readouterr().err
    assert ReleaseText("en")("anything", "x.py") == "anything"  # English is the source text
