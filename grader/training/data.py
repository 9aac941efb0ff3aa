"""Fashion-MNIST as two uint8 tensors per split: find the files (option, env, Debian, cache), read IDX, or download."""
import gzip
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from grader.i18n import N_, _

ENV_VAR = "FASHION_MNIST"
DEBIAN_ROOT = Path("/usr/share/datasets/fashion-mnist")
CACHE_ROOT = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "d2l-cnn-grader" / "fashion-mnist"
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# mean and std of the 60,000 training images' pixels in [0, 1] (the dataset's published statistics)
PIXEL_MEAN, PIXEL_STD = 0.2860, 0.3530
_NO_DATA_HELP = N_("Fashion-MNIST not found. Either install the Debian/Ubuntu package (`sudo apt-get install "
                   "dataset-fashion-mnist`, files in /usr/share/datasets/fashion-mnist/) or point --data / "
                   "${env_var} at a folder holding its four files, or let `python -m grader train ...` download it "
                   "once from the internet into {cache}.")
NO_DATA_HELP = _NO_DATA_HELP.format(env_var=ENV_VAR, cache=CACHE_ROOT)  # the English text


def no_data_help():
    """How to get Fashion-MNIST, in the language in force."""
    return _(_NO_DATA_HELP).format(env_var=ENV_VAR, cache=CACHE_ROOT)


class DataNotFound(Exception):
    """No Fashion-MNIST anywhere we may look, and no download allowed (or possible); says both ways to get it."""


class BadDataFile(Exception):
    """A file that is not an IDX file of the expected kind; names the file."""


@dataclass
class FashionMNIST:
    """Both splits as uint8 tensors: images (N, 28, 28), labels (N,) int64; `source` says where they came from."""
    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    source: str


def read_idx(path):
    """An IDX file (optionally gzip-compressed) as a numpy uint8 array of its declared shape."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError, zlib.error) as error:  # a corrupt gzip body is a zlib.error
        raise BadDataFile(_("cannot read {path}: {error}").format(path=path, error=error)) from error
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise BadDataFile(_("{path} is not an IDX file of unsigned bytes (bad magic number)").format(path=path))
    ndim = raw[3]
    if len(raw) < 4 + 4 * ndim:
        raise BadDataFile(_("{path} ends inside its header (truncated download?)").format(path=path))
    shape = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise BadDataFile(_("{path} declares shape {shape} but holds {size} bytes (truncated download?)").format(
            path=path, shape=shape, size=body.size))
    return body.reshape(shape)


def find_file(folder, stem):
    for candidate in (folder / stem, folder / f"{stem}.gz", folder / "FashionMNIST" / "raw" / stem,
                      folder / "FashionMNIST" / "raw" / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def has_files(folder):
    """True when `folder` holds all four files (plain or .gz, flat or in torchvision's FashionMNIST/raw/ layout)."""
    folder = Path(folder)
    return all(find_file(folder, stem) for pair in FILES.values() for stem in pair)


def read_folder(folder):
    folder = Path(folder)
    tensors = {}
    for split, (images_stem, labels_stem) in FILES.items():
        images, labels = read_idx(find_file(folder, images_stem)), read_idx(find_file(folder, labels_stem))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise BadDataFile(_("{folder}: {split} images {images} and labels {labels} do not match").format(
                folder=folder, split=split, images=images.shape, labels=labels.shape))
        if len(images) == 0:
            raise BadDataFile(_("{folder}: the {split} files hold no images").format(folder=folder, split=split))
        if labels.max(initial=0) > 9:
            raise BadDataFile(_("{folder}: {split} labels go up to {top}, Fashion-MNIST has 10 classes").format(
                folder=folder, split=split, top=labels.max()))
        tensors[split] = (torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64)))
    return FashionMNIST(*tensors["train"], *tensors["test"], source=str(folder))


def candidate_roots(data_root=None):
    """Where to look, in order: the option, $FASHION_MNIST, the Debian package, our download cache."""
    if data_root:
        return [Path(data_root)]  # an explicit choice is never silently replaced by another folder
    roots = [Path(os.environ[ENV_VAR])] if os.environ.get(ENV_VAR) else []
    return roots + [DEBIAN_ROOT, CACHE_ROOT]


_LOADED = {}  # folder -> FashionMNIST: the three training tasks of one pytest run read the files once


def load(data_root=None, download=False):
    """Fashion-MNIST from the first folder that has it; download into the cache only when `download` is True.

    An explicit `data_root` is the only place looked at: a typo there is reported, not silently replaced.
    """
    for root in candidate_roots(data_root):
        if has_files(root):
            key = str(Path(root).resolve())
            if key not in _LOADED:
                _LOADED[key] = read_folder(root)
            return _LOADED[key]
    if data_root:
        missing = [stem for pair in FILES.values() for stem in pair if not find_file(Path(data_root), stem)]
        raise DataNotFound(_("{root} lacks {files} (plain or .gz). ").format(root=data_root, files=", ".join(missing))
                           + no_data_help())
    if not download:
        raise DataNotFound(no_data_help())
    return download_into(CACHE_ROOT)


def download_into(root):
    from torchvision.datasets import FashionMNIST as TorchvisionFashionMNIST
    try:
        TorchvisionFashionMNIST(str(root), train=True, download=True)
        TorchvisionFashionMNIST(str(root), train=False, download=True)
    except Exception as error:  # no network, a proxy, a full disk: all end the same way for the user
        raise DataNotFound(_("download failed ({error}). ").format(error=f"{type(error).__name__}: {error}")
                           + no_data_help()) from error
    return read_folder(root)
