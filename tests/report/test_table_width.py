"""The points table in terminal columns: a CJK character takes two, so Chinese feedback wraps and the columns line
up by display width (grader.textwidth), while the English table stays exactly what textwrap and len() made."""
import textwrap

import pytest

from grader.i18n import using_language
from grader.report.labels import status_label, status_tag
from grader.report.table import render
from grader.results import Report, Status, TaskResult
from grader.textwidth import display_width, pad, wrap
from tests.i18n.english import english_sentences


# ---------------------------------------------------------------- display_width, pad

@pytest.mark.parametrize("text, columns", [
    ("", 0),
    ("conv", 4),
    ("卷积层", 6),                 # three wide characters
    ("卷积层，", 8),               # full-width comma: two columns
    ("VGG 块", 6),                 # 3 + space + 2
    ("ＡＢ", 4),                   # fullwidth Latin letters
    ("e\u0301", 1),                # e + combining acute accent
    ("↳ 3/5", 5),                  # the arrow is narrow
    ("`features[3]`", 13),
])
def test_display_width_counts_terminal_columns(text, columns):
    assert display_width(text) == columns


def test_pad_fills_to_display_width():
    assert pad("卷积层", 8) == "卷积层  "
    assert pad("卷积层", 8, ">") == "  卷积层"
    assert pad("卷", 5, "^") == " 卷  "
    assert pad("3/5", 6, ">") == "   3/5"
    assert pad("卷积层", 4) == "卷积层"  # wider already: unchanged, never cut
    with pytest.raises(ValueError):
        pad("x", 3, "?")


# ---------------------------------------------------------------- wrap

ENGLISH = [
    "expected 96 output channels after features[0] but got 64; the second convolutional layer takes the first "
    "one's output channels as its input channels",
    "Look, goof-ball -- use the -b option! a well-known x-y-z trick\tand\nnewlines",
    "averyveryverylongwordthatdoesnotfitanywhereatallnotevenonalineofitsown then short words",
]


@pytest.mark.parametrize("text", ENGLISH)
@pytest.mark.parametrize("width, initial, subsequent", [(100, "", ""), (40, "      ↳ ", "        "), (17, "↳ ", "  ")])
def test_english_wraps_exactly_as_textwrap_does(text, width, initial, subsequent):
    assert wrap(text, width, initial, subsequent) == textwrap.wrap(text, width=width, initial_indent=initial,
                                                                   subsequent_indent=subsequent)


def test_chinese_breaks_between_characters_by_display_width():
    # 10 columns hold five CJK characters; "对，" stays together
    assert wrap("卷积层的输出通道数不对，应该是96。", 10) == ["卷积层的输", "出通道数不", "对，应该是", "96。"]
    assert wrap("卷积层的输出", 7) == ["卷积层", "的输出"]  # 8 columns do not fit in 7


def test_closing_punctuation_never_starts_a_line_and_openers_never_end_one():
    # "卷积层的输" fills 10 columns, but "，" may not start the next line: "输" goes down with it
    assert wrap("卷积层的输，出", 10) == ["卷积层的", "输，出"]
    assert wrap("（激活函数）", 6) == ["（激活", "函数）"]
    assert wrap("在第 3 层之后加上 `nn.ReLU()`（激活函数）。", 20) == ["在第 3 层之后加上", "`nn.ReLU()`（激活函", "数）。"]


def test_a_backticked_span_that_fits_is_not_broken():
    text = "Replace `nn.Linear(6400, 4096)` with a layer sized from the input"
    assert wrap(text, 30) == ["Replace", "`nn.Linear(6400, 4096)` with a", "layer sized from the input"]
    assert wrap("把 `nn.Conv2d(96, 256, kernel_size=5)` 换成两个 3×3 卷积层", 40) == [
        "把 `nn.Conv2d(96, 256, kernel_size=5)`", "换成两个 3×3 卷积层"]
    # wider than any line: broken at its spaces after all
    assert wrap("`nn.Conv2d(96, 256, kernel_size=5)`", 20) == ["`nn.Conv2d(96, 256,", "kernel_size=5)`"]


def test_wrap_keeps_every_character_and_the_width():
    text = "第 2 个 VGG 块的 `features[3]` 后面缺少 ReLU：请在每个卷积层之后都加上激活函数，否则网络就只是线性的。"
    for width in range(6, 50):
        lines = wrap(text, width, "↳ ", "  ")
        assert all(display_width(line) <= width for line in lines), (width, lines)
        assert "".join(line[2:] for line in lines).replace(" ", "") == text.replace(" ", "")
    assert wrap("", 10) == [] and wrap("   ", 10) == []


# ---------------------------------------------------------------- the points table

FEEDBACK_ZH = ("第 2 个卷积层的输入通道数不对：它应该等于上一个卷积层的输出通道数 96，你的网络里是 64。"
               "请把 `in_channels` 在每个 VGG 块之间传下去，而不是每次都写成 1。")


def chinese_report(names=("conv_output_size", "vgg_block", "nin", "count_params")):
    first, second, third, fourth = names
    return Report("submission", [
        TaskResult(first, 1.5, 2, Status.FAILED, "步幅被忽略了：输出大小应该是 ⌊(n + 2p − k) / s⌋ + 1。"),
        TaskResult(second, 0, 10, Status.ERROR, FEEDBACK_ZH),
        TaskResult(third, 0, 4, Status.NOT_IMPLEMENTED, "还没有写"),
        TaskResult(fourth, 10, 10, Status.PASSED),
    ])


def right_edge_of_points(table, report):
    """For the header and each task row: the display column where its points cell ends."""
    lines = table.splitlines()
    rows = [lines[0]] + [next(line for line in lines if line.startswith(task.name + " ")) for task in report.tasks]
    cells = [None] + [f"{task.score:g}/{task.max_score:g}" for task in report.tasks]
    edges = []
    for line, cell in zip(rows, cells):
        if cell is None:  # the header: its second cell, after the task column and two spaces
            head = line.split()
            start = line.index(head[1], len(head[0]))
            edges.append(display_width(line[:start + len(head[1])]))
        else:
            start = line.index(cell, len(line.split()[0]))
            edges.append(display_width(line[:start + len(cell)]))
    return edges


@pytest.mark.parametrize("width", [100, 60, 40])
def test_a_chinese_table_wraps_within_the_width_and_lines_up(width):
    report = chinese_report()
    with using_language("zh"):
        table = render(report, width=width)
        labels = {status_label(task.status) for task in report.tasks}
    assert labels == {"未通过", "出错", "尚未实现", "通过"}
    assert all(label in table for label in labels), table
    assert "not implemented yet" not in table and english_sentences(table) == [], table
    assert all(display_width(line) <= width for line in table.splitlines()), table
    assert len(set(right_edge_of_points(table, report))) == 1, table
    assert "第 2 个卷积层" in table and "`in_channels`" in table  # the feedback is there, the span whole


def test_chinese_task_names_line_up_by_display_width():
    report = chinese_report(names=("卷积输出大小", "vgg_block", "网络", "参数量"))
    with using_language("zh"):
        table = render(report, width=50)
    assert len(set(right_edge_of_points(table, report))) == 1, table
    assert all(display_width(line) <= 50 for line in table.splitlines()), table


def test_the_english_table_is_unchanged():
    """Byte for byte what the len()/textwrap table printed before the table learnt display widths."""
    report = Report("submission", [
        TaskResult("conv_output_size", 1.5, 2, Status.FAILED, "expected 3 for n=7, k=3, s=2, p=0 but got 2; "
                   "the stride is ignored: divide (n + 2p - k) by s before adding 1"),
        TaskResult("nin", 0, 4, Status.NOT_IMPLEMENTED, "not implemented yet"),
        TaskResult("count_params", 10, 10, Status.PASSED),
    ], environment={"not_graded": {"tasks": ["train_vgg"], "why": "training switched off by --no-train"},
                    "sources": [{"file": "vgg.py", "gave": ["vgg_block", "vgg"], "why": "", "notes": ["a note"]},
                                {"file": "x.py", "gave": [], "why": "", "notes": []},
                                {"file": "y.py", "gave": ["nin"], "why": "a class method"}],
                    "load_problems": {"alexnet": "broken"}, "notes": ["one more note"]})
    assert render(report, width=60) == "\n".join([
        "task              points  status",
        "--------------------------------",
        "conv_output_size   1.5/2  failed",
        "                  ↳ expected 3 for n=7, k=3, s=2, p=0 but",
        "                    got 2; the stride is ignored: divide (n",
        "                    + 2p - k) by s before adding 1",
        "nin                  0/4  not implemented yet",
        "count_params       10/10  passed",
        "--------------------------------",
        "total             11.5/16",
        "↳ not graded: train_vgg (training switched off by --no-",
        "  train); not counted in the total",
        "files read:",
        "↳ vgg.py: vgg_block, vgg",
        "    ↳ note: a note",
        "↳ x.py: no graded function",
        "↳ y.py: nin (a class method)",
        "↳ alexnet: broken",
        "↳ note: one more note",
    ])


def test_status_values_stay_data_and_tags_keep_the_english_values():
    assert [status_tag(status) for status in Status] == [status.value for status in Status]
    assert status_label(Status.NOT_IMPLEMENTED) == "not implemented yet" and status_label("timeout") == "timeout"
    with using_language("zh"):
        assert status_tag(Status.NOT_IMPLEMENTED) == "尚未实现"
        assert all(english_sentences(status_label(status)) == [] and status_label(status) != status.value
                   for status in Status)
