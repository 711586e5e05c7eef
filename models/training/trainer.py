"""The training generator: ``train(...)`` yields :class:`TrainProgress` until the run ends.

See :mod:`models.training` for the API. This module wires the parts together: the dataset
(:mod:`.dataset`), the step (:mod:`.engine`), checkpoints and resume (:mod:`.checkpoints`),
validation (:mod:`.validation`) and TensorBoard (:mod:`.tb`). It owns the run's control
flow: resume or fine-tune or start fresh, cancel and pause between steps, recovery from GPU
out-of-memory (halve the batch, double the accumulation: same effective batch), skipped
non-finite steps, the validation/checkpoint cadence, and ``run.json`` (what export needs:
dataset, speaker vector, F0 statistics, feature extractors).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.config import VoiceConfig
from models.devices import DeviceUnavailable, resolve_device
from models.formats.artifact import F0Stats, atomic_write_bytes
from models.training.checkpoints import Checkpoints, rng_state, set_rng_state
from models.training.dataset import Clip, DatasetError, EpochSampler, load_clips, split_clips
from models.training.engine import Engine, finite, resolve_precision
from models.training.start import StartError, starting_point
from models.training.tb import TensorBoardLog
from models.training.validation import StopMonitor, ValidationReport, evaluate, write_validation_audio

RUN_FILE = "run.json"
RUN_FORMAT = "voicecraft-run"
MAX_NONFINITE_STEPS = 20  # consecutive skipped steps before the run is declared diverged
EMA = 0.9  # smoothing of the step time for steps/s and ETA


class TrainingError(RuntimeError):
    """A run that cannot start or continue (message says what to fix)."""


@dataclass(frozen=True)
class TrainProgress:
    """One report from :func:`train` (immutable; safe to pass between threads).

    Attributes:
        step: generator updates done; total_steps: where the run stops.
        epoch: passes over the training clips started (0-based).
        phase: ``starting`` | ``train`` | ``paused`` | ``cancelled`` | ``done``.
        losses: the last step's losses (``g_total``, ``adv``, ``fm``, ``mel``, ``stft_sc``,
            ``stft_mag``, ``kl_f``, ``kl_r``, ``spk``, ``d_total``, grad norms).
        lr: generator learning rate. steps_per_s: smoothed speed. eta_s: seconds to the end.
        batch_size: current batch (it shrinks after an out-of-memory recovery).
        device, precision: where and how the run computes.
        message: a note for the user (resume, OOM recovery, skipped step ...), else None.
        validation: the evaluation done at this step, else None.
        checkpoint: the checkpoint written at this step, else None.
    """

    step: int
    total_steps: int
    epoch: int
    phase: str
    losses: Mapping[str, float] = field(default_factory=dict)
    lr: float = 0.0
    steps_per_s: float = 0.0
    eta_s: float | None = None
    batch_size: int = 0
    device: str = "cpu"
    precision: str = "fp32"
    message: str | None = None
    validation: ValidationReport | None = None
    checkpoint: Path | None = None

    @property
    def fraction(self) -> float:
        return self.step / self.total_steps if self.total_steps else 0.0


@dataclass(frozen=True)
class TrainResult:
    """What :func:`train` returns (``StopIteration.value``)."""

    run_dir: Path
    step: int
    cancelled: bool
    last_checkpoint: Path | None
    best_checkpoint: Path | None
    validation: ValidationReport | None


def _write_run_file(
    run_dir: Path,
    dataset_dir: Path,
    described: Mapping[str, Any],
    clips: list[Clip],
    val_clips: list[Clip],
    config: VoiceConfig,
    base: str | None,
    dataset_speaker: Path,
) -> None:
    speaker = None
    if dataset_speaker.is_file():
        speaker = np.load(dataset_speaker, allow_pickle=False).astype(np.float32).reshape(-1)
    if speaker is None or speaker.shape[0] != config.model.spk_dim:
        stacked = np.stack([c.speaker for c in clips])
        mean = stacked.mean(axis=0)
        speaker = (mean / max(float(np.linalg.norm(mean)), 1e-8)).astype(np.float32)
    f0 = np.concatenate([c.feats.f0_hz for c in clips])
    try:
        f0_stats: dict[str, Any] | None = F0Stats.from_f0(f0).to_dict()
    except ValueError:
        f0_stats = None
    hop_s = config.audio.frame_s
    data = {
        "format": RUN_FORMAT,
        "format_version": 1,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset_dir": str(dataset_dir),
        "features": dict(described),
        "base": base,
        "speaker_embedding": [float(v) for v in speaker],
        "f0_stats": f0_stats,
        "dataset_seconds": round(sum(c.frames for c in clips) * hop_s, 3),
        "clips": len(clips),
        "validation_clips": [c.name for c in val_clips],
        "seed": config.train.seed,
    }
    atomic_write_bytes(run_dir / RUN_FILE, json.dumps(data, indent=1).encode("utf-8"))


def read_run_file(run_dir: str | Path) -> dict[str, Any]:
    """Reads ``run.json`` of a run folder."""
    path = Path(run_dir) / RUN_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TrainingError(f"{path}: missing — {Path(run_dir)} is not a training run folder") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise TrainingError(f"{path}: unreadable ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != RUN_FORMAT:
        raise TrainingError(f"{path}: not a VoiceCraft run file")
    return data


def train(
    run_dir: str | Path,
    dataset_dir: str | Path,
    config: VoiceConfig,
    *,
    feature_cache: str | Path,
    base: str | Path | None = None,
    cancel: threading.Event | None = None,
    pause: threading.Event | None = None,
    device: str | torch.device | None = None,
    max_steps: int | None = None,
) -> Iterator[TrainProgress]:
    """Trains (or resumes) a voice while holding the run folder's lock (see :func:`_train` for the
    arguments, the progress and the result).

    The device and ``max_steps`` are checked before anything is created; then ``run_dir`` is
    created and locked (:class:`~models.training.runlock.RunLock`: one trainer per run folder,
    released on every exit path; a stale lock of an ended process is taken over, with a note).

    Raises:
        TrainingError: also "already training (pid N)" when another live process trains this run
            folder, an unavailable device, a bad ``max_steps``, or a run folder that cannot be written.
    """
    from models.training.runlock import RunLock, RunLockedError

    if max_steps is not None and (
        isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1
    ):
        raise TrainingError(f"the number of steps must be a whole number of at least 1, not {max_steps!r}")
    try:
        dev = resolve_device(device)
    except DeviceUnavailable as exc:
        raise TrainingError(str(exc)) from None
    run_dir = Path(run_dir)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        lock = RunLock(run_dir).acquire()
    except RunLockedError as exc:
        raise TrainingError(str(exc)) from None
    except OSError as exc:
        raise TrainingError(f"{run_dir}: cannot write the run folder ({exc.strerror or exc})") from None
    gen = _train(run_dir, dataset_dir, config, feature_cache=feature_cache, base=base, cancel=cancel,
                 pause=pause, device=dev, max_steps=max_steps)
    try:
        first = next(gen)  # the trainer always reports "starting" first
        if lock.note:
            first = replace(first, message="; ".join(m for m in (lock.note, first.message) if m))
        yield first
        return (yield from gen)
    except OSError as exc:  # a full disk, a file gone: one line; complete checkpoints stay (atomic writes)
        where = exc.filename or run_dir
        raise TrainingError(
            f"{where}: {exc.strerror or exc}; the checkpoints written so far are kept and the next run "
            f"resumes from the last one"
        ) from None
    finally:
        gen.close()
        lock.release()


def _train(
    run_dir: str | Path,
    dataset_dir: str | Path,
    config: VoiceConfig,
    *,
    feature_cache: str | Path,
    base: str | Path | None = None,
    cancel: threading.Event | None = None,
    pause: threading.Event | None = None,
    device: str | torch.device | None = None,
    max_steps: int | None = None,
) -> Iterator[TrainProgress]:
    """Trains (or resumes training of) a voice; yields progress, returns a :class:`TrainResult`.

    Args:
        run_dir: the run folder (created). If it holds a checkpoint, the run resumes from it with
            the checkpoint's config (``config`` and ``base`` are then ignored, except that
            ``max_steps`` may change where it stops).
        dataset_dir: a prepared dataset (``voicecraft prepare``).
        config: the voice config; ``config.train`` is the recipe and cadence.
        feature_cache: the feature cache the dataset was prepared into.
        base: a model to fine-tune from (see :func:`models.training.start.load_base`); None trains
            from scratch.
        cancel: set to stop after the current step (a checkpoint is written).
        pause: while set, training waits between steps.
        device: ``"cpu"``, ``"cuda"``, ``"cuda:1"`` ... (default: CUDA when available).
        max_steps: overrides ``config.train.max_steps``.

    Raises:
        TrainingError: bad dataset or base, diverged run, out of memory even at batch 1.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    cancel = cancel or threading.Event()
    pause = pause or threading.Event()
    dev = resolve_device(device)

    ckpts = Checkpoints(run_dir, config.train.keep_last)
    try:
        start = starting_point(ckpts, dataset_dir, config, base)
    except StartError as exc:
        raise TrainingError(str(exc)) from None
    config, resume, resume_path, notes = start.config, start.resume, start.resume_path, start.notes
    g_base, d_base = start.g_base, start.d_base
    del start  # the loaded states are dropped as soon as the models hold them
    if max_steps is not None:
        config = config.replace(train=config.train.replace(max_steps=max_steps))
    t = config.train
    ckpts.keep_last = max(1, t.keep_last)

    precision, note = resolve_precision(t.precision, dev)
    if note:
        notes.append(note)
    try:
        clips, described = load_clips(dataset_dir, feature_cache, config)
        train_clips, val_clips = split_clips(clips, t.val_clips)
        sampler = EpochSampler(train_clips, config)
    except DatasetError as exc:
        raise TrainingError(str(exc)) from None
    # The voice records the content encoders its dataset was prepared with (conversion checks them).
    config = config.replace(
        content=config.content.replace(
            ppg_encoder=str(described["ppg"]["name"]), vec_encoder=str(described["vec"]["name"])
        )
    )
    if sampler.skipped:
        notes.append(
            f"{len(sampler.skipped)} clip(s) shorter than {t.clip_min_s} s are not used for training"
        )
    if not val_clips:
        notes.append("too few clips to hold any out: no validation (and no stop signal) in this run")
    if resume is not None and (run_dir / RUN_FILE).is_file():
        try:
            before = read_run_file(run_dir)
        except TrainingError as exc:
            notes.append(str(exc))
        else:
            held_out = [c.name for c in val_clips]
            if before.get("clips") != len(clips) or before.get("validation_clips") != held_out:
                notes.append(
                    f"the dataset changed since this run started ({before.get('clips')} -> {len(clips)} "
                    f"clips): training continues on the current clips in a new order"
                )
    if resume is None or not (run_dir / RUN_FILE).is_file():
        _write_run_file(
            run_dir,
            Path(dataset_dir),
            described,
            clips,
            val_clips,
            config,
            None if base is None else str(base),
            Path(dataset_dir) / "speaker.npy",
        )

    torch.manual_seed(t.seed)  # initial weights and dropout of a fresh run
    engine = Engine(config, dev, precision)
    monitor = StopMonitor(t.plateau_patience)
    step, epoch, position = 0, 0, 0
    batch_size = min(t.batch_size, len(sampler))
    if resume is not None:
        try:
            engine.load_state_dict(resume)
            set_rng_state(resume["rng_global"], dev)
        except (KeyError, RuntimeError, ValueError) as exc:
            raise TrainingError(f"{resume_path}: cannot resume from it ({exc})") from None
        step, epoch, position = int(resume["step"]), int(resume["epoch"]), int(resume["position"])
        batch_size = min(int(resume["batch_size"]), len(sampler))
        monitor.load_state_dict(resume["monitor"])
        del resume
    elif g_base is not None:
        try:
            engine.generator.load_state_dict(g_base)
            if d_base is not None:
                engine.discriminator.load_state_dict(d_base)
        except RuntimeError as exc:
            raise TrainingError(f"{base}: does not fit the model ({exc})") from None
        del g_base, d_base

    def snapshot() -> dict[str, Any]:
        return {
            "config": config,
            **engine.state_dict(),
            "step": step,
            "epoch": epoch,
            "position": position,
            "batch_size": batch_size,
            "rng_global": rng_state(dev),
            "monitor": monitor.state_dict(),
            "losses": dict(losses),
        }

    def progress(phase: str, **extra: Any) -> TrainProgress:
        eta = (t.max_steps - step) * ema_dt if ema_dt else None
        return TrainProgress(
            step=step,
            total_steps=t.max_steps,
            epoch=epoch,
            phase=phase,
            losses=dict(losses),
            lr=engine.lr,
            steps_per_s=1.0 / ema_dt if ema_dt else 0.0,
            eta_s=eta,
            batch_size=batch_size,
            device=str(dev),
            precision=precision.name,
            **extra,
        )

    tb = TensorBoardLog(run_dir / "tb", purge_step=step + 1 if step else None)
    losses: dict[str, float] = {}
    ema_dt = 0.0
    saved_step = step if resume_path is not None else -1
    last_report: ValidationReport | None = None
    last_ckpt: Path | None = resume_path
    nonfinite = 0
    cancelled = False
    try:
        yield progress("starting", message="; ".join(notes) or None)
        while step < t.max_steps:
            if cancel.is_set():
                cancelled = True
                break
            if pause.is_set():
                yield progress("paused", message="paused")
                while pause.is_set() and not cancel.is_set():
                    time.sleep(0.05)
                continue
            started = time.perf_counter()
            message = None
            rng_before = (engine.rng.get_state(), rng_state(dev))
            new_epoch, new_position, epochs_ended, batches = epoch, position, 0, []
            for _ in range(engine.accum_steps):
                batch, e, new_position = sampler.batch(new_epoch, new_position, batch_size)
                epochs_ended += e - new_epoch
                new_epoch = e
                batches.append(batch)
            try:
                step_losses = engine.step(batches)
            except torch.cuda.OutOfMemoryError:
                del batches
                engine.zero_grad()
                if dev.type == "cuda":
                    torch.cuda.empty_cache()
                engine.rng.set_state(rng_before[0])
                set_rng_state(rng_before[1], dev)
                if batch_size == 1:
                    raise TrainingError(
                        f"out of GPU memory even at batch size 1 on {dev}; close other GPU programs, use a "
                        f"smaller segment_samples, or train on the CPU"
                    ) from None
                batch_size //= 2
                engine.accum_steps *= 2
                yield progress(
                    "train",
                    message=(
                        f"out of GPU memory: continuing with batch {batch_size} and "
                        f"{engine.accum_steps}-step accumulation (same effective batch)"
                    ),
                )
                continue
            del batches
            epoch, position = new_epoch, new_position
            for _ in range(epochs_ended):
                engine.end_epoch()
            step += 1
            losses = step_losses
            if finite(losses):
                nonfinite = 0
            else:
                nonfinite += 1
                if precision.scaled and finite(
                    {k: v for k, v in losses.items() if not k.startswith("grad_norm")}
                ):
                    message = (
                        f"fp16 gradient overflow at step {step}: update skipped, loss scale lowered to "
                        f"{engine.scaler_g.get_scale():g}"
                    )
                else:
                    message = f"non-finite loss at step {step}: its update was skipped"
                if nonfinite >= MAX_NONFINITE_STEPS:
                    kept = f"; the last good checkpoint is {last_ckpt}" if last_ckpt else ""
                    raise TrainingError(
                        f"training diverged: {nonfinite} consecutive steps with non-finite losses{kept} "
                        f"(fine-tune from it as a base with a lower learning rate, or check the dataset)"
                    )
            if step % t.log_every == 0 or step == t.max_steps:
                tb.scalars(
                    step,
                    {
                        **{k: v for k, v in losses.items() if math.isfinite(v)},
                        "lr": engine.lr,
                        "batch_size": float(batch_size),
                    },
                )
            report = None
            if val_clips and (step % t.eval_every == 0 or step == t.max_steps):
                try:
                    value, samples = evaluate(engine.generator, val_clips, dev, t.val_audio_samples)
                except torch.cuda.OutOfMemoryError:
                    if dev.type == "cuda":
                        torch.cuda.empty_cache()
                    message = "out of GPU memory during validation: this evaluation was skipped"
                else:
                    report = last_report = monitor.update(step, value)
                    tb.validation(report, samples, config.audio.sample_rate)
                    write_validation_audio(run_dir, step, samples, config.audio.sample_rate)
                    if report.is_best:
                        ckpts.save_best(snapshot())
            ckpt = None
            if step % t.save_every == 0 or step == t.max_steps:
                ckpt = last_ckpt = ckpts.save(snapshot(), step)
                saved_step = step
                tb.flush()
            dt = time.perf_counter() - started
            ema_dt = dt if not ema_dt else EMA * ema_dt + (1 - EMA) * dt
            if step % t.log_every == 0:
                tb.scalars(step, {"steps_per_s": 1.0 / ema_dt})
            yield progress("train", message=message, validation=report, checkpoint=ckpt)
        if saved_step != step:
            last_ckpt = ckpts.save(snapshot(), step)
            saved_step = step
        tb.flush()
        if cancelled:
            yield progress(
                "cancelled",
                message=f"stopped at step {step}; checkpoint {last_ckpt.name} written",  # type: ignore[union-attr]
                checkpoint=last_ckpt,
            )
        else:
            yield progress("done", validation=last_report, checkpoint=last_ckpt)
    except GeneratorExit:
        # The consumer stopped iterating at a step boundary: keep the work done so far.
        if saved_step != step and step > 0:
            ckpts.save(snapshot(), step)
        raise
    finally:
        tb.close()
    best = ckpts.best_path if ckpts.best_path.is_file() else None
    return TrainResult(run_dir, step, cancelled, last_ckpt, best, last_report)
