"""The book's editions and the names readers give the assignment's parameters: what binding a call needs to
know beyond the contract (grader.submission.binding). Plain data; the sandboxed worker reads it too.
"""
from grader.i18n import N_

# Other names readers give the same parameter: the book's editions (`stride` in the first edition's nin_block,
# `arch` in d2l-en's VGG, `fc_hidden_units`, `num_channels` in the MXNet edition) and common habits. A student's
# parameter with one of these names takes that value whatever its position; the rest bind by position.
ALIASES = {
    "size": ("input_size", "in_size", "n_in", "image_size"),
    "kernel_size": ("kernel", "ksize", "k", "kernel_sizes"),
    "stride": ("strides", "s"),
    "strides": ("stride", "s"),
    "padding": ("pad", "paddings", "p"),
    "model": ("net", "network", "module", "m"),
    "input_shape": ("shape", "x_shape", "in_shape", "input_dims", "input_size"),
    "num_convs": ("n_convs", "num_conv", "convs", "num_layers", "n"),
    "in_channels": ("input_channels", "in_channel", "num_input_channels", "in_chans", "cin", "c_in", "in_c"),
    "out_channels": ("output_channels", "out_channel", "num_channels", "out_chans", "cout", "c_out", "out_c"),
    "conv_arch": ("arch", "architecture", "conv_config"),
    "num_classes": ("n_classes", "classes", "num_outputs", "n_class", "class_num"),
    "input_size": ("image_size", "img_size", "resolution"),
    "hidden": ("fc_hidden_units", "hidden_units", "num_hiddens", "hidden_size", "fc_hidden", "hidden_dim"),
    "dropout": ("dropout_rate", "drop_rate", "dropout_p", "p_dropout", "drop"),
}
# The edition this assignment follows, and the signatures other editions give the same functions (parameter
# names only), so that a call that cannot bind says which book the student's code comes from.
EDITION = "d2l-zh v2 (zh.d2l.ai, PyTorch)"
OTHER_EDITIONS = {
    N_("d2l-en (d2l.ai, PyTorch: LazyConv2d infers in_channels)"): {
        "vgg_block": ("num_convs", "out_channels"),
        "nin_block": ("out_channels", "kernel_size", "strides", "padding"),
        "vgg": ("arch", "lr", "num_classes"),
        "nin": ("lr", "num_classes"),
        "alexnet": ("lr", "num_classes"),
    },
    N_("the first edition's PyTorch port (d2lzh_pytorch)"): {
        "vgg": ("conv_arch", "fc_features", "fc_hidden_units"),
    },
    N_("the first edition (d2lzh, MXNet)"): {
        "vgg_block": ("num_convs", "num_channels"),
        "nin_block": ("num_channels", "kernel_size", "strides", "padding"),
    },
}
