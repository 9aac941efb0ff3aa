"""Name the mistake behind a wrong count: recompute the count under each known misconception and see which matches.

Each misconception is a flag; an alternative oracle computes the count with a set of flags switched on. The
smallest set whose count equals the student's answer names the mistake (ties: all are mentioned).
"""
import math
from itertools import combinations

from grader.closed_forms import layer_buffers, layer_params

FLOP_MISTAKES = {
    "macs": "you returned MACs: FLOPs count a multiply-add as 2 (torch.utils.flop_counter's convention), so "
            "multiply by 2",
    "per_sample": "you counted one sample: count_flops is for the whole batch, so multiply by N = input_shape[0]",
    "bias": "you counted the bias additions; this convention (torch.utils.flop_counter) leaves them out",
    "no_kernel_area": "your conv formula leaves out the kernel area kH×kW: each output value needs "
                      "(C_in/groups)×kH×kW multiply-adds",
    "no_in_channels": "your conv formula leaves out the input channels: each output value needs "
                      "(C_in/groups)×kH×kW multiply-adds (six factors: N·H_out·W_out·C_out·C_in·kH·kW over groups)",
    "groups_ignored": "groups ignored: with groups=g each output channel sees only C_in/g input channels",
    "linear_left_out": "Linear layers are left out: each costs 2·N·in_features·out_features",
    "conv_left_out": "Conv2d layers are left out",
    "shared_once": "a layer used twice runs twice, so its FLOPs count twice (hook every call, not every module)",
}

PARAM_MISTAKES = {
    "buffers": "you counted buffers (BatchNorm's running_mean, running_var, num_batches_tracked): they are state, "
               "not parameters — sum over model.parameters(), not state_dict()",
    "float_buffers": "you counted BatchNorm's running_mean and running_var: they are buffers (state), not "
                     "parameters — sum over model.parameters()",
    "frozen": "you counted frozen parameters (requires_grad=False): count only trainable ones",
    "shared_twice": "a parameter shared by two layers was counted twice; model.parameters() yields it once",
    "no_bias": "biases are left out: a layer's bias is a parameter too",
    "groups_ignored": "groups ignored: a grouped conv's weight has shape (C_out, C_in/groups, kH, kW)",
}

SIZE_MISTAKES = {
    "ceil": "you rounded up: the formula floors, floor((size + 2·padding − kernel_size) / stride) + 1 "
            "(the leftover rows that do not fill a whole stride are dropped)",
    "single_padding": "padding is added on both sides: use 2·padding",
    "no_plus_one": "the +1 is missing: the first window position counts too",
    "stride_ignored": "the stride is ignored: divide by the stride",
    "true_division": "you used / (true division): sizes are whole numbers, use // (floor division)",
}


def name_mistake(value, truth, alternative, flags, sentences, max_flags=2):
    """Sentence(s) naming the smallest set of flags under which `alternative(flags)` equals `value`, or ''."""
    if value == truth:
        return ""
    for size in range(1, max_flags + 1):
        matches = [combo for combo in combinations(flags, size) if alternative(set(combo)) == value]
        matches = [m for m in matches if alternative(set(m)) != truth]
        if matches:
            if len(matches) == 1:
                text = "; ".join(sentences[f] for f in matches[0])
                return text[0].upper() + text[1:] + "."
            return "Either " + ", or ".join("; ".join(sentences[f] for f in m) for m in matches[:2]) + "."
    return ""


def flops_alternative(rows, batch):
    """-> f(flags): the batch's FLOPs under those mistakes. `rows` from checks.truth.layer_trace."""
    def count(flags):
        core, bias_adds, seen = 0.0, 0, set()
        for _, shape, flops, spec in rows:
            kind, args = spec["type"], spec.get("args", {})
            if kind not in ("Conv2d", "Linear"):
                continue
            if "shared_once" in flags and id(spec) in seen:
                continue
            seen.add(id(spec))
            if kind == "Linear" and "linear_left_out" in flags or kind == "Conv2d" and "conv_left_out" in flags:
                continue
            value = float(flops)
            if kind == "Conv2d":
                kh, kw = args["kernel_size"]
                value /= (kh * kw) if "no_kernel_area" in flags else 1
                value /= (args["in_channels"] // args["groups"]) if "no_in_channels" in flags else 1
                value *= args["groups"] if "groups_ignored" in flags else 1
            core += value
            bias_adds += math.prod(shape) if "bias" in flags and args.get("bias") else 0  # one add per output
        total = core / (2 if "macs" in flags else 1) + bias_adds
        total /= batch if "per_sample" in flags else 1
        return int(total) if total == int(total) else total
    return count


def params_alternative(specs):
    """-> f(flags): the parameter count under those mistakes (closed form, see checks.truth)."""

    def count(flags):
        total = 0
        for spec in specs:
            if "same_as" in spec:
                spec = specs[spec["same_as"]] if "shared_twice" in flags else None
            if spec is None or spec.get("frozen") and "frozen" not in flags:
                continue
            total += layer_params(spec, groups_ignored="groups_ignored" in flags, bias="no_bias" not in flags)
            total += layer_buffers(spec) if "buffers" in flags else 0
            total += layer_buffers(spec, floating_only=True) if "float_buffers" in flags else 0
        return total
    return count


def size_alternative(size, kernel_size, stride, padding):
    def count(flags):
        top = size + (1 if "single_padding" in flags else 2) * padding - kernel_size
        step = 1 if "stride_ignored" in flags else stride
        if "true_division" in flags:
            quotient = top / step
        else:
            quotient = math.ceil(top / step) if "ceil" in flags else top // step
        return quotient + (0 if "no_plus_one" in flags else 1)
    return count
