"""Scratch notes while reading the torch docs (this file is NOT torch)."""


def zeros(*shape):
    raise RuntimeError("the student's torch.py was imported instead of PyTorch")


nn = None
