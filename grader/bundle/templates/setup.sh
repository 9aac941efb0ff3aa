#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image; the zip is unpacked in
# /autograder/source (https://gradescope-autograders.readthedocs.io/en/latest/specs/). Written by
# `python -m grader bundle gradescope`: kit {{KIT_VERSION}}, training {{TRAIN}}, profile {{PROFILE}}.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"   # another root only for testing the bundle outside Gradescope
SOURCE="$ROOT/source"
VENV="$ROOT/venv"
DATA="$ROOT/data/fashion-mnist"

install_dependencies() {
  # Gradescope's default base image is Ubuntu 22.04 (its Python 3.10); apt-get update has already run there
  apt-get install -y python3 python3-venv python3-pip
  python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "the kit needs Python >= 3.10: pick a newer base image")'
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --upgrade pip
  # CPU wheels: Gradescope's containers have no GPU, and the CUDA builds of torch are gigabytes larger
  "$VENV/bin/pip" install --index-url {{TORCH_CPU_INDEX}} --extra-index-url https://pypi.org/simple \
    -r "$SOURCE/requirements.txt"
}

if [ -n "${D2L_GRADER_PYTHON:-}" ]; then
  PYTHON="$D2L_GRADER_PYTHON"           # tests: an interpreter that already has the kit's dependencies
else
  install_dependencies
  PYTHON="$VENV/bin/python"
fi

# what run_autograder reads: which Python, where the kit and the data are
cat > "$SOURCE/autograder.env" <<ENV
PYTHON="$PYTHON"
KIT="$SOURCE/kit"
FASHION_MNIST="$DATA"
ENV

if [ "{{TRAIN}}" = "on" ]; then
  # Fashion-MNIST is fetched now, once, into the image: grading never downloads anything. Ubuntu's package first
  # (the files land in /usr/share/datasets/fashion-mnist), else grader.bundle.data downloads them
  if [ -z "${D2L_GRADER_PYTHON:-}" ]; then
    apt-get install -y dataset-fashion-mnist || echo "no dataset-fashion-mnist package here: downloading instead"
  fi
  PYTHONPATH="$SOURCE/kit" "$PYTHON" -m grader.bundle.data "$DATA"
fi

# grade the bundled reference solutions once: a broken image fails here, not on every student's upload
# (D2L_GRADER_SELF_CHECK=0 only where run_autograder grades the reference next anyway: the kit's own tests)
if [ "${D2L_GRADER_SELF_CHECK:-1}" != 0 ]; then
  cd "$SOURCE/kit"
  PYTHONPATH="$SOURCE/kit" FASHION_MNIST="$DATA" "$PYTHON" -m grader.autograde.gradescope_run --self-check \
    "$SOURCE/kit/solutions" "$ROOT/setup-check.json" --no-train
fi

# Student code runs as root in Gradescope's container. Where the kernel refuses the sandbox's namespaces and
# Landlock, what still holds is that the worker drops every capability: root is then an ordinary user of uid 0
# and may write only what uid 0 owns. So the kit (and the venv made here) belong to nobody and are read-only.
if [ "$(id -u)" = 0 ]; then
  chown -R nobody: "$SOURCE/kit" && chmod -R a-w "$SOURCE/kit"
  if [ -z "${D2L_GRADER_PYTHON:-}" ]; then
    chown -R nobody: "$VENV" && chmod -R a-w "$VENV"
  fi
fi
