"""--lang reaches everything students read: pytest's table, the grade command, autograde's job keys, the bundles
and the sandboxed worker's notes; English stays the default and keeps its earlier job keys."""
import json
import re
import shutil
from pathlib import Path

import pytest
import torch  # noqa: F401 — imported out here once (see tests/test_pytest_plugin.py)

from grader.cli import build_parser
from tests.i18n.english import english_sentences
from tests.test_pytest_plugin import student  # noqa: F401 — the pytester fixture with the student's test file

ROOT = Path(__file__).resolve().parents[2]
pytest_plugins = ["pytester"]


@pytest.mark.parametrize("argv", [["grade", "x"], ["train", "vgg"], ["autograde", "x", "--out", "y"],
                                  ["bundle", "gradescope", "a.zip"], ["bundle", "classroom", "out"]])
def test_every_command_students_meet_takes_lang(argv):
    assert build_parser().parse_args(argv + ["--lang", "zh"]).lang == "zh"
    assert build_parser().parse_args(argv + ["--lang", "zh_CN"]).lang == "zh"
    assert build_parser().parse_args(argv).lang is None  # then $D2L_GRADER_LANG, the locale, English


def test_an_unknown_language_is_refused_with_the_choices(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["grade", "x", "--lang", "fr"])
    assert "use one of en, zh" in capsys.readouterr().err


def test_the_language_is_part_of_a_class_s_job_key_but_english_keys_are_unchanged():
    from grader.autograde.backend import SANDBOX as backend
    from grader.autograde.runner import grading_config, job_key
    english, chinese = grading_config(False, None, backend), grading_config(False, None, backend, language="zh")
    assert "lang" not in english and chinese["lang"] == "zh"
    assert job_key("h", english) != job_key("h", chinese)


def test_autograde_options_take_the_language():
    from grader.autograde import options_from_args
    args = build_parser().parse_args(["autograde", "subs", "--out", "o", "--lang", "zh"])
    assert options_from_args(args).lang == "zh"


def test_the_gradescope_bundle_grades_in_the_language_it_was_built_for():
    from grader.bundle.gradescope import bundle_files
    files = bundle_files(train=False, language="zh")
    assert "--lang zh" in files["run_autograder"][0].decode()
    assert json.loads(files["bundle.json"][0])["lang"] == "zh"
    assert "--lang en" in bundle_files(train=False)["run_autograder"][0].decode()  # never the container's locale


def test_the_classroom_workflow_passes_the_language_to_every_step():
    from grader.bundle.classroom import workflow
    steps = [s["run"] for s in workflow(train=False, language="zh")["jobs"]["run-autograding-tests"]["steps"]
             if "classroom_step" in s.get("run", "")]
    assert steps and all(run.endswith("--lang zh") for run in steps)


def test_pytest_lang_zh_prints_a_chinese_table_and_gives_the_language_back(student):
    from grader.i18n import current_language
    shutil.copytree(ROOT / "assignments", student.path / "assignments")
    result = student.runpytest("test_assignments.py", "--lang", "zh", "--no-train", "-k", "conv_output_size or vgg")
    text = result.stdout.str()
    assert "尚未实现" in text and "not implemented yet" not in text
    start = text.index("的得分")  # "==== {folder} 的得分 ====": the points table, up to pytest's own summary
    table = text[start:text.index("short test summary info", start)]
    assert english_sentences(table) == [], table
    assert current_language() == "en"  # the outer run's language is back


def test_d2l_grader_lang_chooses_when_pytest_has_no_lang(student, monkeypatch):
    shutil.copytree(ROOT / "assignments", student.path / "assignments")
    monkeypatch.setenv("D2L_GRADER_LANG", "zh")
    result = student.runpytest("test_assignments.py", "--no-train", "-k", "count_params")
    assert "尚未实现" in result.stdout.str()


def test_the_sandboxed_worker_writes_its_loading_notes_in_the_language(tmp_path):
    """The notes on how a submission was read are made inside the worker: it learns the language at setup."""
    from grader.grade import grade_path
    from grader.i18n import using_language
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "homework.py").write_text("import torch\nfrom torch import nn\n\n\ndef vggblock(n, c_in, c_out):\n"
                                        "    return nn.Sequential()\n", encoding="utf-8")
    with using_language("zh"):
        report = grade_path(str(folder), train=False, sandbox=True)
    sources = json.dumps(report.environment.get("sources"), ensure_ascii=False)
    assert re.search(r"[\u4e00-\u9fff]", sources), sources
    assert english_sentences(sources.replace("\\n", " ")) == [], sources



def test_the_classroom_template_in_chinese_ships_the_chinese_skeletons():
    from grader.bundle.classroom import template_files
    chinese, english = template_files(train=False, language="zh"), template_files(train=False)
    assert re.search(r"[\u4e00-\u9fff]", chinese["assignments/vgg.py"])
    assert not re.search(r"[\u4e00-\u9fff]", english["assignments/vgg.py"])
