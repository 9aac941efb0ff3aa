"""Tiny IDX datasets for the training tests, in Fashion-MNIST's own file format, written on the fly."""
import gzip
import struct
from pathlib import Path

import numpy as np


def write_idx(path, array, compress):
    """Write `array` (uint8) as an IDX file, the format of Fashion-MNIST's four files (magic 0x0000 08 ndim)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    opener = gzip.open if compress else open
    with opener(path, "wb") as handle:
        handle.write(header + array.tobytes())


def band_images(labels, seed):
    """28×28 images where class k lights up rows 2k+4 and 2k+5 over noise: learnable in a few steps."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 60, size=(len(labels), 28, 28), dtype=np.uint8)
    for i, label in enumerate(labels):
        images[i, 2 * label + 4:2 * label + 6, 3:25] = 230
    return images


def write_band_dataset(folder, n_train=640, n_test=200, compress=True, layout="flat"):
    folder = Path(folder)
    target = folder / "FashionMNIST" / "raw" if layout == "torchvision" else folder
    target.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if compress else ""
    for prefix, count, seed in (("train", n_train, 1), ("t10k", n_test, 2)):
        labels = np.arange(count, dtype=np.uint8) % 10
        write_idx(target / f"{prefix}-images-idx3-ubyte{suffix}", band_images(labels, seed), compress)
        write_idx(target / f"{prefix}-labels-idx1-ubyte{suffix}", labels, compress)
    return folder
