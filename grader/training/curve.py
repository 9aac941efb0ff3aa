"""The learning-curve PNG (matplotlib's headless Agg backend) and the JSON record of one training run."""
import json
from pathlib import Path


def plot_curve(history, path, title, threshold=None):
    """Training loss, training accuracy and test accuracy against steps, as d2l's plot shows them; -> path."""
    import matplotlib
    matplotlib.use("Agg", force=True)  # headless: never a GUI or svg backend, whatever the user configured
    from matplotlib import pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure, loss_axis = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    try:
        loss_axis.plot(history.steps, history.loss, color="tab:blue", label="train loss")
        loss_axis.set_xlabel("step")
        loss_axis.set_ylabel("loss")
        accuracy_axis = loss_axis.twinx()
        accuracy_axis.plot(history.steps, history.accuracy, color="tab:purple", linestyle="--", label="train acc")
        accuracy_axis.plot(history.test_steps, history.test_accuracy, color="tab:green", marker="o",
                           linestyle="-.", label="test acc")
        if threshold is not None:
            accuracy_axis.axhline(threshold, color="tab:red", linewidth=0.8, linestyle=":",
                                  label=f"threshold {threshold:.2f}")
        accuracy_axis.set_ylim(0, 1)
        accuracy_axis.set_ylabel("accuracy")
        lines = loss_axis.get_legend_handles_labels()[0] + accuracy_axis.get_legend_handles_labels()[0]
        labels = loss_axis.get_legend_handles_labels()[1] + accuracy_axis.get_legend_handles_labels()[1]
        loss_axis.legend(lines, labels, loc="center right", fontsize="small")
        loss_axis.set_title(title, fontsize="medium")
        figure.tight_layout()
        figure.savefig(path)
    finally:
        plt.close(figure)
    return path


def write_record(record, path):
    """The run's record as indented JSON at `path` (folders created); -> path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, sort_keys=False) + "\n")
    return path
