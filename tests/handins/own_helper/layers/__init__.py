from .pooling import halve
