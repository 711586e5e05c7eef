"""Exact resume across processes: SIGKILL mid-run and SIGKILL mid-checkpoint-write (tiny preset, CPU).

Every run is a ``voicecraft train`` subprocess with one thread and deterministic algorithms, so
"identical" means bit-identical: 20 straight steps == 10 steps, kill -9, resume, 10 more. These
resume at an epoch boundary; tests/training/test_resume_midepoch.py resumes mid-epoch with
gradient accumulation, with controls.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from models.formats.artifact import ArtifactError, load_checkpoint

from .conftest import REPO_ROOT, cli, differences, python

TIMEOUT_S = 240

pytestmark = pytest.mark.slow


def _args(dataset: Path, cache: Path, run_dir: Path, steps: int) -> list[str]:
    return [
        "train",
        "--voice",
        "resume-test",
        "--preset",
        "tiny",
        "--dataset",
        str(dataset),
        "--feature-cache",
        str(cache),
        "--run-dir",
        str(run_dir),
        "--steps",
        str(steps),
        "--device",
        "cpu",
        "--threads",
        "1",
        "--deterministic",
        "--no-export",
    ]


def _finish(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=TIMEOUT_S)
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{out}\nstderr:\n{err}"
    return err


def _assert_same_run(run_dir: Path, straight: Path) -> None:
    """The final step checkpoint and best.ckpt equal the uninterrupted run's in every tensor and value
    (weights, optimisers, both schedules, both scalers, RNGs, data position, validation history, losses)."""
    for name in ("step_00000020.ckpt", "best.ckpt"):
        diff = sorted(
            differences(load_checkpoint(run_dir / "checkpoints" / name), load_checkpoint(straight / name))
        )
        assert not diff, f"{name} differs at {diff[:10]}"


@pytest.fixture(scope="module")
def straight(tiny_dataset, tmp_path_factory):
    """20 uninterrupted steps: their checkpoint folder."""
    dataset, cache = tiny_dataset
    run_dir = tmp_path_factory.mktemp("straight") / "run"
    _finish(cli(_args(dataset, cache, run_dir, 20)))
    return run_dir / "checkpoints"


def test_sigkill_then_resume_is_identical(tiny_dataset, straight, tmp_path):
    dataset, cache = tiny_dataset
    run_dir = tmp_path / "run"
    proc = cli(_args(dataset, cache, run_dir, 1000))  # would run far past step 10
    ckpt10 = run_dir / "checkpoints" / "step_00000010.ckpt"
    deadline = time.monotonic() + TIMEOUT_S
    while not ckpt10.is_file():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert [p.name for p in sorted((run_dir / "checkpoints").glob("step_*.ckpt"))] == ["step_00000010.ckpt"]

    err = _finish(cli(_args(dataset, cache, run_dir, 20)))
    assert "resuming from step_00000010.ckpt (step 10)" in err
    _assert_same_run(run_dir, straight)


def test_sigkill_during_checkpoint_write_keeps_previous(tiny_dataset, straight, tmp_path):
    dataset, cache = tiny_dataset
    run_dir = tmp_path / "run"
    helper = REPO_ROOT / "tests" / "training" / "kill_during_save.py"
    proc = python([str(helper), "step_00000020", *_args(dataset, cache, run_dir, 20)])
    proc.communicate(timeout=TIMEOUT_S)
    assert proc.returncode == -signal.SIGKILL
    folder = run_dir / "checkpoints"
    stale = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(stale) == 1 and stale[0].name.startswith(".step_00000020.ckpt.")
    with pytest.raises(ArtifactError):
        load_checkpoint(stale[0])  # the half-written file is really broken
    assert not (folder / "step_00000020.ckpt").exists()
    previous = load_checkpoint(folder / "step_00000010.ckpt")
    assert previous["step"] == 10

    err = _finish(cli(_args(dataset, cache, run_dir, 20)))
    assert "removed 1 unfinished checkpoint write" in err and "resuming from step_00000010.ckpt" in err
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    _assert_same_run(run_dir, straight)
