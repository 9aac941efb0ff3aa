"""The published thresholds are consistent with the calibration runs stored beside them."""
import math

import pytest

from grader.training import calibrate, profiles
from grader.training.thresholds import CALIBRATION
from tests.mutants import MUTANTS


def test_threshold_rule():
    # min 0.80, sd of (0.80, 0.82, 0.84) = 0.02 -> margin max(0.03, 0.06) = 0.06 -> 0.74
    assert calibrate.threshold_from([0.80, 0.82, 0.84]) == pytest.approx(0.74)
    assert calibrate.threshold_from([0.851, 0.852, 0.851, 0.852, 0.851]) == pytest.approx(0.82)  # margin 0.03


@pytest.mark.parametrize("model", profiles.models())
def test_every_profile_has_a_threshold(model):
    for profile in ("cpu", "gpu"):
        assert 0.1 < profiles.get(model, profile).threshold < 1


# The mutant (tests/mutants, proven by tests/test_mutants.py to lose the builder's points) that stands for each
# broken variant an accuracy threshold lets through: the builder checks fail it, and training waits for them.
BUILDER_MUTANT = {("alexnet", "all ReLUs removed"): "alexnet__missing_relu",
                  ("vgg", "all ReLUs removed"): "vgg_block__no_relu",
                  ("nin", "all ReLUs removed"): "nin_block__no_relu_after_1x1",
                  ("alexnet", "ReLU on the logits"): "alexnet__relu_on_logits",
                  ("vgg", "ReLU on the logits"): "vgg__relu_on_logits"}


@pytest.mark.parametrize("profile", ("cpu", "gpu"))
@pytest.mark.parametrize("model", profiles.models())
def test_thresholds_come_from_five_seeds_and_fail_a_network_that_does_not_learn(model, profile):
    entry = CALIBRATION[profile][model]
    assert entry["provisional"] is False, f"run benchmarks/calibrate_training.py --profile {profile}"
    reference = entry["reference"]
    assert len(set(reference["seeds"])) >= 5 and len(reference["test_accuracy"]) == len(reference["seeds"])
    assert entry["threshold"] == calibrate.threshold_from(reference["test_accuracy"])
    assert entry["threshold"] <= min(reference["test_accuracy"]) - calibrate.MARGIN
    budget = profiles.loop_config(model, profile)
    assert (entry["budget"]["steps"], entry["budget"]["batch_size"], entry["budget"]["input_size"]) == \
        (budget.steps, budget.batch_size, budget.input_size)
    assert math.isfinite(reference["seconds_mean"])
    assert entry["separates"] is True
    assert entry["broken"]["constant output"]["max"] <= entry["threshold"] - calibrate.MIN_SEPARATION
    for name, broken in entry["broken"].items():
        below = broken["max"] <= entry["threshold"] - calibrate.MIN_SEPARATION
        assert broken["below_threshold"] is below, name
        if not below:  # the data says what rejects it instead, and the mutant library proves it does
            assert broken["caught_by"] == calibrate.CAUGHT_BY_BUILDER_CHECKS
            assert BUILDER_MUTANT[(model, name)] in {path.stem for path in MUTANTS}
    assert {"constant output", "all ReLUs removed"} <= set(entry["broken"])
    assert ("ReLU on the logits" in entry["broken"]) == (model != "nin")  # NiN's last block ends in a ReLU


def test_judging_broken_networks():
    broken = {"constant output": {"max": 0.10}, "ReLU on the logits": {"max": 0.90}}
    assert calibrate.judge_broken(broken, 0.85) is True
    assert broken["constant output"]["below_threshold"] and "caught_by" not in broken["constant output"]
    assert broken["ReLU on the logits"]["caught_by"] == calibrate.CAUGHT_BY_BUILDER_CHECKS
    assert calibrate.judge_broken({"constant output": {"max": 0.84}}, 0.85) is False  # within MIN_SEPARATION
