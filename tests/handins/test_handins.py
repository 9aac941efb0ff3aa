"""Hand-ins in the styles students really write, graded as the student's pytest and the sandboxed worker grade them:
full credit for every correct function the contract can call, one sentence naming the file and what to change
for every other one, and top-level code that never runs."""
import re

import pytest

from grader.grade import grade
from grader import spec
from grader.submission.inprocess import InProcessSubmission
from grader.submission.worker import WorkerSubmission
from tests.handins import STYLES, copy_handin

PASSED = ("passed", None, None)
ALL_NINE = ("conv_output_size", "count_params", "trace_shapes", "count_flops", "vgg_block", "vgg", "nin_block", "nin",
            "alexnet")
NETWORKS = ("vgg_block", "vgg", "nin_block", "nin", "alexnet")

# hand-in -> task -> (status, score or None for full marks, regex the feedback must match)
EXPECTED = {
    # the book's §7.1–7.3 code pasted into .py files: `from d2l import torch as d2l`, shape loops, training
    "book_py": {name: PASSED for name in ALL_NINE},
    # 21VGG.py, "7.3 NiN.py", "alexnet (1).py": names Python cannot import
    "digit_names": {name: PASSED for name in NETWORKS},
    # stride for strides, reordered and renamed parameters (the forum's nin_block(..., padding, stride, kernel_size))
    "signatures": {name: PASSED for name in ALL_NINE},
    # the book's own vgg(conv_arch): right on the book's network, and told how to take the other settings
    "book_vgg": {"vgg_block": PASSED,
                 "vgg": ("error", 3.33, r"^generated architectures: your vgg\(conv_arch\) cannot take the grader's "
                         r"call: it has no parameter for .*This assignment follows d2l-zh v2 .*§7\.2: vgg\(conv_arch, "
                         r"in_channels=1, .*Change the def line to `def vgg\(conv_arch, in_channels=1,")},
    # d2l.ai (English): LazyConv2d blocks without in_channels, networks as d2l.Classifier classes
    "d2l_en": {"vgg_block": ("error", 0, r"your vgg_block\(num_convs, out_channels\), the signature in d2l-en .*"
                             r"cannot take the grader's call: it has no parameter for in_channels \(128\)"),
               "vgg": ("missing", 0, r"^vgg\.py defines class VGG \(d2l-en's style\), not the function vgg; this "
                       r"assignment follows d2l-zh v2 .*add `def vgg\(conv_arch, in_channels=1, num_classes=10, "
                       r"input_size=224, hidden=4096, dropout=0\.5\):` returning the network$"),
               "nin_block": ("error", 0, r"nin_block\(out_channels, kernel_size, strides, padding\), the signature "
                             r"in d2l-en"),
               "nin": ("missing", 0, r"^nin\.py defines class NiN \(d2l-en's style\), not the function nin"),
               "alexnet": ("missing", 0, r"^alexnet\.py defines class AlexNet \(d2l-en's style\)")},
    # the first edition's PyTorch port (d2lzh_pytorch): `stride`, vgg(conv_arch, fc_features), class AlexNet
    "first_edition": {"vgg_block": PASSED, "nin_block": PASSED,
                      "vgg": ("error", 0, r"your vgg\(conv_arch, fc_features, fc_hidden_units=4096\), the signature "
                              r"in the first edition's PyTorch port \(d2lzh_pytorch\), cannot take the grader's call: "
                              r"nothing the assignment passes fills its fc_features"),
                      "nin": ("missing", 0, r"^nin\.py builds the network at the top level \(line 26: `net = "
                              r"nn\.Sequential\(`\) but defines no nin; .*`def nin\(in_channels=1, num_classes=10, "
                              r"dropout=0\.5\):`"),
                      "alexnet": ("missing", 0, r"^alexnet\.py defines class AlexNet, not the function alexnet")},
    # the student's own d2l.py and layers/ package beside the answers; torch.py and random.py that must not shadow
    "own_helper": {name: PASSED for name in NETWORKS[:4]},
    # one file named after the student, holding some of the functions
    "single_file": {"conv_output_size": PASSED, "vgg_block": PASSED, "nin_block": PASSED,
                    "vgg": ("missing", 0, r"^hby7\.py, the only file handed in, defines no function named vgg: add "
                            r"`def vgg\(conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, "
                            r"dropout=0\.5\):` to it$"),
                    "count_flops": ("missing", 0, r"^hby7\.py, the only file handed in, defines no function named "
                                    r"count_flops")},
    # VGG_block, a vgg method of class VGG, the forum's Nin_block, count_param
    "near_misses": {"vgg_block": ("missing", 0, r"^VGG\.py defines VGG_block \(line 4\), not vgg_block; names are "
                                  r"case-sensitive: rename it to vgg_block$"),
                    "vgg": ("missing", 0, r"^VGG\.py has vgg as a method of class VGG \(line 15\); the grader calls "
                            r"top-level functions: move it out of the class as `def vgg\(conv_arch,"),
                    "nin_block": ("missing", 0, r"^nin\.py defines Nin_block \(line 4\), not nin_block"),
                    "nin": PASSED,
                    "count_params": ("missing", 0, r"^counting\.py defines count_param \(line 1\), not count_params"),
                    "alexnet": ("missing", 0, r"^no file in the submission defines alexnet: add `def alexnet\("
                                r"in_channels=1, num_classes=10, input_size=224, dropout=0\.5\):` to alexnet\.py")},
    # the book's shape for AlexNet and NiN: a top-level `net = nn.Sequential(...)`
    "top_level_net": {"nin_block": PASSED,
                      "alexnet": ("missing", 0, r"^alexnet\.py builds the network at the top level \(line 5: `net = "
                                  r"nn\.Sequential\(`\) but defines no alexnet; top-level code never runs when "
                                  r"grading: "
                                  r"write `def alexnet\(in_channels=1, num_classes=10, input_size=224, dropout=0\.5\):` "
                                  r"and return that network from it"),
                      "nin": ("missing", 0, r"^nin\.py builds the network at the top level \(line 14")},
    # a notebook run out of order: a float version redefined later, a syntax error beside vgg_block, a NiN class
    "messy_notebook": {"conv_output_size": PASSED, "vgg_block": PASSED, "nin": PASSED,
                       "nin_block": ("missing", 0, r"^作业7\.ipynb has nin_block as a method of class NiN \(cell 10, "
                                     r"line 12\)"),
                       "alexnet": ("missing", 0, r"^作业7\.ipynb builds the network at the top level \(cell 5, "
                                   r"line 1:")},
}


def _graded(folder, backend, skip=()):
    tasks = [spec.task(name) for name in EXPECTED[folder.name] if name not in skip]
    if backend == "worker":
        with WorkerSubmission(folder, timeout=60) as submission:
            return grade(submission, tasks=tasks)
    submission = InProcessSubmission(folder, timeout=60)
    try:
        return grade(submission, tasks=tasks)
    finally:
        submission.close()


def test_every_style_has_expectations():
    assert sorted(EXPECTED) == STYLES


@pytest.mark.parametrize("style", STYLES)
def test_the_students_pytest_grades_each_style(style, tmp_path):
    marker = tmp_path / "top-level-code-ran"
    report = _graded(copy_handin(style, tmp_path / style, marker), "in-process")
    for name, (status, score, pattern) in EXPECTED[style].items():
        task = report.task(name)
        assert task.status.value == status, (name, task.status, task.feedback)
        assert task.score == (task.max_score if score is None else score), (name, task.score, task.feedback)
        assert pattern is None or re.search(pattern, task.feedback), (name, task.feedback)
    assert not marker.exists(), marker.read_text()
    listed = [source["file"] for source in report.environment["sources"]]
    assert len(listed) == len(set(listed)), "a file is listed twice"


@pytest.mark.parametrize("style", ["book_py", "digit_names", "first_edition", "own_helper", "messy_notebook"])
def test_the_sandboxed_worker_gives_the_same_grades(style, tmp_path):
    folder = copy_handin(style, tmp_path / style, tmp_path / "marker")
    slow = ("count_params", "trace_shapes", "count_flops")  # what they read is conv_output_size's file, graded here
    inside, outside = _graded(folder, "in-process", slow), _graded(folder, "worker", slow)
    assert [(t.name, t.status, t.score, t.feedback) for t in outside.tasks] == \
        [(t.name, t.status, t.score, t.feedback) for t in inside.tasks]
    assert outside.environment["sources"] == inside.environment["sources"]
