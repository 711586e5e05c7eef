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
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from models.config import VoiceConfig
from models.devices import DeviceUnavailable, resolve_device
from models.errors import Message, as_message, joined
from models.formats.artifact import F0Stats, atomic_write_bytes
from models.training.checkpoints import Checkpoints, rng_state, set_rng_state
from models.training.dataset import Clip, DatasetError, EpochSampler, load_clips, split_clips
from models.training.engine import Engine, finite, resolve_precision
from models.training.start import StartError, starting_point
from models.training.tb import TensorBoardLog
from models.training.validation import StopMonitor, ValidationReport, evaluate, write_validation_audio

if TYPE_CHECKING:
    from models.training.distributed import DistContext, Launch

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


class _NoLog:
    """TensorBoard for the processes that do not write it (all but rank 0)."""

    def scalars(self, *args: Any) -> None: ...
    def validation(self, *args: Any) -> None: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...


def read_run_file(run_dir: str | Path) -> dict[str, Any]:
    """Reads ``run.json`` of a run folder."""
    path = Path(run_dir) / RUN_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TrainingError(Message(f"{path}: missing — {Path(run_dir)} is not a training run folder",
                                    "run_damaged", path=str(path))) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise TrainingError(Message(f"{path}: unreadable ({exc})", "run_damaged", path=str(path))) from None
    if not isinstance(data, dict) or data.get("format") != RUN_FORMAT:
        raise TrainingError(Message(f"{path}: not a VoiceCraft run file", "run_damaged", path=str(path)))
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
    launch: Launch | None = None,
    random_draws: bool = True,
    dist: DistContext | None = None,
) -> Iterator[TrainProgress]:
    """Trains (or resumes) a voice while holding the run folder's lock (see :func:`_train` for the
    arguments, the progress and the result).

    The device and ``max_steps`` are checked before anything is created; then ``run_dir`` is
    created and locked (:class:`~models.training.runlock.RunLock`: one trainer per run folder,
    released on every exit path; a stale lock of an ended process is taken over, with a note).

    Several processes (:mod:`models.training.distributed`): ``launch`` with more than one process
    starts them with torchrun (each GPU of the device's kind, or CPU processes for ``"cpu"``),
    with this process's torch thread count and deterministic setting, and yields rank 0's progress
    (``pause`` is not available then). ``dist`` is set by such a worker itself: rank 0 holds the lock
    and writes; the others only compute. ``random_draws=False`` turns every random draw of the
    forward pass off (noise, sampling, segments, dropout): for checks that two ways of computing a
    step agree.

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
        dev = dist.device if dist is not None else resolve_device(device)
    except DeviceUnavailable as exc:
        raise TrainingError(str(exc)) from None
    if launch is not None and launch.distributed and dist is None:
        return (yield from _launch(launch, run_dir, dataset_dir, config, dev, feature_cache, base, cancel,
                                   pause, max_steps, random_draws))
    run_dir = Path(run_dir)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        lock = RunLock(run_dir).acquire() if dist is None or dist.is_main else None
    except RunLockedError as exc:
        raise TrainingError(str(exc)) from None
    except OSError as exc:
        detail = exc.strerror or str(exc)
        raise TrainingError(Message(f"{run_dir}: cannot write the run folder ({detail})",
                                    "train_folder_unwritable", path=str(run_dir), detail=detail)) from None
    gen = _train(run_dir, dataset_dir, config, feature_cache=feature_cache, base=base, cancel=cancel,
                 pause=pause, device=dev, max_steps=max_steps, random_draws=random_draws, dist=dist)
    try:
        first = next(gen)  # the trainer always reports "starting" first
        if lock is not None and lock.note:
            first = replace(first, message=joined([lock.note, first.message]))
        yield first
        return (yield from gen)
    except OSError as exc:  # a full disk, a file gone: one line; complete checkpoints stay (atomic writes)
        where = exc.filename or run_dir
        raise TrainingError(Message(
            f"{where}: {exc.strerror or exc}; the checkpoints written so far are kept and the next run "
            f"resumes from the last one", "train_write_failed", path=str(where),
            detail=exc.strerror or str(exc),
        )) from None
    finally:
        gen.close()
        if lock is not None:
            lock.release()


def _launch(
    launch: Launch,
    run_dir: str | Path,
    dataset_dir: str | Path,
    config: VoiceConfig,
    dev: torch.device,
    feature_cache: str | Path,
    base: str | Path | None,
    cancel: threading.Event | None,
    pause: threading.Event | None,
    max_steps: int | None,
    random_draws: bool,
) -> Iterator[TrainProgress]:
    """Starts the run's processes with torchrun and relays rank 0's progress (see :func:`train`)."""
    from models.training.distributed import launch_and_relay

    if dev.type == "cuda" and launch.processes > torch.cuda.device_count():
        raise TrainingError(
            f"{launch.processes} training processes need {launch.processes} GPUs; "
            f"{torch.cuda.device_count()} visible"
        )
    if dev.type not in ("cuda", "cpu"):
        raise TrainingError(f"training on several processes needs CUDA GPUs or the CPU, not {dev.type}")
    spec = worker_spec(run_dir, dataset_dir, config, dev, feature_cache, base, max_steps, random_draws)
    return (yield from launch_and_relay(launch, spec, cancel or threading.Event(), pause or threading.Event()))


def worker_spec(
    run_dir: str | Path,
    dataset_dir: str | Path,
    config: VoiceConfig,
    dev: torch.device,
    feature_cache: str | Path,
    base: str | Path | None,
    max_steps: int | None,
    random_draws: bool = True,
) -> dict[str, Any]:
    """What every distributed worker is told (``models.training.distributed.main`` reads it): the
    arguments of :func:`train`, and this process's torch thread count and deterministic setting."""
    return {
        "run_dir": str(Path(run_dir).resolve()),
        "dataset_dir": str(Path(dataset_dir).resolve()),
        "feature_cache": str(Path(feature_cache).resolve()),
        "base": None if base is None else str(Path(base).resolve()),
        "config": config.to_dict(),
        "device": dev.type,
        "max_steps": max_steps,
        "threads": torch.get_num_threads(),
        "deterministic": torch.are_deterministic_algorithms_enabled(),
        "random_draws": random_draws,
    }


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
    random_draws: bool = True,
    dist: DistContext | None = None,
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
        random_draws, dist: see :func:`train`.

    Raises:
        TrainingError: bad dataset or base, diverged run, out of memory even at batch 1.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    cancel = cancel or threading.Event()
    pause = pause or threading.Event()
    dev = resolve_device(device)
    if dist is not None and dist.world_size < 2:
        dist = None
    main = dist is None or dist.is_main  # only the main process writes (lock, checkpoints, logs, audio)
    world = 1 if dist is None else dist.world_size

    ckpts = Checkpoints(run_dir, config.train.keep_last)
    try:
        start = starting_point(ckpts, dataset_dir, config, base)
    except StartError as exc:
        raise TrainingError(as_message(exc)) from None
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
        raise TrainingError(as_message(exc)) from None
    # The voice records the content encoders its dataset was prepared with (conversion checks them).
    config = config.replace(
        content=config.content.replace(
            ppg_encoder=str(described["ppg"]["name"]), vec_encoder=str(described["vec"]["name"])
        )
    )
    if sampler.skipped:
        notes.append(Message(
            f"{len(sampler.skipped)} clip(s) shorter than {t.clip_min_s} s are not used for training",
            "note_clips_skipped", count=len(sampler.skipped), seconds=t.clip_min_s,
        ))
    if not val_clips:
        notes.append(Message("too few clips to hold any out: no validation (and no stop signal) in this run",
                             "note_no_validation"))
    if resume is not None and (run_dir / RUN_FILE).is_file():
        try:
            before = read_run_file(run_dir)
        except TrainingError as exc:
            notes.append(as_message(exc))
        else:
            held_out = [c.name for c in val_clips]
            if before.get("clips") != len(clips) or before.get("validation_clips") != held_out:
                notes.append(Message(
                    f"the dataset changed since this run started ({before.get('clips')} -> {len(clips)} "
                    f"clips): training continues on the current clips in a new order",
                    "note_dataset_changed", before=before.get("clips"), now=len(clips),
                ))
    if main and (resume is None or not (run_dir / RUN_FILE).is_file()):
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

    if dist is not None and not dist.same(-1 if resume is None else int(resume["step"])):
        raise TrainingError(f"{run_dir}: the training processes found different checkpoints to resume from")
    torch.manual_seed(t.seed)  # initial weights and dropout of a fresh run
    engine = Engine(config, dev, precision, dist=dist, random_draws=random_draws)
    monitor = StopMonitor(t.plateau_patience)
    step, epoch, position = 0, 0, 0
    # The batch is per process (the reference's rule): the global batch is `world` times it.
    batch_size = min(t.batch_size, max(1, len(sampler) // world))
    if resume is not None:
        try:
            engine.load_state_dict(resume)
            set_rng_state(resume["rng_global"], dev)
        except (KeyError, RuntimeError, ValueError) as exc:
            raise TrainingError(Message(f"{resume_path}: cannot resume from it ({exc})",
                                        "train_resume_failed", path=str(resume_path))) from None
        step, epoch, position = int(resume["step"]), int(resume["epoch"]), int(resume["position"])
        batch_size = min(int(resume["batch_size"]), max(1, len(sampler) // world))
        monitor.load_state_dict(resume["monitor"])
        before_world = int(resume.get("world_size", 1))
        if before_world != world:
            notes.append(Message(
                f"this run trained in {before_world} process(es) and continues in {world}: the global "
                f"batch is now {batch_size * world} ({batch_size} per process; learning rate unchanged)",
                "note_world_changed", before=before_world, world=world, total=batch_size * world,
                batch=batch_size,
            ))
        del resume
    elif g_base is not None:
        try:
            engine.generator.load_state_dict(g_base)
            if d_base is not None:
                engine.discriminator.load_state_dict(d_base)
        except RuntimeError as exc:
            raise TrainingError(Message(f"{base}: does not fit the model ({exc})", "train_base_mismatch",
                                        path=str(base))) from None
        del g_base, d_base

    engine.seed_rank(step)

    def snapshot() -> dict[str, Any]:
        state = {
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
        if world > 1:
            state["world_size"] = world
        return state

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

    tb = TensorBoardLog(run_dir / "tb", purge_step=step + 1 if step else None) if main else _NoLog()
    losses: dict[str, float] = {}
    ema_dt = 0.0
    saved_step = step if resume_path is not None else -1
    last_report: ValidationReport | None = None
    last_ckpt: Path | None = resume_path
    nonfinite = 0
    cancelled = False
    try:
        yield progress("starting", message=joined(notes))
        while step < t.max_steps:
            if cancel.is_set() if dist is None else dist.any(cancel.is_set()):  # every process stops together
                cancelled = True
                break
            if pause.is_set() and dist is None:
                yield progress("paused", message=Message("paused", "note_paused"))
                while pause.is_set() and not cancel.is_set():
                    time.sleep(0.05)
                continue
            started = time.perf_counter()
            message = None
            rng_before = (engine.rng.get_state(), rng_state(dev))
            new_epoch, new_position, epochs_ended, batches = epoch, position, 0, []
            shard = None if dist is None else (dist.rank, world)
            for _ in range(engine.accum_steps):
                batch, e, new_position = sampler.batch(new_epoch, new_position, batch_size * world, shard)
                epochs_ended += e - new_epoch
                new_epoch = e
                batches.append(batch)
            try:
                step_losses = engine.step(batches)
            except torch.cuda.OutOfMemoryError:
                if dist is not None:  # the processes cannot shrink their batches in step: stop cleanly
                    raise TrainingError(Message(
                        f"out of GPU memory at batch {batch_size} per GPU on {dev}; train with a smaller "
                        f"batch size or fewer GPUs (the run resumes from its last checkpoint)",
                        "train_out_of_memory_gpus", batch=batch_size, device=str(dev),
                    )) from None
                del batches
                engine.zero_grad()
                if dev.type == "cuda":
                    torch.cuda.empty_cache()
                engine.rng.set_state(rng_before[0])
                set_rng_state(rng_before[1], dev)
                if batch_size == 1:
                    raise TrainingError(Message(
                        f"out of GPU memory even at batch size 1 on {dev}; close other GPU programs, use a "
                        f"smaller segment_samples, or train on the CPU", "train_out_of_memory",
                        device=str(dev),
                    )) from None
                batch_size //= 2
                engine.accum_steps *= 2
                yield progress(
                    "train",
                    message=Message(
                        f"out of GPU memory: continuing with batch {batch_size} and "
                        f"{engine.accum_steps}-step accumulation (same effective batch)",
                        "train_batch_halved", batch=batch_size, accumulation=engine.accum_steps,
                    ),
                )
                continue
            del batches
            epoch, position = new_epoch, new_position
            for _ in range(epochs_ended):
                engine.end_epoch()
            step += 1
            losses = step_losses if dist is None else dist.mean(step_losses)
            if finite(losses):
                nonfinite = 0
            else:
                nonfinite += 1
                if precision.scaled and finite(
                    {k: v for k, v in losses.items() if not k.startswith("grad_norm")}
                ):
                    message = Message(
                        f"fp16 gradient overflow at step {step}: update skipped, loss scale lowered to "
                        f"{engine.scaler_g.get_scale():g}", "train_fp16_overflow", step=step,
                        scale=f"{engine.scaler_g.get_scale():g}",
                    )
                else:
                    message = Message(
                        f"non-finite loss at step {step}: its update was skipped", "train_nonfinite",
                        step=step)
                if nonfinite >= MAX_NONFINITE_STEPS:
                    kept = f"; the last good checkpoint is {last_ckpt}" if last_ckpt else ""
                    raise TrainingError(Message(
                        f"training diverged: {nonfinite} consecutive steps with non-finite losses{kept} "
                        f"(fine-tune from it as a base with a lower learning rate, or check the dataset)",
                        "train_diverged", steps=nonfinite, checkpoint=str(last_ckpt or ""),
                    ))
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
            if main and val_clips and (step % t.eval_every == 0 or step == t.max_steps):
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
                if main:
                    ckpt = last_ckpt = ckpts.save(snapshot(), step)
                    tb.flush()
                saved_step = step
            dt = time.perf_counter() - started
            ema_dt = dt if not ema_dt else EMA * ema_dt + (1 - EMA) * dt
            if step % t.log_every == 0:
                tb.scalars(step, {"steps_per_s": 1.0 / ema_dt})
            yield progress("train", message=message, validation=report, checkpoint=ckpt)
        if saved_step != step:
            if main:
                last_ckpt = ckpts.save(snapshot(), step)
            saved_step = step
        tb.flush()
        if cancelled:
            written = last_ckpt.name if last_ckpt else "-"
            yield progress(
                "cancelled",
                message=Message(f"stopped at step {step}; checkpoint {written} written", "note_stopped",
                                step=step, file=written),
                checkpoint=last_ckpt,
            )
        else:
            yield progress("done", validation=last_report, checkpoint=last_ckpt)
    except GeneratorExit:
        # The consumer stopped iterating at a step boundary: keep the work done so far.
        if main and saved_step != step and step > 0:
            ckpts.save(snapshot(), step)
        raise
    finally:
        tb.close()
    best = ckpts.best_path if ckpts.best_path.is_file() else None
    return TrainResult(run_dir, step, cancelled, last_ckpt, best, last_report)
