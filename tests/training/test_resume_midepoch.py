"""Exact resume in the middle of an epoch with gradient accumulation (tiny preset, CPU, in-process).

The recipe here serves one clip per batch and accumulates two batches per step, so the four
training clips make two steps per epoch and a run stopped after step 3 stops at epoch 1,
position 2 (half-way). Validation runs every step and every evaluation is a new best (the
learning rate is raised for that), so ``best.ckpt`` is written again after the resume.

(a) 5 uninterrupted steps == (b) 3 steps, cancel, resume, 2 more steps, compared bit-exactly:
every tensor and value of the final checkpoint (weights, both optimisers, both schedulers, both
gradient scalers, forward and global RNG, data position, batch size, accumulation, validation
history, losses), ``best.ckpt`` likewise, and the progress (losses, lr, epoch, validation
report) of each step after the resume. Controls: the same resume from a checkpoint whose data
position, discriminator schedule or validation history is wrong must fail that comparison.

The app's training child (:func:`train_in_process`) must give the same result: it is stopped
and resumed the same way (stop by ``max_steps``: with validation every step that is the same as
an interruption) and compared with the in-process run above.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
import torch

from models.config import VoiceConfig
from models.formats.artifact import load_checkpoint, save_checkpoint
from models.training import train
from models.training.checkpoints import BEST_NAME, CHECKPOINT_DIR
from models.training.determinism import configure_torch
from models.training.engine import Engine, Precision

from .conftest import differences, drain

STEPS, STOP = 5, 3


def _config() -> VoiceConfig:
    c = VoiceConfig.tiny()
    return c.replace(
        train=c.train.replace(
            batch_size=1, accum_steps=2, eval_every=1, save_every=100, plateau_patience=2, learning_rate=2e-3
        )
    )


@pytest.fixture(scope="module", autouse=True)
def _exact_torch():
    """The settings ``voicecraft train --threads 1 --deterministic`` and the app's child use."""
    restore = configure_torch(1, device="cpu")
    assert torch.are_deterministic_algorithms_enabled() and torch.get_num_threads() == 1
    yield
    restore()


def _ckpt(run_dir: Path, name: str) -> dict[str, Any]:
    return load_checkpoint(run_dir / CHECKPOINT_DIR / name)


def _after_stop(items: list) -> list[tuple]:
    """(step, epoch, losses, lr, validation) of every training step after the stop."""
    return [
        (p.step, p.epoch, dict(p.losses), p.lr, p.validation)
        for p in items
        if p.phase == "train" and p.step > STOP
    ]


@pytest.fixture(scope="module")
def straight(tiny_dataset, tmp_path_factory):
    """(a): ``STEPS`` uninterrupted steps: (run folder, progress items)."""
    dataset, cache = tiny_dataset
    run_dir = tmp_path_factory.mktemp("straight") / "run"
    items, result = drain(
        train(run_dir, dataset, _config(), feature_cache=cache, device="cpu", max_steps=STEPS)
    )
    assert result.step == STEPS and not result.cancelled
    return run_dir, items


@pytest.fixture(scope="module")
def stopped(tiny_dataset, tmp_path_factory):
    """A run cancelled after step ``STOP`` (mid-epoch): its folder, not to be modified."""
    dataset, cache = tiny_dataset
    run_dir = tmp_path_factory.mktemp("stopped") / "run"
    cancel = threading.Event()
    gen = train(
        run_dir, dataset, _config(), feature_cache=cache, device="cpu", max_steps=STEPS, cancel=cancel
    )
    for p in gen:
        if p.phase == "train" and p.step == STOP:
            cancel.set()
    state = _ckpt(run_dir, f"step_{STOP:08d}.ckpt")
    assert state["step"] == STOP
    return run_dir


def _resume(stopped: Path, tmp_path: Path, tiny_dataset, tamper=None) -> tuple[Path, list]:
    """(b): copies the stopped run, optionally edits its checkpoint, resumes it to ``STEPS``."""
    dataset, cache = tiny_dataset
    run_dir = tmp_path / "run"
    shutil.copytree(stopped, run_dir)
    if tamper is not None:
        path = run_dir / CHECKPOINT_DIR / f"step_{STOP:08d}.ckpt"
        state = load_checkpoint(path)
        tamper(state)
        save_checkpoint(path, state)
    items, result = drain(
        train(run_dir, dataset, _config(), feature_cache=cache, device="cpu", max_steps=STEPS)
    )
    assert f"resuming from step_{STOP:08d}.ckpt" in (items[0].message or "")
    assert result.step == STEPS
    return run_dir, items


def _assert_identical(run_a: Path, items_a: list, run_b: Path, items_b: list) -> None:
    final = f"step_{STEPS:08d}.ckpt"
    for name in (final, BEST_NAME):
        diff = sorted(differences(_ckpt(run_a, name), _ckpt(run_b, name)))
        assert not diff, f"{name} differs at {diff[:10]}"
    assert _after_stop(items_a) == _after_stop(items_b)


def test_mid_epoch_resume_with_accumulation_is_identical(tiny_dataset, straight, stopped, tmp_path):
    at_stop = _ckpt(stopped, f"step_{STOP:08d}.ckpt")
    # The case this test is about: stopped half-way through an epoch, accumulating two batches.
    assert at_stop["accum_steps"] == 2 and at_stop["batch_size"] == 1
    assert (at_stop["epoch"], at_stop["position"]) == (1, 2)
    assert at_stop["monitor"]["steps"] == [1, 2, 3]
    run_b, items_b = _resume(stopped, tmp_path, tiny_dataset)
    run_a, items_a = straight
    _assert_identical(run_a, items_a, run_b, items_b)

    final = _ckpt(run_a, f"step_{STEPS:08d}.ckpt")
    # After the resume an epoch ended (both schedules stepped) and best.ckpt was written again.
    assert (
        final["sched_d"]["last_epoch"]
        == final["sched_g"]["last_epoch"]
        == 2
        > at_stop["sched_d"]["last_epoch"]
    )
    assert _ckpt(run_a, BEST_NAME)["step"] == STEPS
    assert len(_after_stop(items_a)) == STEPS - STOP and all(v[4] is not None for v in _after_stop(items_a))
    # On the CPU the runs are fp32 and the gradient scalers are disabled: their state is {} on both
    # sides (an enabled scaler's round trip is tested below).
    assert final["scaler_g"] == final["scaler_d"] == {}


def _lose_position(state: dict) -> None:
    """As if the data position were not saved: the epoch restarts from its first batch."""
    state["position"] = 0


def _lose_schedule_and_monitor(state: dict) -> None:
    """As if the trainer restored neither the discriminator's schedule nor the validation history."""
    fresh = Engine(state["config"], torch.device("cpu"), Precision("fp32", None, False))
    state["sched_d"] = fresh.sched_d.state_dict()
    state["monitor"] = {"steps": [], "values": []}


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        # other batches: the weights, optimisers, losses and validation all go another way
        (_lose_position, {"model_g", "model_d", "optim_g", "optim_d", "losses", "monitor"}),
        # neither changes the weights: exactly these two parts of the state differ
        (_lose_schedule_and_monitor, {"sched_d", "monitor"}),
    ],
    ids=["data-position", "disc-scheduler-and-monitor"],
)
def test_control_resume_with_lost_state_differs(tiny_dataset, straight, stopped, tmp_path, tamper, expected):
    run_b, items_b = _resume(stopped, tmp_path, tiny_dataset, tamper)
    run_a, items_a = straight
    with pytest.raises(AssertionError):
        _assert_identical(run_a, items_a, run_b, items_b)
    final = f"step_{STEPS:08d}.ckpt"
    parts = {d.split(".")[1].split(" ")[0] for d in differences(_ckpt(run_a, final), _ckpt(run_b, final))}
    if tamper is _lose_position:
        assert expected <= parts, parts
        assert _after_stop(items_a) != _after_stop(items_b)
    else:
        assert parts == expected


def test_enabled_grad_scaler_round_trips_through_a_checkpoint(tiny_dataset, tmp_path):
    """fp16 loss scaling needs CUDA; its scaler state still must survive save and resume exactly."""
    from models.training.dataset import EpochSampler, load_clips

    dataset, cache = tiny_dataset
    config = _config()
    scaled = Precision("fp16-scaling-on-cpu", None, True)
    engine = Engine(config, torch.device("cpu"), scaled)
    clips, _ = load_clips(dataset, cache, config)
    sampler = EpochSampler(clips, config)
    batches = [sampler.batch(0, i, 1)[0] for i in range(2)]
    engine.step(batches)
    engine.scaler_g.update(new_scale=512.0)  # a state a fresh scaler does not have
    engine.scaler_d.update(new_scale=256.0)
    saved = {"config": config, "step": 1, **engine.state_dict()}
    assert saved["scaler_g"]["scale"] == 512.0 and saved["scaler_d"]["scale"] == 256.0
    path = save_checkpoint(tmp_path / "x.ckpt", saved)
    restored = Engine(config, torch.device("cpu"), scaled)
    assert list(differences(restored.state_dict(), engine.state_dict()))  # control: fresh != trained
    restored.load_state_dict(load_checkpoint(path))
    diff = sorted(differences(restored.state_dict(), engine.state_dict()))
    assert not diff, diff[:10]
    # and the next step (scaled losses, scaler update) is identical
    more = [sampler.batch(0, 2 + i, 1)[0] for i in range(2)]
    global_rng = torch.get_rng_state()  # dropout draws from it (the trainer's checkpoint keeps it too)
    losses = engine.step(more)
    torch.set_rng_state(global_rng)
    assert restored.step(more) == losses
    diff = sorted(differences(restored.state_dict(), engine.state_dict()))
    assert not diff, diff[:10]


@pytest.mark.slow  # two spawned children, each importing torch: ~50 s on a shared 2-core machine
def test_app_training_child_resume_equals_in_process_run(tiny_dataset, straight, tmp_path):
    """The app's child process (its own torch settings) stopped and resumed == (a)."""
    from voicecraft_desktop.core.train_process import train_in_process

    dataset, cache = tiny_dataset
    run_dir = tmp_path / "run"
    items: list = []
    for steps in (STOP, STEPS):
        part, result = drain(
            train_in_process(
                run_dir, dataset, _config(), feature_cache=cache, device="cpu", threads=1, max_steps=steps
            )
        )
        assert result.step == steps
        items += part
    assert f"resuming from step_{STOP:08d}.ckpt" in (items[-(STEPS - STOP) - 2].message or "")
    run_a, items_a = straight
    _assert_identical(run_a, items_a, run_dir, items)
