"""My own d2l.py: the few helpers of the book I use, so that I do not need `pip install d2l`."""
import torch
from torch import nn


def try_gpu(i=0):
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f'cuda:{i}')
    return torch.device('cpu')


def conv_relu(in_channels, out_channels, **conv_args):
    return [nn.Conv2d(in_channels, out_channels, **conv_args), nn.ReLU()]


def train_ch6(net, train_iter, test_iter, num_epochs, lr, device):
    open("{{MARKER}}", "a").write("d2l.train_ch6 was called\n")


train_ch6(None, None, None, 10, 0.1, try_gpu())
