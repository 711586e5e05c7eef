"""models.training.speed: a few timed steps of the run that would start (issue 12.2)."""

from __future__ import annotations

import threading

import pytest

from models.config import VoiceConfig
from models.training.speed import SpeedCancelled, SpeedError, measure_speed

from .conftest import drain


def test_measures_a_few_steps_and_writes_nothing(tiny_dataset, tmp_path):
    dataset, cache = tiny_dataset
    before = sorted(p.name for p in dataset.rglob("*"))
    gen = measure_speed(dataset, VoiceConfig.tiny(), feature_cache=cache, device="cpu", steps=2)
    items, estimate = drain(gen)
    assert [(p.done, p.total) for p in items] == [(1, 3), (2, 3), (3, 3)]
    assert estimate.steps == 2 and estimate.device == "cpu" and estimate.preset == "tiny"
    assert 0 < estimate.seconds_per_step < 30 and estimate.seconds_for(100) == 100 * estimate.seconds_per_step
    assert sorted(p.name for p in dataset.rglob("*")) == before


def test_a_slow_first_step_is_the_measurement(tiny_dataset):
    dataset, cache = tiny_dataset
    items, estimate = drain(
        measure_speed(dataset, VoiceConfig.tiny(), feature_cache=cache, device="cpu", budget_s=1e-6)
    )
    assert estimate.steps == 1 and [(p.done, p.total) for p in items] == [(4, 4)]


def test_cancel_and_errors(tiny_dataset, tmp_path):
    dataset, cache = tiny_dataset
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SpeedCancelled):
        drain(measure_speed(dataset, VoiceConfig.tiny(), feature_cache=cache, device="cpu", cancel=cancel))
    with pytest.raises(SpeedError):
        drain(measure_speed(dataset, VoiceConfig.tiny(), feature_cache=tmp_path / "none", device="cpu"))
    with pytest.raises(SpeedError):
        drain(measure_speed(dataset, VoiceConfig.tiny(), feature_cache=cache, base=tmp_path / "no.pth"))
