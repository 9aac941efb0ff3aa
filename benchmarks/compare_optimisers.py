"""Which optimiser reaches the threshold: the profile's AdamW vs d2l's plain SGD vs SGD with momentum, same budget.

    python benchmarks/compare_optimisers.py --profile gpu            # one run per (model, optimiser), seed 0
    python benchmarks/compare_optimisers.py --profile cpu --models vgg --seeds 0 1

Each run trains the reference network of the profile for the profile's own steps and batch; only the optimiser,
learning rate and schedule change. d2l's learning rates are the book's own (train_ch6 calls in §7.1-7.3).
"""
import argparse
import copy
from dataclasses import replace

import torch

from grader.training import data as fashion_mnist
from grader.training import profiles
from grader.training.command import open_for_training
from grader.training.network import fetch_network, reinitialise
from grader.training.runner import train_and_judge

BOOK_LR = {"alexnet": 0.01, "vgg": 0.05, "nin": 0.1}  # d2l-zh v2: lr in each section's train_ch6 call


def optimisers(model, loop):
    return {
        f"adamw lr {loop.lr:g}, warm-up + cosine (the profile)": {},
        f"d2l: plain SGD lr {BOOK_LR[model]:g}, constant": {"optimizer": "sgd", "lr": BOOK_LR[model],
                                                             "schedule": "constant", "warmup": 0.0},
        f"SGD + Nesterov 0.9, lr {BOOK_LR[model]:g}, warm-up + cosine": {"optimizer": "sgd_momentum",
                                                                       "lr": BOOK_LR[model]},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("auto", "cpu", "gpu"), default="auto")
    parser.add_argument("--models", nargs="+", choices=profiles.models(), default=list(profiles.models()))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--steps", type=int, default=None, help="replace the profile's budget (smoke runs)")
    parser.add_argument("--data", default=None)
    args = parser.parse_args(argv)
    dataset = fashion_mnist.load(args.data)
    for model in args.models:
        chosen = profiles.get(model, args.profile, steps=args.steps)
        device = torch.device("cuda" if chosen.device == "cuda" and torch.cuda.is_available() else "cpu")
        submission = open_for_training(None)
        try:
            reference = fetch_network(submission, chosen.plan, chosen.loop.input_size, 0)
        finally:
            submission.close()
        for label, change in optimisers(model, chosen.loop).items():
            variant = replace(chosen, loop=replace(chosen.loop, **change))
            for seed in args.seeds:
                network = reinitialise(copy.deepcopy(reference), seed)
                outcome = train_and_judge(network, variant, dataset, seed, device, {})
                record = outcome.record
                print(f"{model}/{chosen.name} {label}, seed {seed}: test accuracy "
                      f"{record.get('test_accuracy', float('nan')):.4f} (threshold {chosen.threshold:.2f}) "
                      f"in {record.get('seconds', 0):.1f} s, {outcome.status}", flush=True)


if __name__ == "__main__":
    main()
