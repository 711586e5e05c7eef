"""Training in a child process (:mod:`voicecraft_desktop.core.train_process`): the same progress and
result as the in-process trainer, cancel, pause and close honoured, the trainer's errors passed
through, and a child that dies reported without taking the caller down."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

import pytest

from models.config import VoiceConfig
from models.training import TrainingError, TrainProgress, TrainResult
from tests.training.conftest import drain, make_dataset
from voicecraft_desktop.core.runs import run_status
from voicecraft_desktop.core.train_process import TrainProcessError, train_in_process


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("proc-ds"), VoiceConfig.tiny(), [1.2, 1.5, 2.0, 1.4, 1.8])


def _train(tmp_path, dataset, **kwargs):
    folder, cache = dataset
    return train_in_process(tmp_path / "run", folder, VoiceConfig.tiny(), feature_cache=cache, device="cpu",
                            threads=1, **kwargs)


def _children() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "voicecraft-train"]


def test_trains_in_a_child_and_returns_the_trainers_result(tmp_path, dataset):
    items, result = drain(_train(tmp_path, dataset, max_steps=3))
    assert items and all(isinstance(p, TrainProgress) for p in items)
    assert [p.step for p in items if p.phase == "train"] == [1, 2, 3]
    assert items[-1].phase == "done"
    assert isinstance(result, TrainResult) and result.step == 3 and not result.cancelled
    assert result.last_checkpoint is not None and result.last_checkpoint.is_file()
    assert run_status(tmp_path / "run").step == 3
    assert not _children()


def test_cancel_stops_after_the_step_with_a_checkpoint(tmp_path, dataset):
    cancel = threading.Event()
    gen = _train(tmp_path, dataset, max_steps=50, cancel=cancel)
    while True:
        try:
            p = next(gen)
        except StopIteration as done:
            result = done.value
            break
        if p.phase == "train":
            cancel.set()
    assert result.cancelled and 1 <= result.step < 50
    assert run_status(tmp_path / "run").step == result.step
    assert not _children()


def test_pause_waits_between_steps_until_cleared(tmp_path, dataset):
    pause = threading.Event()
    gen = _train(tmp_path, dataset, max_steps=8, pause=pause)
    phases = []
    for p in gen:
        phases.append(p.phase)
        if p.phase == "train" and p.step == 1:
            pause.set()
        if p.phase == "paused":
            pause.clear()
    assert "paused" in phases
    assert phases.index("paused") < len(phases) - 1  # it went on after the pause
    assert run_status(tmp_path / "run").step == 8


def test_the_trainers_error_comes_through_with_its_type_and_message(tmp_path):
    missing = tmp_path / "no such dataset"
    with pytest.raises(TrainingError) as info:
        drain(train_in_process(tmp_path / "run", missing, VoiceConfig.tiny(),
                               feature_cache=tmp_path / "cache", device="cpu", threads=1))
    assert "no such dataset" in str(info.value)
    assert "Traceback" in str(info.value.__cause__)  # the child's traceback rides along as the cause
    assert not _children()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_child_is_an_error_not_a_crash(tmp_path, dataset):
    gen = _train(tmp_path, dataset, max_steps=1000)
    with pytest.raises(TrainProcessError, match="ended unexpectedly"):
        for p in gen:
            if p.phase == "train":
                (child,) = _children()
                os.kill(child.pid, signal.SIGKILL)
    assert not _children()


def test_closing_the_generator_stops_the_child_cleanly(tmp_path, dataset):
    gen = _train(tmp_path, dataset, max_steps=1000)
    for p in gen:
        if p.phase == "train" and p.step >= 2:
            break
    gen.close()  # what the worker does when the app shuts down
    assert not _children()
    status = run_status(tmp_path / "run")
    assert 2 <= status.step < 1000  # the final checkpoint of the stopped run was written


def test_a_second_child_on_the_same_run_says_already_training(tmp_path, dataset):
    """Issue 20.5: the lock lives in the trainer, so the app's training child honours it too."""
    cancel = threading.Event()
    first = _train(tmp_path, dataset, max_steps=500, cancel=cancel)
    assert next(first).phase == "starting"
    child = _children()[0]
    with pytest.raises(TrainingError, match=rf"already training \(pid {child.pid}\)"):
        drain(_train(tmp_path, dataset, max_steps=2))
    cancel.set()
    _, result = drain(first)
    assert result.cancelled and not (tmp_path / "run" / "train.lock").exists()
