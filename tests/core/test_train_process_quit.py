"""Quitting during a training step: the child is asked to stop, and when it does not finish in
time, :func:`end_training_processes` ends it and the generator driving it stops at once."""

from __future__ import annotations

import threading
import time

from tests.core.stubborn_child import stubborn_child
from voicecraft_desktop.core import train_process
from voicecraft_desktop.core.train_process import TrainProcessError, end_training_processes, train_in_process


def test_a_child_that_ignores_its_cancel_is_ended(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(train_process, "_child_main", stubborn_child)
    cancel = threading.Event()
    gen = train_in_process(tmp_path / "run", tmp_path, None, feature_cache=tmp_path, cancel=cancel)
    assert next(gen) == "step 1"
    cancel.set()
    done = threading.Event()
    outcome: list = []

    def drive() -> None:
        try:
            next(gen)
        except BaseException as error:  # noqa: BLE001 - what the worker would see
            outcome.append(error)
        done.set()

    thread = threading.Thread(target=drive)
    thread.start()
    assert not done.wait(0.5)  # asked to stop, still in its step
    t0 = time.monotonic()
    assert end_training_processes() == 1
    assert done.wait(10) and time.monotonic() - t0 < 6
    thread.join()
    assert isinstance(outcome[0], TrainProcessError) and "ended" in str(outcome[0])
    assert end_training_processes() == 0
