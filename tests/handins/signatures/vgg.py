from torch import nn


def vgg_block(n, cin, cout):
    layers = []
    for i in range(n):
        layers += [nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1), nn.ReLU()]
    return nn.Sequential(*layers, nn.MaxPool2d(2, 2))


def vgg(arch, in_chans=1, classes=10, image_size=224, hidden_units=4096, p=0.5):
    blocks = []
    for n, cout in arch:
        blocks.append(vgg_block(n, in_chans, cout))
        in_chans = cout
    side = image_size >> len(arch)
    return nn.Sequential(*blocks, nn.Flatten(),
                         nn.Linear(in_chans * side * side, hidden_units), nn.ReLU(), nn.Dropout(p),
                         nn.Linear(hidden_units, hidden_units), nn.ReLU(), nn.Dropout(p),
                         nn.Linear(hidden_units, classes))
