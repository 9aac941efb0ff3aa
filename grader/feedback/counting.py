"""Name the mistake behind a wrong count: recompute the count under each known misconception and see which matches.

Each misconception is a flag; an alternative oracle computes the count with a set of flags switched on. The
smallest set whose count equals the student's answer names the mistake (ties: all are mentioned). A flag that is
a per-layer habit (bias additions, MACs, frozen parameters...) may also be applied to some layers only — to the
Conv2d layers and not the Linear ones, say: the layers it was applied to are found as a subset whose per-layer
differences add up to the student's, and the sentence names them.
"""
import math
from fractions import Fraction
from itertools import combinations

from grader.closed_forms import layer_buffers, layer_params
from grader.i18n import N_, _
MAX_SUBSETS = 1 << 16  # sums tracked when searching which layers a mistake was applied to

FLOP_MISTAKES = {
    "macs": N_("you returned MACs: FLOPs count a multiply-add as 2 (torch.utils.flop_counter's convention), so "
               "multiply by 2"),
    "per_sample": N_("you counted one sample: count_flops is for the whole batch, so multiply by N = input_shape[0]"),
    "bias": N_("you counted the bias additions; this convention (torch.utils.flop_counter) leaves them out"),
    "no_kernel_area": N_("your conv formula leaves out the kernel area kH×kW: each output value needs "
                         "(C_in/groups)×kH×kW multiply-adds"),
    "no_in_channels": N_("your conv formula leaves out the input channels: each output value needs "
                         "(C_in/groups)×kH×kW multiply-adds (six factors: N·H_out·W_out·C_out·C_in·kH·kW over "
                         "groups)"),
    "groups_ignored": N_("groups ignored: with groups=g each output channel sees only C_in/g input channels"),
    "linear_left_out": N_("Linear layers are left out: each costs 2·N·in_features·out_features"),
    "conv_left_out": N_("Conv2d layers are left out"),
    "shared_once": N_("a layer used twice runs twice, so its FLOPs count twice (hook every call, not every module)"),
}

PARAM_MISTAKES = {
    "buffers": N_("you counted buffers (BatchNorm's running_mean, running_var, num_batches_tracked): they are state, "
                  "not parameters — sum over model.parameters(), not state_dict()"),
    "float_buffers": N_("you counted BatchNorm's running_mean and running_var: they are buffers (state), not "
                        "parameters — sum over model.parameters()"),
    "frozen": N_("you counted frozen parameters (requires_grad=False): count only trainable ones"),
    "shared_twice": N_("a parameter shared by two layers was counted twice; model.parameters() yields it once"),
    "no_bias": N_("biases are left out: a layer's bias is a parameter too"),
    "groups_ignored": N_("groups ignored: a grouped conv's weight has shape (C_out, C_in/groups, kH, kW)"),
}

SIZE_MISTAKES = {
    "ceil": N_("you rounded up: the formula floors, floor((size + 2·padding − kernel_size) / stride) + 1 "
               "(the leftover rows that do not fill a whole stride are dropped)"),
    "single_padding": N_("padding is added on both sides: use 2·padding"),
    "no_plus_one": N_("the +1 is missing: the first window position counts too"),
    "stride_ignored": N_("the stride is ignored: divide by the stride"),
    "true_division": N_("you used / (true division): sizes are whole numbers, use // (floor division)"),
}


def name_mistake(value, truth, alternative, flags, sentences, max_flags=2):
    """Sentence(s) naming the smallest set of flags under which `alternative(flags)` equals `value`, or ''.

    An alternative with `layers` ((index, layer type) pairs) and `per_layer` (flags it can scope) is also tried
    with one flag applied to some layers only (and at most one other flag applied everywhere). `sentences` holds
    N_()-marked messages: they are translated here."""
    if value == truth:
        return ""
    for size in range(1, max_flags + 1):
        matches = [combo for combo in combinations(flags, size) if alternative(set(combo)) == value]
        matches = [m for m in matches if alternative(set(m)) != truth]
        if matches:
            if len(matches) == 1:
                return _sentence(_said(sentences, matches[0]))
            first, second = (_said(sentences, m) for m in matches[:2])
            return _("Either {first}, or {second}.").format(first=first, second=second)
    return _partial(value, alternative, flags, sentences)


def _said(sentences, flags):
    """The translated sentences of `flags`, joined into one clause list."""
    return _("; ").join(_(sentences[f]) for f in flags if f is not None)


def _sentence(text):
    return _("{sentence}.").format(sentence=text[0].upper() + text[1:])


def _partial(value, alternative, flags, sentences):
    """The sentence for one flag applied to a proper subset of the layers it could apply to, or ''."""
    layers, per_layer = getattr(alternative, "layers", ()), getattr(alternative, "per_layer", ())
    if not layers or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
        return ""
    for flag in (f for f in flags if f in per_layer):
        for other in [None] + [f for f in flags if f != flag]:
            base_flags = set() if other is None else {other}
            base = Fraction(alternative(base_flags))
            deltas = [(i, kind, Fraction(alternative(base_flags | {flag}, {flag: {i}})) - base) for i, kind in layers]
            deltas = [(i, kind, d) for i, kind, d in deltas if d]
            subset = _subset_with_sum(deltas, Fraction(value) - base)
            if subset and len(subset) < len(deltas) and \
                    alternative(base_flags | {flag}, {flag: set(subset)}) == value:
                said = _said(sentences, (flag, other))
                return _("For {layers}: {mistake}.").format(layers=_scope(deltas, subset), mistake=said)
    return ""


def _subset_with_sum(deltas, target):
    """Indices of the layers whose deltas ((index, type, delta) triples) add up to `target`, or None.

    Whole layer types come first (bias counted for the Conv2d layers, not the Linear ones: the habit people have);
    any other subset only when it is the one subset with that sum — tiny shrunk examples, where many subsets tie,
    name nothing rather than guess."""
    kinds = list(dict.fromkeys(kind for __, kind, __ in deltas))
    for size in range(1, len(kinds)):
        for chosen in combinations(kinds, size):
            if sum(d for __, kind, d in deltas if kind in chosen) == target:
                return tuple(i for i, kind, __ in deltas if kind in chosen)
    reachable = {Fraction(0): ((), 1)}  # sum -> (one subset reaching it, number of subsets, capped at 2)
    for index, __, delta in deltas:
        for total, (chosen, ways) in list(reachable.items()):
            if total + delta in reachable:
                subset, seen = reachable[total + delta]
                reachable[total + delta] = (subset, min(2, seen + ways))
            elif len(reachable) < MAX_SUBSETS:
                reachable[total + delta] = (chosen + (index,), ways)
            else:
                return None  # too many layers to be sure a subset is the only one: say nothing
    subset, ways = reachable.get(target, ((), 0))
    return subset if ways == 1 and subset else None


def _scope(candidates, subset):
    """`the Conv2d layers (not the Linear ones)`, `2 of the 3 Linear layers`: which layers a mistake touched."""
    kinds = list(dict.fromkeys(kind for __, kind, __ in candidates))
    count = {kind: sum(1 for __, k, __ in candidates if k == kind) for kind in kinds}
    hit = {kind: sum(1 for i, k, __ in candidates if k == kind and i in subset) for kind in kinds}
    parts = [(_("the {kind} layer") if count[kind] == 1 else _("the {kind} layers")).format(kind=kind)
             if hit[kind] == count[kind]
             else _("{hit} of the {count} {kind} layers").format(hit=hit[kind], count=count[kind], kind=kind)
             for kind in kinds if hit[kind]]
    untouched = [kind for kind in kinds if not hit[kind]]
    scope = _(" and ").join(parts)
    if untouched:
        scope = _("{layers} (not the {kinds} ones)").format(layers=scope, kinds=_(" or ").join(untouched))
    return scope


def _on(flag, flags, scope, index):
    """Whether `flag` applies to layer `index`: switched on, and (when scoped) to this layer."""
    return flag in flags and (not scope or flag not in scope or index in scope[flag])


FLOP_PER_LAYER = ("macs", "bias", "no_kernel_area", "no_in_channels", "groups_ignored", "shared_once")


def flops_alternative(rows, batch):
    """-> f(flags, scope=None): the batch's FLOPs under those mistakes (`scope`: flag -> the row indices it
    touches). `rows` from checks.truth.layer_trace."""
    def count(flags, scope=None):
        total, seen = Fraction(0), set()
        for index, (__, shape, flops, spec) in enumerate(rows):
            kind, args = spec["type"], spec.get("args", {})
            if kind not in ("Conv2d", "Linear"):
                continue
            if _on("shared_once", flags, scope, index) and id(spec) in seen:
                continue
            seen.add(id(spec))
            if kind == "Linear" and "linear_left_out" in flags or kind == "Conv2d" and "conv_left_out" in flags:
                continue
            value = Fraction(flops)
            if kind == "Conv2d":
                kh, kw = args["kernel_size"]
                value /= (kh * kw) if _on("no_kernel_area", flags, scope, index) else 1
                value /= (args["in_channels"] // args["groups"]) if _on("no_in_channels", flags, scope, index) else 1
                value *= args["groups"] if _on("groups_ignored", flags, scope, index) else 1
            value /= 2 if _on("macs", flags, scope, index) else 1
            # one add per output
            total += value + (math.prod(shape) if _on("bias", flags, scope, index) and args.get("bias") else 0)
        total /= batch if "per_sample" in flags else 1
        return int(total) if total.denominator == 1 else float(total)
    count.layers = [(i, spec["type"]) for i, (*__, spec) in enumerate(rows) if spec["type"] in ("Conv2d", "Linear")]
    count.per_layer = FLOP_PER_LAYER
    return count


def params_alternative(specs):
    """-> f(flags, scope=None): the parameter count under those mistakes (closed form, see checks.truth)."""

    def count(flags, scope=None):
        total = 0
        for index, spec in enumerate(specs):
            if "same_as" in spec:
                spec = specs[spec["same_as"]] if _on("shared_twice", flags, scope, index) else None
            if spec is None or spec.get("frozen") and not _on("frozen", flags, scope, index):
                continue
            total += layer_params(spec, groups_ignored=_on("groups_ignored", flags, scope, index),
                                  bias=not _on("no_bias", flags, scope, index))
            total += layer_buffers(spec) if _on("buffers", flags, scope, index) else 0
            total += layer_buffers(spec, floating_only=True) if _on("float_buffers", flags, scope, index) else 0
        return total
    count.layers = [(i, (specs[s["same_as"]] if "same_as" in s else s)["type"]) for i, s in enumerate(specs)]
    count.per_layer = tuple(PARAM_MISTAKES)
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
