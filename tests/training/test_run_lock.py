"""One trainer per run folder (issue 20.5): a lock file with the owner's pid, released on every exit
path, a clear "already training (pid N)" for the second trainer, stale locks (a killed owner, a dead
or reused pid) taken over."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from models.config import VoiceConfig
from models.training import TrainingError, train
from voicecraft_desktop import cli

from .conftest import cli as cli_process
from .conftest import drain

LOCK = "train.lock"


def _train(run_dir, tiny_dataset, **kwargs):
    dataset, cache = tiny_dataset
    return train(run_dir, dataset, VoiceConfig.tiny(), feature_cache=cache, device="cpu", **kwargs)


def test_a_second_trainer_on_the_same_run_is_refused_until_the_first_ends(tiny_dataset, tmp_path):
    run_dir = tmp_path / "run"
    first = _train(run_dir, tiny_dataset, max_steps=2)
    assert next(first).phase == "starting"
    second = _train(run_dir, tiny_dataset, max_steps=2)
    with pytest.raises(TrainingError, match=rf"already training \(pid {os.getpid()}\)"):
        next(second)
    items, result = drain(first)
    assert result.step == 2 and not (run_dir / LOCK).exists(), "released at the end"
    _, again = drain(_train(run_dir, tiny_dataset, max_steps=3))
    assert again.step == 3


def test_the_lock_is_released_on_cancel_close_and_errors(tiny_dataset, tmp_path):
    run_dir = tmp_path / "run"
    gen = _train(run_dir, tiny_dataset, max_steps=50)
    next(gen)
    assert (run_dir / LOCK).is_file()
    gen.close()  # the consumer stopped iterating (the app closing)
    assert not (run_dir / LOCK).exists()
    dataset, _ = tiny_dataset
    bad = train(run_dir, dataset, VoiceConfig.tiny(), feature_cache=tmp_path / "no-cache", device="cpu",
                max_steps=60)
    with pytest.raises(TrainingError):
        drain(bad)
    assert not (run_dir / LOCK).exists(), "released after an exception"


def test_second_cli_run_says_already_training_and_a_killed_owner_is_taken_over(
    tiny_dataset, tmp_home, capsys
):
    dataset, cache = tiny_dataset
    args = ["train", "--voice", "Locked", "--preset", "tiny", "--dataset", str(dataset), "--feature-cache",
            str(cache), "--device", "cpu", "--no-export"]
    first = cli_process([*args, "--steps", "100000"])
    run_dir = tmp_home / "data" / "runs" / "locked"
    try:
        deadline = time.monotonic() + 120
        while not (run_dir / "run.json").is_file():
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first run did not start"
            time.sleep(0.2)
        code = cli.main([*args, "--steps", "2"])
        err = capsys.readouterr().err
        assert code == 1 and f"already training (pid {first.pid})" in err
        lines = err.strip().splitlines()
        # One error line, last; at most the new-run note ("preset tiny: training from scratch") before it.
        assert "Traceback" not in err and "already training" in lines[-1] and len(lines) <= 2, err
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate()
    held = json.loads((run_dir / LOCK).read_text())
    assert held["pid"] == first.pid, "kill -9 leaves the lock behind"
    code = cli.main([*args, "--steps", "2"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert not (run_dir / LOCK).exists()


@pytest.mark.parametrize("use_flock", [True, False])
def test_stale_locks_are_taken_over_live_ones_refused(tmp_path, use_flock):
    """Without flock (pid protocol): a dead pid or a pid reused by a later process is stale."""
    from models.training.runlock import RunLock, RunLockedError, process_start_time

    lock_file = tmp_path / LOCK
    dead = {"pid": 2**22 + 12345, "start_time": 1.0, "host": os.uname().nodename}
    lock_file.write_text(json.dumps(dead))
    with RunLock(tmp_path, use_flock=use_flock) as lock:
        assert lock.note and f"pid {dead['pid']}" in lock.note
        with pytest.raises(RunLockedError, match=rf"already training \(pid {os.getpid()}\)"):
            RunLock(tmp_path, use_flock=use_flock).acquire()
    assert not lock_file.exists()
    # pid 1 is alive but started long before the time this lock names: a reused pid
    reused = {"pid": 1, "start_time": (process_start_time(1) or 0) + 1e6, "host": os.uname().nodename}
    lock_file.write_text(json.dumps(reused))
    with RunLock(tmp_path, use_flock=use_flock) as lock:
        assert lock.note
    if not use_flock:  # the same pid with its real start time is a live owner
        lock_file.write_text(json.dumps({**reused, "start_time": process_start_time(1)}))
        with pytest.raises(RunLockedError, match=r"already training \(pid 1\)"):
            RunLock(tmp_path, use_flock=False).acquire()
