"""How long a run would take on this device: a few real training steps, timed.

:func:`measure_speed` builds what the trainer would build for a *new* run (the same starting point:
the base model's architecture or the dataset-sized scratch model, the same clips, batch and
precision) and times a few generator + discriminator steps on it. The first step is a warm-up
(allocations, kernel choice) and is not counted unless it alone takes longer than half the time
budget (a full-size model on a CPU): then it is the measurement, a little on the slow side. Nothing
is written: the run folder is not touched (a throw-away folder stands in for it).

The estimate counts training steps only; validation and checkpoints add a few percent.
"""

from __future__ import annotations

import math
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from models.config import VoiceConfig
from models.devices import DeviceUnavailable, resolve_device
from models.training.checkpoints import Checkpoints
from models.training.dataset import DatasetError, EpochSampler, load_clips, split_clips
from models.training.engine import Engine, resolve_precision
from models.training.start import StartError, starting_point

MEASURED_STEPS = 3
BUDGET_S = 20.0


class SpeedCancelled(Exception):
    """The measurement was cancelled between steps."""


class SpeedError(ValueError):
    """The run could not be set up to be measured (message says why: dataset, base, device)."""


@dataclass(frozen=True)
class SpeedProgress:
    """``done`` of ``total`` steps measured so far (step 0 is the warm-up)."""

    done: int
    total: int


@dataclass(frozen=True)
class SpeedEstimate:
    """seconds_per_step: measured; steps: how many were timed; device: where (e.g. ``cpu``, ``cuda:0``)."""

    seconds_per_step: float
    steps: int
    device: str
    preset: str

    def seconds_for(self, steps: int) -> float:
        """Estimated seconds for ``steps`` training steps."""
        return self.seconds_per_step * max(0, steps)


def measure_speed(
    dataset_dir: str | Path,
    config: VoiceConfig,
    *,
    feature_cache: str | Path,
    base: str | Path | None = None,
    device: str | None = None,
    cancel: threading.Event | None = None,
    steps: int = MEASURED_STEPS,
    budget_s: float = BUDGET_S,
) -> Iterator[SpeedProgress]:
    """Times up to ``steps`` training steps (after one warm-up step) within about ``budget_s``.

    Yields :class:`SpeedProgress` after each step; returns a :class:`SpeedEstimate`.

    Raises:
        SpeedError: the dataset, the base model or the device cannot be used (as training would say).
        SpeedCancelled: ``cancel`` was set.
    """
    cancel = cancel or threading.Event()
    try:
        dev = resolve_device(device)
    except DeviceUnavailable as exc:
        raise SpeedError(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="voicecraft-speed-") as scratch:
        try:
            start = starting_point(Checkpoints(scratch, 1), dataset_dir, config, base)
        except StartError as exc:
            raise SpeedError(str(exc)) from None
    config = start.config
    del start  # the base's weights do not change the speed
    t = config.train
    precision, _ = resolve_precision(t.precision, dev)
    try:
        clips, _ = load_clips(dataset_dir, feature_cache, config)
        train_clips, _ = split_clips(clips, t.val_clips)
        sampler = EpochSampler(train_clips, config)
    except DatasetError as exc:
        raise SpeedError(str(exc)) from None
    if cancel.is_set():
        raise SpeedCancelled()
    engine = Engine(config, dev, precision)
    batch_size = min(t.batch_size, len(sampler))
    epoch = position = 0
    timed: list[float] = []
    began = time.perf_counter()
    total = steps + 1
    for i in range(total):
        if cancel.is_set():
            raise SpeedCancelled()
        batches = []
        for _ in range(engine.accum_steps):
            batch, epoch, position = sampler.batch(epoch, position, batch_size)
            batches.append(batch)
        started = time.perf_counter()
        engine.step(batches)  # returns float losses: the device has finished the step
        dt = time.perf_counter() - started
        del batches
        if i == 0 and dt > budget_s / 2:
            timed = [dt]  # a slow device: the warm-up is the measurement
            yield SpeedProgress(total, total)
            break
        if i > 0:
            timed.append(dt)
        yield SpeedProgress(i + 1, total)
        if i > 0 and time.perf_counter() - began > budget_s:
            break
    del engine
    if dev.type == "cuda":  # the app's process measured: give the memory back before the trainer starts
        import torch

        torch.cuda.empty_cache()
    per_step = math.fsum(timed) / len(timed)
    return SpeedEstimate(per_step, len(timed), str(dev), config.preset)
