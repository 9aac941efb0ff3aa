"""Checks for conv_output_size, count_params, trace_shapes and count_flops against independent truths."""
from hypothesis import strategies as st

from grader.checks import truth
from grader.checks.base import CheckFailure, Stage, exact_int, for_all, number, require, run_stages
from grader.checks.reference import book_network
from grader.checks.strategies import networks
from grader.feedback import counting as mistakes
from grader.feedback import format as fmt
from grader.feedback.shapes import explain_trace
from grader.i18n import _
from grader.results import Status
from grader.book import VGG11_ARCH
from grader.submission import call, measure

ALEXNET_INPUT = (1, 1, 224, 224)
BOOK_SIZES = ((224, 11, 4, 1), (54, 3, 2, 0), (26, 5, 1, 2), (12, 3, 2, 0), (224, 3, 1, 1), (224, 2, 2, 0))


def _book_alexnet():
    return book_network("alexnet")


# ---- conv_output_size -------------------------------------------------------------------------------------------

def _one_size(submission, size, kernel_size, stride, padding):
    example = f"conv_output_size(size={size}, kernel_size={kernel_size}, stride={stride}, padding={padding})"
    got = number(require(submission.ask(call("conv_output_size", size, kernel_size, stride, padding)), example),
                 "conv_output_size", example)
    want = truth.conv_output_truth(size, kernel_size, stride, padding)
    if got != want:
        alternative = mistakes.size_alternative(size, kernel_size, stride, padding)
        named = mistakes.name_mistake(got, want, alternative, list(mistakes.SIZE_MISTAKES), mistakes.SIZE_MISTAKES)
        raise CheckFailure(_("{example} should be {want} (what nn.Conv2d gives), got {got}. {named}").format(
            example=example, want=want, got=repr(got), named=named).strip(), example)
    exact_int(got, "conv_output_size", example)


@st.composite
def _size_cases(draw):
    padding, stride = draw(st.integers(0, 3)), draw(st.integers(1, 5))
    size = draw(st.integers(1, 64))
    kernel = draw(st.integers(1, size + 2 * padding))
    return size, kernel, stride, padding


def check_conv_output_size(submission, **__):
    return run_stages("conv_output_size", [
        Stage(1, _("the book's AlexNet sizes"), lambda: [_one_size(submission, *case) for case in BOOK_SIZES]),
        Stage(2, _("generated sizes"), lambda: for_all(_size_cases(), lambda c: _one_size(submission, *c), 60)),
    ])


# ---- count_params -----------------------------------------------------------------------------------------------

def _one_param_count(submission, specs, title=None):
    example = title or fmt.network(specs)
    got = exact_int(require(submission.ask(measure("count_params", specs)), example), "count_params", example)
    want = truth.trainable_params(specs)
    if got != want:
        named = mistakes.name_mistake(got, want, mistakes.params_alternative(specs),
                                      list(mistakes.PARAM_MISTAKES), mistakes.PARAM_MISTAKES)
        raise CheckFailure(_("expected {want} trainable parameters, got {got} for {example}. {named}").format(
            want=f"{want:,}", got=f"{got:,}", example=example, named=named).strip(), example)


def check_count_params(submission, **__):
    book = _("the book's AlexNet")
    return run_stages("count_params", [
        Stage(1, book, lambda: _one_param_count(submission, _book_alexnet(), book)),
        Stage(2, _("generated networks"),
              lambda: for_all(networks(), lambda case: _one_param_count(submission, case[0]), 40)),
    ])


# ---- trace_shapes -----------------------------------------------------------------------------------------------

def _rows(value, example):
    """The answer as [(name, shape tuple)], or a failure saying what shape the answer should have."""
    try:
        rows = [(name, tuple(shape)) for name, shape in value]
        if all(type(n) is str and all(type(d) is int for d in s) for n, s in rows):
            return rows
    except (TypeError, ValueError):
        pass
    raise CheckFailure(_("trace_shapes should return a list of (class name, shape) pairs such as {sample}; got "
                         "{value}").format(sample="[('Conv2d', (1, 96, 54, 54)), ...]", value=str(value)[:120]),
                       example, Status.INVALID)


def _one_trace(submission, specs, input_shape, title=None):
    example = title or fmt.network(specs, input_shape)
    answer = submission.ask(measure("trace_shapes", specs, input_shape))
    got = _rows(require(answer, example), example)
    want = [(name, shape) for name, shape, *__ in truth.layer_trace(specs, input_shape)]
    if got != want:
        raise CheckFailure(_("{explanation} (on {example})").format(explanation=explain_trace(got, want, specs),
                                                                      example=example), example)


def check_trace_shapes(submission, **__):
    book = _("the book's AlexNet")
    return run_stages("trace_shapes", [
        Stage(1, _("the book's AlexNet on {shape}").format(shape=ALEXNET_INPUT),
              lambda: _one_trace(submission, _book_alexnet(), ALEXNET_INPUT, book)),
        Stage(2, _("generated networks"),
              lambda: for_all(networks(), lambda case: _one_trace(submission, *case), 30)),
    ])


# ---- count_flops ------------------------------------------------------------------------------------------------

def _one_flop_count(submission, specs, input_shape, title=None):
    example = title or fmt.network(specs, input_shape)
    answer = submission.ask(measure("count_flops", specs, input_shape))
    got = number(require(answer, example), "count_flops", example)
    rows = truth.layer_trace(specs, input_shape)  # FLOPs per layer from torch.utils.flop_counter
    want = sum(flops for __, __, flops, __ in rows)
    if got != want:
        named = mistakes.name_mistake(got, want, mistakes.flops_alternative(rows, input_shape[0]),
                                      list(mistakes.FLOP_MISTAKES), mistakes.FLOP_MISTAKES)
        raise CheckFailure(_("expected {want} FLOPs, got {got} for {example}. {named}").format(
            want=f"{want:,}", got=f"{got:,}", example=example, named=named).strip(), example)
    exact_int(got, "count_flops", example)


def check_count_flops(submission, **__):
    small_vgg = book_network("vgg", conv_arch=tuple((n, c // 16) for n, c in VGG11_ARCH), input_size=32, hidden=16)
    book, small_input = _("the book's AlexNet"), (3, 1, 32, 32)
    return run_stages("count_flops", [
        Stage(1, _("the book's AlexNet on {shape}").format(shape=ALEXNET_INPUT),
              lambda: _one_flop_count(submission, _book_alexnet(), ALEXNET_INPUT, book)),
        Stage(1, _("a small VGG on a batch of {batch}").format(batch=small_input[0]),
              lambda: _one_flop_count(submission, small_vgg, small_input,
                                      _("a small VGG on input {shape}").format(shape=small_input))),
        Stage(2, _("generated networks"),
              lambda: for_all(networks(batch=st.sampled_from([1, 3])),
                              lambda case: _one_flop_count(submission, *case), 30)),
    ])
