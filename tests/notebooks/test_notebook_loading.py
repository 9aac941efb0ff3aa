"""Submission folders holding notebooks and single files: each of the nine functions is found by name, and
whatever cannot be used is explained without hiding the rest."""
import pytest

from grader import spec
from grader.submission.answering import MissingFunction, UnreadableSource
from grader.submission.base import call, describe
from grader.submission.inprocess import InProcessSubmission
from grader.submission.loader import load_package
from grader.submission.namespace import NamespaceSubmission
from tests.notebooks.notebook_factory import ROOT, d2l_notebook, solution_code, write

def file_notes(submission, file):
    """The notes listed under one file of the submission."""
    return next(source["notes"] for source in submission.sources() if source["file"] == file)


NIN_BLOCK = describe("nin_block", {"in_channels": 1, "out_channels": 2, "kernel_size": 3, "strides": 1, "padding": 1},
                     (1, 1, 8, 8))


def test_a_d2l_notebook_is_graded_by_definitions_only(tmp_path):
    sentinel = tmp_path / "top-level-ran.txt"
    needs_d2l = "def alexnet(in_channels=1, num_classes=10, input_size=224, dropout=0.5):\n    return d2l.AlexNet()"
    notebook = d2l_notebook([solution_code("conv_output_size"), "%%time\n" + solution_code("nin_block"), needs_d2l],
                            image_mb=2, sentinel=sentinel)
    write(notebook, tmp_path / "作业.ipynb")
    submission = InProcessSubmission(tmp_path)
    assert submission.ask(call("conv_output_size", 224, 11, 4, 1)).value == 54  # §7.1: 224 -> 54
    assert submission.ask(NIN_BLOCK).ok
    # the failed `from d2l import torch as d2l` costs points only here, where the function uses d2l
    failed = submission.ask(describe("alexnet", {}, (1, 1, 224, 224)))
    assert failed.status == "error" and "name 'd2l' is not defined" in failed.message
    assert "作业.ipynb cell 6: return d2l.AlexNet()" in failed.message
    assert not sentinel.exists()  # neither the training cell nor the sentinel cell ran
    assert submission.problems() == {} and submission.notes() == []
    [note] = file_notes(submission, "作业.ipynb")
    assert note.startswith("cell 3, line 3: `from d2l import torch as d2l` failed (ModuleNotFoundError")
    assert "costs points only if a graded function uses d2l" in note


def test_a_definition_that_fails_is_noted_and_the_others_stay(tmp_path):
    bad = "@d2l.add_to_class(object)\ndef vgg_block(num_convs, in_channels, out_channels):\n    pass"
    write(d2l_notebook([bad, solution_code("count_params")]), tmp_path / "nb.ipynb")
    submission = InProcessSubmission(tmp_path)
    assert submission.ask(describe("vgg_block", {"num_convs": 1, "in_channels": 1, "out_channels": 1},
                                   (1, 1, 4, 4))).status == "missing"
    assert any("cell 4, line 1: `@d2l.add_to_class(object)` failed (NameError" in n
               and "vgg_block is not defined" in n for n in file_notes(submission, "nb.ipynb"))


def test_a_notebook_beside_an_untouched_py_skeleton_is_graded_and_the_note_says_so(tmp_path):
    (tmp_path / "nin.py").write_text((ROOT / "assignments" / "nin.py").read_text())
    write(d2l_notebook([solution_code("nin_block")]), tmp_path / "nin.ipynb")
    submission = InProcessSubmission(tmp_path)
    assert submission.ask(NIN_BLOCK).ok
    assert submission.ask(describe("nin", {}, (1, 1, 224, 224))).status == "not_implemented"  # only in nin.py
    assert ("nin_block is defined in nin.py (line 7) and in nin.ipynb (cell 4, line 1); graded: the one in "
            "nin.ipynb (cell 4, line 1) (nin.py (line 7) still holds the unfilled stub)") in submission.notes()


def test_when_both_copies_are_implemented_the_py_file_is_graded(tmp_path):
    (tmp_path / "counting.py").write_text("def conv_output_size(size, kernel_size, stride=1, padding=0):\n"
                                          "    return 1\n")
    write(d2l_notebook([solution_code("conv_output_size")]), tmp_path / "counting.ipynb")
    submission = InProcessSubmission(tmp_path)
    assert submission.ask(call("conv_output_size", 224, 11, 4, 1)).value == 1
    [note] = [n for n in submission.notes() if n.startswith("conv_output_size is defined")]
    assert "graded: the one in counting.py (line 1) (.py files come before notebooks" in note


def test_one_homework_py_with_all_nine_functions_is_found_and_helper_scripts_are_not_run(tmp_path):
    sources = "\n\n".join(["import torch\nfrom torch import nn"] + [solution_code(name) for name in spec.functions()])
    (tmp_path / "homework.py").write_text(sources)
    sentinel = tmp_path / "ran.txt"
    for script in ("train.py", "test_mine.py", "conftest.py"):  # not answers: importing them would run them
        (tmp_path / script).write_text(f"open({str(sentinel)!r}, 'w').write('{script}')\n")
    package = load_package(tmp_path)
    assert all(package.find_function(name).__module__ == "assignments.homework" for name in spec.functions())
    assert not sentinel.exists() and package.problems == {} and package.notes == []


@pytest.mark.parametrize("single", ["homework.ipynb", "homework.py"])
def test_a_single_file_is_a_submission(tmp_path, single):
    body = solution_code("count_params")
    if single.endswith(".py"):
        (tmp_path / single).write_text(body)
    else:
        write(d2l_notebook([body]), tmp_path / single)
    (tmp_path / "vgg.py").write_text("raise SystemExit('a file beside the submitted one must not load')\n")
    package = load_package(tmp_path / single)
    assert package.find_function("count_params").__name__ == "count_params"
    assert package.problems == {} and package.modules["vgg"] is None


def test_broken_notebooks_explain_their_functions_and_the_rest_is_graded(tmp_path):
    (tmp_path / "vgg.ipynb").write_text('{"cells": [{"cell_type": "code", "source": ["def vgg_block(n, i, o):\\n"')
    (tmp_path / "alexnet.ipynb").write_bytes(b"")
    (tmp_path / "._nin.ipynb").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")  # archive litter: ignored
    write(d2l_notebook([solution_code("nin_block"), solution_code("nin")], image_mb=30), tmp_path / "nin.ipynb")
    submission = InProcessSubmission(tmp_path)
    assert submission.ask(NIN_BLOCK).ok
    block = submission.ask(describe("vgg_block", {"num_convs": 1, "in_channels": 1, "out_channels": 1}, (1, 1, 4, 4)))
    assert block.status == "unreadable"  # there, but not readable: the reason is said once, in the list of files
    assert block.message == ("vgg.ipynb could not be read, so vgg_block was not graded (the reason is under "
                             "vgg.ipynb in the list of files)")
    # an empty file names nothing: its name says which assignment it was
    net = submission.ask(describe("alexnet", {}, (1, 1, 224, 224)))
    assert net.status == "unreadable" and net.message.startswith("alexnet.ipynb could not be read")
    assert set(submission.problems()) == {"vgg", "alexnet"}
    listed = {source["file"]: source for source in submission.sources()}
    assert listed["vgg.ipynb"]["why"].startswith("vgg.ipynb could not be read: it is not valid notebook JSON (line 1")
    assert listed["alexnet.ipynb"]["why"] == ("alexnet.ipynb could not be read: the file is empty (0 bytes); save "
                                              "the notebook in Jupyter and submit it again")
    assert listed["nin.ipynb"]["gave"] == ["nin_block", "nin"] and "._nin.ipynb" not in listed


def test_a_notebook_named_like_a_py_module_never_replaces_it(tmp_path):
    (tmp_path / "vgg.py").write_text("def vgg_block(:\n")
    write(d2l_notebook([solution_code("vgg_block")]), tmp_path / "vgg.ipynb")
    package = load_package(tmp_path)
    [vgg_py] = [source for source in package.sources if source["file"] == "vgg.py"]
    assert "SyntaxError" in vgg_py["notes"][0]  # the .py file's own error stays visible
    assert package.find_function("vgg_block").__module__ == "assignments.vgg_ipynb"


def test_the_namespace_backend_answers_from_a_live_dict():
    namespace = {}
    exec(solution_code("conv_output_size"), namespace)
    namespace["vgg"] = 3
    submission = NamespaceSubmission(namespace)
    assert submission.ask(call("conv_output_size", 224, 11, 4, 1)).value == 54
    assert submission.ask(call("vgg", [])).message == "vgg in this notebook is a int, not a function"
    missing = submission.ask(call("count_params", None))
    assert missing.status == "missing" and "run the cell that defines it" in missing.message
    exec("def count_params(model):\n    raise NotImplementedError", namespace)  # re-running a cell is seen
    assert submission.ask(call("count_params", None)).status == "not_implemented"
    assert submission.problems() == {} and submission.notes() == []


def test_check_refuses_an_unknown_assignment():
    from grader.notebook_check import grade_namespace
    with pytest.raises(ValueError, match="unknown assignment 'resnet'; use one of counting, alexnet, vgg, nin"):
        grade_namespace({}, "resnet")



def test_a_broken_single_py_names_itself_for_the_functions_it_held(tmp_path):
    (tmp_path / "homework.py").write_text("def nin(:\n    pass\n\ndef nin_block(a, b, c, d, e):\n    pass\n")
    write(d2l_notebook([solution_code("vgg_block")]), tmp_path / "vgg.ipynb")
    package = load_package(tmp_path)
    with pytest.raises(UnreadableSource, match=r"^homework\.py has a syntax error where nin is defined \(line 1; "
                                               r"see the note under homework\.py\): fix it and nin is graded$"):
        package.find_function("nin")
    with pytest.raises(MissingFunction, match=r"^vgg\.ipynb defines no function named vgg: add `def vgg\(conv_arch"):
        package.find_function("vgg")
    assert package.find_function("vgg_block").__module__ == "assignments.vgg"
