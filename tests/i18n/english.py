"""Find English prose left in a text meant to be Chinese: identifiers, numbers, code and terms excepted.

A run of three or more plain English words (letters only, outside `backticks`, identifiers and quoted
Python/torch error messages set aside) of which at least two are not the book's own English terms (MACs, ReLU,
VGG, ...) is an untranslated sentence: "you returned MACs" is one, "VGG 块的 ReLU" is not.
"""
import re

# English the book itself writes inside Chinese text, and names of things (layers, tools, conventions)
TERMS = {"macs", "flops", "flop", "relu", "vgg", "nin", "alexnet", "lenet", "xavier", "kaiming", "fashion", "mnist",
         "conv", "conv2d", "linear", "batchnorm", "batchnorm2d", "dropout", "maxpool", "maxpool2d", "avgpool2d",
         "adaptiveavgpool2d", "flatten", "sequential", "module", "modulelist", "pytest", "torch", "nn", "fx",
         "sgd", "adam", "cpu", "gpu", "cuda", "numpy", "jupyter", "notebook", "python", "softmax", "logits", "id",
         "ok", "json", "csv", "png", "zip", "py", "ipynb", "d2l", "gradescope", "github", "classroom", "utf"}
CODE_SPAN = re.compile(r"`[^`]*`")
# a quoted error of the student's code or torch's: "RuntimeError: mat1 and mat2 shapes cannot be multiplied"
QUOTED_ERROR = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning|Interrupt|Exit)\b:?[^\n。；;]*")
IDENTIFIER = re.compile(r"[A-Za-z_][\w.]*(?:\([^()\n]*\)|\[[^\[\]\n]*\])+|\w*[_\d]\w*|\w+(?:\.\w+)+")
WORD_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ \t,'’-]+[A-Za-z]{2,}){2,}\b")


def english_sentences(text):
    """The runs of English words in `text` that no exception above explains (empty: fully translated)."""
    text = CODE_SPAN.sub(" ", text)
    text = QUOTED_ERROR.sub(" ", text)
    text = IDENTIFIER.sub(" ", text)
    found = []
    for run in WORD_RUN.finditer(text):
        words = [w for w in re.findall(r"[A-Za-z]+", run.group(0)) if w.lower() not in TERMS]
        if len(words) >= 2:
            found.append(run.group(0))
    return found
