"""What the chapter's training plans share: the optimiser and schedule, the gpu profile's loop, pooling layer specs."""

# Optimiser and schedule (docs/TRAINING.md has the comparison, benchmarks/compare_optimisers.py reruns it):
# AdamW with a 10% linear warm-up and a cosine decay is the only one tried that passes every model. d2l's plain
# SGD at the book's lr was still at chance after the cpu budget, and after one gpu epoch left NiN at 0.22
# (AdamW 0.78); SGD with Nesterov momentum diverged on VGG at the book's lr 0.05.
ADAMW = {"optimizer": "adamw", "lr": 1e-3, "warmup": 0.1, "schedule": "cosine"}

# one epoch of the 60,000 images at batch 128; the full test set; bf16 + channels_last on CUDA
GPU_LOOP = {"input_size": 224, "batch_size": 128, "steps": 469, "train_images": 60_000, "test_images": 10_000,
            "evaluations": 4, "bf16": True, "channels_last": True, "log_every": 10, **ADAMW}


def max_pool(kernel, stride):
    return {"type": "MaxPool2d", "args": {"kernel_size": [kernel, kernel], "stride": [stride, stride],
                                          "padding": [0, 0], "dilation": [1, 1], "ceil_mode": False}}


GLOBAL_AVERAGE_POOL = [{"type": "AdaptiveAvgPool2d", "args": {"output_size": [1, 1]}},
                       {"type": "Flatten", "args": {"start_dim": 1, "end_dim": -1}}]
