"""Training speed, side by side on one device and model: the book's loop vs ours vs the bare model's ceiling.

    python benchmarks/train_speed.py                          # cpu profile's AlexNet (67 px), 20 steps each
    python benchmarks/train_speed.py --model vgg --profile gpu --steps 50

book: torchvision FashionMNIST + transforms.Resize + ToTensor in a DataLoader (d2l's 4 workers), plain SGD
      (d2l.train_ch6). ours: grader.training.loop.train (uint8 dataset on the device, resize on the device).
bare: forward + backward + optimizer step on batches made before the clock starts — no loop can beat it.
"""
import argparse
import gzip
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch
import torch.nn.functional as F

from grader.training import data as fashion_mnist
from grader.training import profiles
from grader.training.command import open_for_training
from grader.training.loop import make_optimizer, prepare_batch, train
from grader.training.network import fetch_network, reinitialise


def fresh_network(chosen, device, seed=0):
    submission = open_for_training(None)
    try:
        network = fetch_network(submission, chosen.plan, chosen.loop.input_size, seed)
    finally:
        submission.close()
    network = reinitialise(network, seed).to(device)
    if chosen.loop.channels_last:
        network.to(memory_format=torch.channels_last)
    return network


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def torchvision_root(dataset_source):
    """A temporary torchvision layout (FashionMNIST/raw, uncompressed) made from the files we found."""
    root = Path(tempfile.mkdtemp(prefix="fmnist-tv-"))
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for stem in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        source = fashion_mnist.find_file(Path(dataset_source), stem)
        opener = gzip.open if source.suffix == ".gz" else open
        with opener(source, "rb") as src, open(raw / stem, "wb") as dst:
            shutil.copyfileobj(src, dst)
    return root


def book_loop(chosen, device, steps, workers, dataset_source, lr=0.01):
    """d2l's train_ch6 data path and optimiser: PIL resize + ToTensor per image in DataLoader workers, plain SGD."""
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms
    root = torchvision_root(dataset_source)
    try:
        transform = transforms.Compose([transforms.Resize(chosen.loop.input_size), transforms.ToTensor()])
        train_set = datasets.FashionMNIST(str(root), train=True, transform=transform, download=False)
        loader = DataLoader(train_set, chosen.loop.batch_size, shuffle=True, num_workers=workers,
                            generator=torch.Generator().manual_seed(0))
        network = fresh_network(replace(chosen, loop=replace(chosen.loop, channels_last=False)), device)  # as the book
        optimizer = torch.optim.SGD(network.parameters(), lr=lr)
        batches = iter(loader)
        seen, started = 0, None
        for step in range(steps + 2):  # two warm-up steps: worker start-up and first-call costs not timed
            if step == 2:
                _sync(device)
                started, seen = time.perf_counter(), 0
            x, y = next(batches)
            x, y = x.to(device), y.to(device)
            loss = F.cross_entropy(network(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            seen += len(y)
        _sync(device)
        return seen / (time.perf_counter() - started)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def our_loop(chosen, device, steps, dataset):
    """Our loop's rate between its first and last host sync (its first window is the warm-up)."""
    every = chosen.loop.log_every
    config = replace(chosen.loop, steps=steps + every, evaluations=1, test_images=1)
    network = fresh_network(chosen, device)
    marks = []  # (step, time) at each sync of the loop
    train(network, dataset, config, seed=0, device=device,
          on_log=lambda step, loss, acc, rate: marks.append((step, time.perf_counter())))
    (first_step, first_time), (last_step, last_time) = marks[0], marks[-1]
    return (last_step - first_step) * config.batch_size / (last_time - first_time)


def bare_model(chosen, device, steps, dataset):
    """forward + backward + step on pre-made, pre-resized batches already on the device."""
    network = fresh_network(chosen, device)
    optimizer, _ = make_optimizer(network, chosen.loop)
    size, batch = chosen.loop.input_size, chosen.loop.batch_size
    x = prepare_batch(dataset.train_images[:batch].to(device), size, chosen.loop.channels_last)
    y = dataset.train_labels[:batch].to(device)
    autocast = (torch.autocast("cuda", dtype=torch.bfloat16) if chosen.loop.bf16 and device.type == "cuda"
                else torch.autocast("cpu", enabled=False))
    for step in range(steps + 2):
        if step == 2:
            _sync(device)
            started = time.perf_counter()
        with autocast:
            loss = F.cross_entropy(network(x).float(), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    _sync(device)
    return steps * batch / (time.perf_counter() - started)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=profiles.models(), default="alexnet")
    parser.add_argument("--profile", choices=("auto", "cpu", "gpu"), default="auto")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="book loop's DataLoader workers (d2l uses 4)")
    parser.add_argument("--data", default=None)
    parser.add_argument("--bf16", choices=("on", "off"), default=None, help="override the profile (CUDA only)")
    parser.add_argument("--channels-last", choices=("on", "off"), default=None, help="override the profile")
    parser.add_argument("--cudnn-benchmark", action="store_true", help="let cuDNN pick conv algorithms by timing")
    parser.add_argument("--only", choices=("ours",), default=None,
                        help="ours: just our loop and its bare model (to measure one switch quickly)")
    args = parser.parse_args(argv)
    chosen = profiles.get(args.model, args.profile)
    torch.backends.cudnn.benchmark = args.cudnn_benchmark
    overrides = {name: value == "on" for name, value in (("bf16", args.bf16), ("channels_last", args.channels_last))
                 if value is not None}
    chosen = replace(chosen, loop=replace(chosen.loop, **overrides))  # measure each switch on its own
    device = torch.device("cuda" if chosen.device == "cuda" and torch.cuda.is_available() else "cpu")
    dataset = fashion_mnist.load(args.data)
    print(f"{args.model}, {chosen.name} profile: input {chosen.loop.input_size}, batch {chosen.loop.batch_size}, "
          f"bf16 {chosen.loop.bf16}, channels_last {chosen.loop.channels_last}, "
          f"{args.steps} timed steps each, device {device} ({torch.get_num_threads()} threads), torch {torch.__version__}")
    # the profile's optimiser (AdamW) and the book's (plain SGD, lr 0.01): the loop's cost apart from the optimiser's
    book_optimiser = replace(chosen, loop=replace(chosen.loop, optimizer="sgd", lr=0.01, schedule="constant"))
    bare = bare_model(chosen, device, args.steps, dataset)
    ours = our_loop(chosen, device, args.steps, dataset)
    if args.only == "ours":
        print(f"bare model, AdamW (ceiling):     {bare:8.1f} img/s")
        print(f"our loop, AdamW (the check):     {ours:8.1f} img/s  = {ours / bare:.2f} × its bare model")
        return
    bare_sgd = bare_model(book_optimiser, device, args.steps, dataset)
    ours_sgd = our_loop(book_optimiser, device, args.steps, dataset)
    book = book_loop(chosen, device, args.steps, args.workers, dataset.source)
    print(f"bare model, AdamW (ceiling):     {bare:8.1f} img/s")
    print(f"our loop, AdamW (the check):     {ours:8.1f} img/s  = {ours / bare:.2f} × its bare model")
    print(f"bare model, plain SGD (ceiling): {bare_sgd:8.1f} img/s")
    print(f"our loop, plain SGD:             {ours_sgd:8.1f} img/s  = {ours_sgd / bare_sgd:.2f} × its bare model")
    print(f"book's loop, plain SGD:          {book:8.1f} img/s  = {book / bare_sgd:.2f} × its bare model")
    print(f"ours / book, same optimiser:     {ours_sgd / book:8.2f} ×")
    print(f"ours (AdamW) / book (SGD):       {ours / book:8.2f} ×")


if __name__ == "__main__":
    main()
