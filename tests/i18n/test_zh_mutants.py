"""Graded with the Chinese catalogue, the whole mutant library gets Chinese feedback that names the same mistake.

Each mutant is graded once (module fixture) in Chinese; the English-prose detector (tests/i18n/english.py) must
find nothing, and for a handful of mutants the Chinese message must carry the book's key terms of the mistake
that the English message names (tests/mutants/ EXPECT).
"""
import re

import pytest

from grader import spec
from grader.grade import grade
from grader.i18n import using_language
from grader.report.table import render
from grader.results import Report
from grader.submission.inprocess import InProcessSubmission
from tests.i18n.english import english_sentences
from tests.mutants import MUTANTS, declared, splice

# mutant -> what the Chinese feedback must say (the d2l-zh v2 terms for the mistake its English EXPECT names)
KEY_TERMS = {
    "count_flops__macs": r"乘加.*浮点运算|浮点运算.*乘加",
    "count_flops__per_sample": r"批量",
    "count_flops__no_in_channels": r"输入通道",
    "count_flops__no_kernel_area": r"卷积核",
    "count_params__float_buffers": r"running_mean.*缓冲|缓冲.*running_mean",
    "count_params__no_bias": r"偏置",
    "conv_output_size__ceil": r"向上取整|向下取整",
    "conv_output_size__single_padding": r"两侧|两边",
    "conv_output_size__stride_ignored": r"步幅",
    "vgg_block__in_channels_not_updated": r"输入通道",
    "vgg__in_channels_not_threaded": r"输入通道",
    "vgg__flatten_typed_in": r"input_size",
    "alexnet__flatten_6400": r"6400|input_size",
    "nin_block__one_1x1": r"两个.*1×1|1×1.*两个",
    "nin__no_global_pool": r"全局平均汇聚层",
    "alexnet__no_dropout": r"暂退|Dropout",
    "vgg_block__pool_stride_one": r"步幅",
    "alexnet__missing_relu": r"ReLU.*缺|缺.*ReLU",
}


@pytest.fixture(scope="module")
def chinese_results(tmp_path_factory):
    """mutant stem -> its TaskResult, graded in Chinese."""
    results = {}
    with using_language("zh"):
        for path in MUTANTS:
            task, _expect = declared(path)
            folder = splice(path, tmp_path_factory.mktemp(path.stem) / "submission")
            results[path.stem] = grade(InProcessSubmission(folder), tasks=[spec.task(task)]).tasks[0]
    return results


def test_the_key_terms_cover_every_check_family():
    assert {stem.split("__")[0] for stem in KEY_TERMS} >= {"conv_output_size", "count_params", "count_flops",
                                                           "vgg_block", "vgg", "nin_block", "nin", "alexnet"}


@pytest.mark.parametrize("path", MUTANTS, ids=lambda p: p.stem)
def test_a_mutant_s_chinese_feedback_has_no_english_sentence(path, chinese_results):
    result = chinese_results[path.stem]
    assert result.score < result.max_score
    assert re.search(r"[\u4e00-\u9fff]", result.feedback), f"{path.stem}: no Chinese at all: {result.feedback}"
    assert english_sentences(result.feedback) == [], f"{path.stem}: {result.feedback}"


@pytest.mark.parametrize("stem", sorted(KEY_TERMS))
def test_the_chinese_message_names_the_same_mistake(stem, chinese_results):
    feedback = chinese_results[stem].feedback
    assert re.search(KEY_TERMS[stem], feedback, re.S), f"{stem}: /{KEY_TERMS[stem]}/ not in: {feedback}"


def test_the_chinese_points_table_has_no_english_sentence(chinese_results):
    with using_language("zh"):
        table = render(Report("submission", list(chinese_results.values())[:8]))
    assert "得分" in table or "分数" in table or "分" in table
    assert english_sentences(table) == [], table
