#!/usr/bin/env bash
# One lent-GPU session, in one go: calibrate the gpu profile, then the speed benchmark per model (bf16/channels_last each).
#   OUT=runs/gpu FASHION_MNIST=/usr/share/datasets/fashion-mnist bash benchmarks/gpu_session.sh
# Every result lands in $OUT as it is made, so a session cut short keeps what it finished.
set -u
OUT=${OUT:-runs/gpu}
DATA=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
PYTHON=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
mkdir -p "$OUT"
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  nproc; $PYTHON -c 'import torch, sys; print(sys.version.split()[0], torch.__version__, torch.version.cuda)'; } \
  > "$OUT/machine.txt" 2>&1
# 1. thresholds: 5 reference seeds per model and one run of each broken network
$PYTHON benchmarks/calibrate_training.py --profile gpu --seeds 5 --broken-seeds 1 --data "$DATA" \
  --runs-log "$OUT/calibration-gpu.jsonl" --note "one lent GPU, $(head -1 "$OUT/machine.txt")" \
  > "$OUT/calibration.log" 2>&1
cp grader/training/thresholds.py "$OUT/thresholds.py"
# 2. speed: book loop vs ours vs the bare model, the profile's own settings, then bf16 / channels_last switched off
for model in alexnet vgg nin; do
  $PYTHON benchmarks/train_speed.py --profile gpu --model "$model" --steps 50 --data "$DATA"
done > "$OUT/speed.log" 2>&1
for switch in "--bf16 off" "--channels-last off" "--bf16 off --channels-last off"; do
  echo "== alexnet $switch"; $PYTHON benchmarks/train_speed.py --profile gpu --model alexnet --steps 50 \
    --data "$DATA" --only ours $switch
done > "$OUT/ablation.log" 2>&1
echo finished >> "$OUT/machine.txt"
