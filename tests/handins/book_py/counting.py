# 第七章作业：卷积层的输出大小、参数量、每层形状和 FLOPs
# (copied from my notebook; the cells that print shapes are kept at the bottom)
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from d2l import torch as d2l


def conv_output_size(size, kernel_size, stride=1, padding=0):
    # 6.3 节：floor((n_h - k_h + 2 p_h) / s_h) + 1
    return (size - kernel_size + 2 * padding) // stride + 1


def count_params(model):
    total = 0
    for name, param in model.named_parameters():
        if param.requires_grad:
            total += param.numel()
    return total


def trace_shapes(model, input_shape):
    X = torch.zeros(input_shape)
    out = []
    for layer in model:
        X = layer(X)
        out.append((layer.__class__.__name__, tuple(X.shape)))
    return out


def count_flops(model, input_shape):
    with FlopCounterMode(display=False) as counter:
        with torch.no_grad():
            model(torch.zeros(input_shape))
    return counter.get_total_flops()


print(conv_output_size(224, 11, 4, 1))
X = torch.randn(1, 1, 224, 224)
net = nn.Sequential(nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
                    nn.MaxPool2d(kernel_size=3, stride=2))
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, 'output shape:\t', X.shape)
with open("{{MARKER}}", "a") as marker:
    marker.write("counting.py: a with block at the top level ran\n")
