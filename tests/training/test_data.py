"""The Fashion-MNIST loader: IDX parsing (plain and gzip), folder layouts, search order, and clear errors."""
import numpy as np
import pytest

from grader.training import data
from tests.training.idx_files import band_images, write_band_dataset, write_idx


@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_returns_the_array_written(tmp_path, compress):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = tmp_path / ("a.gz" if compress else "a")
    write_idx(path, array, compress)
    np.testing.assert_array_equal(data.read_idx(path), array)


def test_read_idx_rejects_a_bad_magic_number(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"PK\x03\x04" + bytes(20))  # a zip file saved under the IDX name
    with pytest.raises(data.BadDataFile, match="bad magic number"):
        data.read_idx(path)


def test_read_idx_reports_a_truncated_file(tmp_path):
    path = tmp_path / "short"
    write_idx(path, np.zeros((4, 28, 28), np.uint8), compress=False)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(data.BadDataFile, match="truncated"):
        data.read_idx(path)


def test_read_idx_reports_a_header_cut_short(tmp_path):
    path = tmp_path / "header"
    path.write_bytes(bytes([0, 0, 0x08, 3]) + bytes(5))  # 3 dimensions declared, 12 header bytes needed
    with pytest.raises(data.BadDataFile, match="ends inside its header"):
        data.read_idx(path)


def test_read_idx_reports_a_corrupt_gzip_body(tmp_path):
    path = tmp_path / "corrupt.gz"
    write_idx(path, np.zeros((4, 28, 28), np.uint8), compress=True)
    raw = bytearray(path.read_bytes())
    raw[12:40] = bytes(range(28))  # garble the deflate stream after gzip's 10-byte header
    path.write_bytes(bytes(raw))
    with pytest.raises(data.BadDataFile, match="cannot read"):
        data.read_idx(path)


def test_an_empty_split_is_refused(tmp_path):
    folder = write_band_dataset(tmp_path, n_train=0, n_test=20)
    with pytest.raises(data.BadDataFile, match="train files hold no images"):
        data.read_folder(folder)


@pytest.mark.parametrize("layout,compress", [("flat", True), ("flat", False), ("torchvision", True)])
def test_read_folder_finds_both_layouts(tmp_path, layout, compress):
    folder = write_band_dataset(tmp_path, n_train=30, n_test=20, compress=compress, layout=layout)
    loaded = data.read_folder(folder)
    assert loaded.train_images.shape == (30, 28, 28) and loaded.train_images.dtype.is_floating_point is False
    assert loaded.test_labels.tolist() == [i % 10 for i in range(20)]
    np.testing.assert_array_equal(loaded.test_images.numpy(), band_images(np.arange(20) % 10, seed=2))


def test_explicit_root_is_the_only_place_looked_at(no_default_data, tmp_path, band_data, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(band_data))  # data exists elsewhere, but the option names a typo
    with pytest.raises(data.DataNotFound, match="lacks train-images-idx3-ubyte"):
        data.load(tmp_path / "typo")


def test_environment_variable_is_used(no_default_data, band_data, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(band_data))
    assert data.load().source == str(band_data)


def test_no_data_and_no_download_names_both_ways(no_default_data):
    with pytest.raises(data.DataNotFound) as error:
        data.load(download=False)
    assert "apt-get install dataset-fashion-mnist" in str(error.value)
    assert "download" in str(error.value)


def test_failed_download_names_both_ways(no_default_data, monkeypatch):
    import torchvision.datasets

    class Offline:
        def __init__(self, *args, **kwargs):
            raise OSError("network is unreachable")  # what urllib raises with no network; no real download

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", Offline)
    with pytest.raises(data.DataNotFound, match="network is unreachable.*apt-get install dataset-fashion-mnist"):
        data.load(download=True)


def test_labels_outside_ten_classes_are_refused(tmp_path):
    folder = write_band_dataset(tmp_path, n_train=10, n_test=10)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.full(10, 11, np.uint8), compress=True)
    with pytest.raises(data.BadDataFile, match="10 classes"):
        data.read_folder(folder)


@pytest.mark.skipif(not data.has_files(data.DEBIAN_ROOT), reason="dataset-fashion-mnist is not installed")
def test_debian_files_are_real_fashion_mnist():
    loaded = data.read_folder(data.DEBIAN_ROOT)
    assert loaded.train_images.shape == (60000, 28, 28) and loaded.test_images.shape == (10000, 28, 28)
    # every class holds exactly 6,000 training and 1,000 test images (the dataset's published balance)
    assert np.bincount(loaded.train_labels.numpy()).tolist() == [6000] * 10
    assert np.bincount(loaded.test_labels.numpy()).tolist() == [1000] * 10
    pixels = loaded.train_images.float() / 255  # the normalisation constants are this data's statistics
    assert abs(pixels.mean().item() - data.PIXEL_MEAN) < 5e-4 and abs(pixels.std().item() - data.PIXEL_STD) < 5e-4
