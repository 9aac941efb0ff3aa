"""Train a network once per key: reuse a recorded result and say so, wait for a grader already training the key,
and re-train a sample of hits on demand to prove the record still holds."""
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from grader.i18n import _
from grader.training.cache import TrainingCache, key_of, key_parts
from grader.training.loop import History
from grader.training.runner import Outcome, train_and_judge, verdict_feedback

# what a record keeps of the run that made it: the student and the start time are the current request's own
RUN_FIELDS = ("parameters", "seconds", "train_seconds", "images_per_second", "train_accuracy", "test_accuracy",
              "test_images", "verdict", "curve", "started", "device")


@dataclass(frozen=True)
class CacheUse:
    folder: str             # the cache's folder
    verify: int = 0         # hits of this run to re-train and compare with their record (autograde --verify-cache)
    run: str = ""           # names the run whose hits `verify` counts (graders of one autograde run share it)
    who: str = ""           # the student, for the cache's log (autograde: the gradebook's name)

    @classmethod
    def from_dict(cls, data):
        """From the plain dict a grader child receives (None or {} -> None: no cache)."""
        if not data:
            return None
        return cls(str(data["folder"]), int(data.get("verify", 0)), str(data.get("run", "")), str(data.get("who", "")))

    def to_dict(self):
        return {"folder": self.folder, "verify": self.verify, "run": self.run, "who": self.who}


def _history(curve, record):
    """The recorded curve as a loop.History (for the PNG and the command's summary)."""
    return History(steps=list(curve.get("steps", [])), loss=list(curve.get("loss", [])),
                   accuracy=list(curve.get("train_accuracy", [])), test_steps=list(curve.get("test_steps", [])),
                   test_accuracy=list(curve.get("test_accuracy", [])),
                   images_per_second=float(record.get("images_per_second") or 0.0),
                   train_seconds=float(record.get("train_seconds") or 0.0))


def _take_verification(cache, use):
    """True for the first `use.verify` hits of run `use.run`, across every grader of that run (a counter file)."""
    if use.verify <= 0:
        return False
    cache.folder.mkdir(parents=True, exist_ok=True)
    with open(cache.folder / f"verify-{use.run or 'run'}.count", "a+") as counter:
        fcntl.flock(counter, fcntl.LOCK_EX)
        counter.seek(0)
        taken = len(counter.read())  # one character per verification taken
        if taken >= use.verify:
            return False
        counter.write("v")
        counter.flush()
        os.fsync(counter.fileno())
    return True


def _store(cache, key, parts, outcome, chosen):
    """Record a finished run (a verdict from its accuracy) with its curve PNG; other outcomes (out of memory, a
    network that failed on a batch) depend on the machine's state more than on the key: they are not kept."""
    if outcome.history is None:
        return
    from grader.training.curve import plot_curve
    kept = {name: outcome.record[name] for name in RUN_FIELDS if name in outcome.record}
    plot_curve(outcome.history, cache.curve_path(key), f"{chosen.model} ({chosen.name} profile): test acc "
               f"{outcome.history.final_test_accuracy:.3f}", chosen.threshold)
    cache.store(key, parts, kept)


def _reused(cache, key, entry, chosen, record):
    """The Outcome of a hit: the recorded run's numbers, judged by today's threshold, saying where they come from."""
    kept = entry["record"]
    accuracy = float(kept["test_accuracy"])
    verdict, feedback = verdict_feedback(chosen, accuracy)
    recorded = str(entry.get("recorded", "?"))
    reused = {"key": key, "recorded": recorded, "record": str(cache.entry_path(key)),
              "curve": str(cache.curve_path(key))}
    record.update({name: kept[name] for name in RUN_FIELDS if name in kept}, verdict=verdict, reused=reused)
    note = _("same network as a run recorded on {date} (not trained again; record {record}, curve {curve}): ").format(
        date=recorded[:10], record=reused["record"], curve=reused["curve"])
    return Outcome(verdict, note + feedback, record, _history(kept.get("curve", {}), kept))


def _who(use, record):
    return use.who or record.get("submission")


def train_or_reuse(use, network, chosen, dataset, seed, device, record, on_log=None):
    """The Outcome for the (initialised) `network`: the cache's, when a run with the same key is recorded;
    otherwise trained here (or by the grader already training that key, which this one waits for) and recorded."""
    cache = TrainingCache(use.folder)
    parts = key_parts(network, chosen, seed, dataset, device)
    key = key_of(parts)
    entry = cache.lookup(key)
    if entry is None:
        with cache.claim(key):
            entry = cache.lookup(key)  # a grader that held the lock before this one may have recorded it
            if entry is None:
                outcome = train_and_judge(network, chosen, dataset, seed, device, record, on_log)
                _store(cache, key, parts, outcome, chosen)
                cache.log("trained", key, run=use.run, model=chosen.model, submission=_who(use, record),
                          test_accuracy=outcome.record.get("test_accuracy"))
                return outcome
    if _take_verification(cache, use):
        return _verify(cache, use, key, entry, network, chosen, dataset, seed, device, record, on_log)
    cache.log("reused", key, run=use.run, model=chosen.model, submission=_who(use, record))
    return _reused(cache, key, entry, chosen, record)


def _verify(cache, use, key, entry, network, chosen, dataset, seed, device, record, on_log):
    """Re-train a hit: the fresh run decides; a test accuracy other than the recorded one is logged as a mismatch."""
    outcome = train_and_judge(network, chosen, dataset, seed, device, record, on_log)
    recorded, fresh = entry["record"].get("test_accuracy"), outcome.record.get("test_accuracy")
    same = fresh is not None and recorded == fresh
    cache.log("verified" if same else "mismatch", key, run=use.run, model=chosen.model, submission=_who(use, record),
              recorded_accuracy=recorded, test_accuracy=fresh)
    outcome.record["verified"] = {"key": key, "recorded_accuracy": recorded, "reproduced": same,
                                  "record": str(Path(cache.entry_path(key)))}
    note = (_("re-trained to verify the run recorded on {date}: same test accuracy. ") if same else
            _("re-trained to verify the run recorded on {date}, which had test accuracy {recorded}: this run "
              "decides. "))
    outcome.feedback = note.format(date=str(entry.get("recorded", "?"))[:10], recorded=recorded) + outcome.feedback
    return outcome
