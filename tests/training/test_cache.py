"""The training cache: a key changes with each thing that determines a run and nothing else; a hit says it was
reused; a killed run leaves no half-written entry; concurrent graders train a key once; a verification re-trains."""
import copy
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from torch import nn

from grader import spec
from grader.checks.training import check_training
from grader.results import Status
from grader.training import data as fashion_mnist
from grader.training import profiles
from grader.training.cache import TrainingCache, key_of, key_parts, network_text
from grader.training.network import fetch_network
from grader.training.reuse import CacheUse
from tests.training.conftest import REPO
from tests.training.idx_files import write_band_dataset
from tests.training.test_check import tiny_budget  # noqa: F401 — a fixture, found by name

# the book's VGG block written as a class with its own names (d2l-en style): the same computation as the reference
CLASS_VGG = '''
import torch
from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        convs = []
        for _ in range(num_convs):
            convs += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
            in_channels = out_channels
        self.body = nn.Sequential(*convs, nn.MaxPool2d(kernel_size=2, stride=2))

    def forward(self, x):
        return self.body(x)


def vgg_block(num_convs, in_channels, out_channels):
    return VGGBlock(num_convs, in_channels, out_channels)


class VGG(nn.Module):
    def __init__(self, conv_arch, in_channels=1, num_classes=10, input_size=224, hidden=4096, dropout=0.5):
        super().__init__()
        blocks = []
        for (num_convs, out_channels) in conv_arch:
            blocks.append(vgg_block(num_convs, in_channels, out_channels))
            in_channels = out_channels
        self.features = nn.Sequential(*blocks)
        side = input_size // 2 ** len(conv_arch)
        self.fc1 = nn.Linear(in_channels * side * side, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, num_classes)
        self.drop = nn.Dropout(dropout)  # one dropout used twice: the same computation as the book's two

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        x = self.drop(torch.relu(self.fc1(x)))
        x = self.drop(torch.relu(self.fc2(x)))
        return self.out(x)


def vgg(conv_arch, **kwargs):
    return VGG(conv_arch, **kwargs)
'''


@pytest.fixture
def band(band_data):
    return fashion_mnist.load(band_data)


def _network(submission, model="vgg", profile="cpu"):
    chosen = profiles.get(model, profile)
    return fetch_network(submission, chosen.plan, chosen.loop.input_size), chosen


def test_equal_networks_written_differently_have_one_key_and_each_part_changes_it(reference, make_submission, band):
    ours, chosen = _network(reference)
    theirs, _ = _network(make_submission({"vgg": CLASS_VGG}))
    base = key_parts(ours, chosen, 0, band, "cpu")
    assert network_text(ours) == network_text(theirs)  # the grader's rebuilt copies, named by the grader
    assert key_of(key_parts(theirs, chosen, 0, band, "cpu")) == key_of(base)

    wider = copy.deepcopy(ours)
    wider[0].layer0 = nn.Conv2d(1, wider[0].layer0.out_channels, kernel_size=3, padding=2)  # one hyper-parameter
    other_data = fashion_mnist.FashionMNIST(band.train_images.clone(), band.train_labels, band.test_images,
                                            band.test_labels, source=band.source)
    other_data.train_images[0, 0, 0] ^= 1  # one pixel of one image
    changed = {
        "seed": key_parts(ours, chosen, 1, band, "cpu"),
        "profile": key_parts(ours, replace(chosen, name="gpu"), 0, band, "cpu"),
        "loop": key_parts(ours, replace(chosen, loop=replace(chosen.loop, lr=chosen.loop.lr * 2)), 0, band, "cpu"),
        "network": key_parts(wider, chosen, 0, band, "cpu"),
        "data": key_parts(ours, chosen, 0, other_data, "cpu"),
    }
    for part, parts in changed.items():
        assert key_of(parts) != key_of(base), part
        assert [name for name in parts if parts[name] != base[name]] == [part], part


def test_a_layer_shared_at_two_places_is_not_two_copies_of_it():
    torch.manual_seed(0)
    twice = nn.Linear(8, 8)
    shared = nn.Sequential(twice, nn.ReLU(), twice)
    copies = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8))
    relu = nn.ReLU()
    assert network_text(shared) != network_text(copies)
    assert network_text(nn.Sequential(nn.Linear(8, 8), relu, nn.Linear(8, 8), relu)) == network_text(
        nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU()))  # a stateless layer shared or not
    assert network_text(copies) != network_text(nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 9)))


def test_the_key_names_the_device_the_torch_and_the_kit(reference, band, monkeypatch):
    network, chosen = _network(reference)
    parts = key_parts(network, chosen, 0, band, "cpu")
    assert parts["device"]["type"] == "cpu" and parts["device"]["threads"] == torch.get_num_threads()
    assert parts["torch"] == torch.__version__ and parts["kit"].startswith("0.1.0:")
    monkeypatch.setattr(torch, "get_num_threads", lambda: 97)
    assert key_parts(network, chosen, 0, band, "cpu")["device"] != parts["device"]


def test_the_cpu_run_is_deterministic_for_one_key(reference, band_data, tiny_budget):  # noqa: F811
    from grader.training.runner import run_training
    tiny_budget("vgg", 0.5)
    runs = [run_training("vgg", reference, profile="cpu", data_root=band_data).record for _ in range(2)]
    assert runs[0]["curve"] == runs[1]["curve"] and runs[0]["test_accuracy"] == runs[1]["test_accuracy"]
    assert len(runs[0]["curve"]["loss"]) == 5  # 25 steps, a point every 5: the loss of every window is equal


def _train_counting(monkeypatch):
    from grader.training import reuse
    calls = []
    real = reuse.train_and_judge

    def counting(*args, **kwargs):
        calls.append(args[1].model)
        return real(*args, **kwargs)

    monkeypatch.setattr(reuse, "train_and_judge", counting)
    return calls


def test_a_hit_is_not_trained_and_says_it_was_reused(reference, band_data, tiny_budget,  # noqa: F811
                                                     tmp_path, monkeypatch):
    tiny_budget("vgg", 0.5)
    calls = _train_counting(monkeypatch)
    cache = {"folder": str(tmp_path / "cache")}
    first = check_training(reference, spec.task("train_vgg"), profile="cpu", data_root=band_data, cache=cache)
    second = check_training(reference, spec.task("train_vgg"), profile="cpu", data_root=band_data, cache=cache)
    assert calls == ["vgg"] and first.status is second.status is Status.PASSED
    assert "not trained again" not in first.feedback
    assert second.feedback.startswith("same network as a run recorded on ") and "not trained again" in second.feedback
    assert first.feedback.split("≥")[0].split()[-1] == second.feedback.split("≥")[0].split()[-1]  # the accuracy
    entry = next((tmp_path / "cache").glob("*.json"))
    assert str(entry) in second.feedback and entry.with_suffix(".png").is_file()
    assert "submission" not in json.loads(entry.read_text())["record"]  # the first student stays private

    check_training(reference, spec.task("train_vgg"), profile="cpu", data_root=band_data, cache=cache, seed=1)
    assert calls == ["vgg", "vgg"]  # another seed: another key, trained
    events = [e["event"] for e in TrainingCache(tmp_path / "cache").events()]
    assert events == ["trained", "reused", "trained"]


def test_a_recorded_result_is_judged_by_todays_threshold(reference, band_data, tiny_budget, tmp_path):  # noqa: F811
    cache = {"folder": str(tmp_path / "cache")}
    tiny_budget("vgg", 0.5)
    check_training(reference, spec.task("train_vgg"), profile="cpu", data_root=band_data, cache=cache)
    tiny_budget("vgg", 1.01)
    again = check_training(reference, spec.task("train_vgg"), profile="cpu", data_root=band_data, cache=cache)
    assert again.status is Status.FAILED and "below the threshold 1.01" in again.feedback
    assert "same network as a run recorded" in again.feedback


def test_an_unreadable_or_foreign_entry_is_a_miss(tmp_path):
    cache = TrainingCache(tmp_path)
    (tmp_path / "abc.json").write_text('{"key": "abc", "rec')  # cut short
    (tmp_path / "def.json").write_text('{"key": "other", "record": {}}')  # not this key's
    assert cache.lookup("abc") is None and cache.lookup("def") is None and cache.lookup("none") is None
    stored = cache.store("abc", {"seed": 0}, {"test_accuracy": 0.5})
    assert cache.lookup("abc") == stored


def test_a_write_cut_short_leaves_no_entry(tmp_path, monkeypatch):
    cache = TrainingCache(tmp_path)

    def half_then_fail(entry, handle, **kwargs):
        handle.write(json.dumps(entry)[:20])
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", half_then_fail)
    with pytest.raises(OSError):
        cache.store("abc", {}, {"test_accuracy": 0.5})
    assert cache.lookup("abc") is None and list(tmp_path.iterdir()) == []


def _python(code, **env):
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_killed_run_leaves_no_entry_and_no_lock(tmp_path):
    writer = _python(f"""
        import json, time
        from pathlib import Path
        from grader.training.cache import TrainingCache
        cache = TrainingCache({str(tmp_path)!r})
        real = json.dump
        def slow(entry, handle, **kwargs):
            handle.write(json.dumps(entry)[:30]); handle.flush()
            print("writing", flush=True); time.sleep(60)
        json.dump = slow
        with cache.claim("abc"):
            cache.store("abc", {{}}, {{"test_accuracy": 0.5}})
        """)
    assert writer.stdout.readline().strip() == "writing"  # mid-write, holding the key's lock
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    cache = TrainingCache(tmp_path)
    assert cache.lookup("abc") is None and not (tmp_path / "abc.json").exists()
    started = time.monotonic()
    with cache.claim("abc"):  # the kernel dropped the dead grader's lock
        assert time.monotonic() - started < 5


CONCURRENT = """
    import json, os, sys, time
    from pathlib import Path
    from grader import spec
    from grader.checks.training import check_training
    from grader.training import cache, profiles, reuse
    from grader.training.command import open_for_training
    from tests.training.conftest import shrink_loop

    class Patch:  # shrink_loop wants pytest's monkeypatch: this one never undoes
        def setitem(self, mapping, key, value):
            mapping[key] = value
    shrink_loop(Patch(), "vgg", steps=25, batch_size=32, test_images=200, lr=3e-3)
    profiles.CALIBRATION["cpu"]["vgg"] = {"threshold": 0.5, "provisional": False, "reference": {}}
    real_train, real_claim = reuse.train_and_judge, cache.TrainingCache.claim
    def claim(self, key):
        print("asking", flush=True)
        return real_claim(self, key)
    def train_when_told(*args, **kwargs):  # training starts, then waits for the test's go-ahead
        print("training", flush=True)
        while not Path(GO).exists():
            time.sleep(0.05)
        return real_train(*args, **kwargs)
    cache.TrainingCache.claim, reuse.train_and_judge = claim, train_when_told
    submission = open_for_training(None)
    result = check_training(submission, spec.task("train_vgg"), profile="cpu", data_root=DATA, cache={"folder": CACHE})
    print(json.dumps({"status": result.status.value, "feedback": result.feedback}), flush=True)
"""


def _wait_for(process, line):
    seen = []
    while (text := process.stdout.readline()) and text.strip() != line:
        seen.append(text)
    assert text.strip() == line, (seen, process.stderr.read()[-2000:])


def test_two_graders_asking_for_one_key_at_once_train_it_once(band_data, tmp_path):
    go = tmp_path / "go"
    code = (CONCURRENT.replace("DATA", repr(str(band_data))).replace("CACHE", repr(str(tmp_path / "c")))
            .replace("GO", repr(str(go))))
    first = _python(code, OMP_NUM_THREADS="1")
    _wait_for(first, "training")  # the first holds the key's lock and trains
    second = _python(code, OMP_NUM_THREADS="1")
    _wait_for(second, "asking")  # the second missed the entry and asks for the lock while the first trains
    time.sleep(0.5)
    go.touch()
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], [err[-2000:] for _, err in outputs]
    assert "training" not in outputs[1][0]  # the second waited for the first's result instead of training
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert [r["status"] for r in results] == ["passed", "passed"]
    assert "same network as a run recorded" in results[1]["feedback"]
    assert [e["event"] for e in TrainingCache(tmp_path / "c").events()] == ["trained", "reused"]


def test_verification_retrains_hits_and_reports_a_mismatch(reference, band_data, tiny_budget, tmp_path,  # noqa: F811
                                                           monkeypatch):
    from grader.autograde import training_line
    from grader.autograde.runner import TRAINING_CACHE, training_stats
    tiny_budget("vgg", 0.5)
    calls = _train_counting(monkeypatch)
    folder = tmp_path / TRAINING_CACHE
    use = CacheUse(str(folder), verify=1, run="7").to_dict()
    check_training(reference, spec.task("train_vgg"), profile="cpu", data_root=band_data, cache=use)
    verified = check_training(reference, spec.task("train_vgg"), profile="cpu", data_root=band_data, cache=use)
    assert calls == ["vgg", "vgg"] and verified.feedback.startswith("re-trained to verify the run recorded on ")
    reused = check_training(reference, spec.task("train_vgg"), profile="cpu", data_root=band_data, cache=use)
    assert calls == ["vgg", "vgg"] and "not trained again" in reused.feedback  # the run's one verification is spent

    entry = next(folder.glob("*.json"))
    tampered = json.loads(entry.read_text())
    tampered["record"]["test_accuracy"] = 0.123
    entry.write_text(json.dumps(tampered))
    again = CacheUse(str(folder), verify=1, run="8").to_dict()
    mismatched = check_training(reference, spec.task("train_vgg"), profile="cpu", data_root=band_data, cache=again)
    assert "which had test accuracy 0.123: this run decides" in mismatched.feedback
    assert mismatched.status is Status.PASSED  # judged by the fresh run, not by the record
    counts = training_stats(tmp_path, "7")
    assert (counts["trained"], counts["verified"], counts["reused"], counts["mismatch"]) == (1, 1, 1, 0)
    counts = training_stats(tmp_path, "8")
    assert counts["mismatch"] == 1 and counts["mismatches"][0]["recorded_accuracy"] == 0.123
    assert "1 did NOT reproduce" in training_line(counts, tmp_path)


def test_the_band_data_fixture_is_what_the_cache_hashes(tmp_path):
    """Guard for the tests above: the same files give the same digest, a rewritten file another one."""
    from grader.training.cache import data_digest
    a, b = write_band_dataset(tmp_path / "a"), write_band_dataset(tmp_path / "b")
    assert data_digest(fashion_mnist.read_folder(a)) == data_digest(fashion_mnist.read_folder(b))
    c = write_band_dataset(tmp_path / "c", n_train=641)
    assert data_digest(fashion_mnist.read_folder(c)) != data_digest(fashion_mnist.read_folder(a))
