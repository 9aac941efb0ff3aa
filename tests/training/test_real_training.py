"""One real cpu-profile run on Fashion-MNIST: the reference VGG passes its calibrated threshold (≈ 30-60 s)."""
import pytest

from grader.checks.training import check_train_vgg
from grader.results import Status
from grader.training import data


@pytest.mark.real_training
@pytest.mark.skipif(not data.has_files(data.DEBIAN_ROOT), reason="needs apt-get install dataset-fashion-mnist")
def test_reference_vgg_passes_the_cpu_profile_on_real_data(reference):
    result = check_train_vgg(reference, profile="cpu", data_root=data.DEBIAN_ROOT, seed=0)
    assert result.status is Status.PASSED, result.feedback
