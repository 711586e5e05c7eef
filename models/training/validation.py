"""Validation on held-out clips, and the "when to stop" signal from its curve.

The metric is what conversion does: the inference path (prior mean -> inverse flow -> decoder,
no random draw) on whole held-out clips (at most :data:`MAX_VAL_S` each), compared with the
real audio by mel L1. Lower is better.

:class:`StopMonitor` reads the curve. The *best* evaluation is simply the lowest one (the first
of equals): the star on the plot, ``best.ckpt``, the hint and export all mean that one. The stop
signal counts evaluations since the last *clear* improvement, one that beat the best before it by
:data:`MIN_IMPROVEMENT` (relative), so a curve creeping down by hundredths of a percent still
counts as flat; after ``patience`` such evaluations the signal is ``"overfitting"`` when the
latest value is :data:`OVERFIT_RISE` above the best (the model is getting worse on unseen
singing), else ``"plateau"`` (more steps are unlikely to help). The best checkpoint is kept
either way, and export offers it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.atomic import atomic_path, atomic_write_text
from models.errors import Message
from models.features.spectral import mel_spectrogram
from models.nets.synthesizer import SynthesizerInfer, SynthesizerTrain
from models.training.dataset import Clip, iter_full_clips

MAX_VAL_S = 10.0
MIN_IMPROVEMENT = 0.002
OVERFIT_RISE = 0.03
IMPROVING = "validation is improving"


@dataclass(frozen=True)
class ValidationSample:
    """One held-out clip's result: audio (L,) at the model rate, log-mels (n_mels, T), F0 (T,) Hz."""

    name: str
    generated: np.ndarray
    real: np.ndarray
    mel_generated: np.ndarray
    mel_real: np.ndarray
    f0_hz: np.ndarray


@dataclass(frozen=True)
class ValidationReport:
    """One evaluation, as reported in progress.

    Attributes:
        step: the step evaluated.
        mel_l1: mean mel L1 over the held-out clips.
        best_mel_l1, best_step: the best so far (including this one).
        is_best: this evaluation is the new best.
        signal: ``None``, ``"plateau"`` or ``"overfitting"``.
        advice: one sentence for the user.
    """

    step: int
    mel_l1: float
    best_mel_l1: float
    best_step: int
    is_best: bool
    signal: str | None
    advice: str

    @property
    def verdict(self) -> str:
        """The headline of :attr:`advice` (the Train page and the CLI show both): "Keep training"
        only while the curve clearly improves, "Keep watching" while it is flat but not for long
        enough to call, then "You can stop now" (plateau) or "Stop now" (overfitting)."""
        if self.signal == "overfitting":
            return "Stop now"
        if self.signal == "plateau":
            return "You can stop now"
        return "Keep training" if self.advice.startswith(IMPROVING) else "Keep watching"


def inference_view(generator: SynthesizerTrain) -> SynthesizerInfer:
    """A :class:`SynthesizerInfer` that shares the training generator's modules (no copy)."""
    return SynthesizerInfer.sharing(generator)


@torch.no_grad()
def evaluate(
    generator: SynthesizerTrain, clips: Sequence[Clip], device: torch.device, keep_samples: int = 0
) -> tuple[float, list[ValidationSample]]:
    """Mean mel L1 of the deterministic inference path over ``clips``.

    Returns:
        (mel L1, the first ``keep_samples`` clips' audio, mels and F0 for logging).
    """
    config = generator.config
    view = inference_view(generator)
    was_training = generator.training
    generator.eval()
    max_frames = int(MAX_VAL_S / config.audio.frame_s)
    losses, samples = [], []
    try:
        for i, batch in enumerate(iter_full_clips(clips, max_frames, config.audio.hop_length)):
            b = batch.to(device)
            audio = view(b.ppg, b.vec, b.f0, b.spk, b.lengths, deterministic=True).float().squeeze(1)
            real = b.wave.squeeze(1)[:, : audio.shape[-1]]
            mel_fake = mel_spectrogram(audio, config.audio)
            mel_real = mel_spectrogram(real, config.audio)
            losses.append(float(torch.nn.functional.l1_loss(mel_fake, mel_real)))
            if i < keep_samples:
                samples.append(
                    ValidationSample(
                        batch.names[0],
                        audio[0].cpu().numpy(),
                        real[0].cpu().numpy(),
                        mel_fake[0].cpu().numpy(),
                        mel_real[0].cpu().numpy(),
                        b.f0[0].cpu().numpy(),
                    )
                )
    finally:
        generator.train(was_training)
    return float(np.mean(losses)) if losses else float("nan"), samples


class StopMonitor:
    """Tracks the validation curve (see module docstring)."""

    def __init__(self, patience: int) -> None:
        self.patience = max(1, patience)
        self.history: list[tuple[int, float]] = []

    def best(self) -> tuple[int, float] | None:
        """(step, value) of the lowest evaluation so far (first of equals)."""
        best: tuple[int, float] | None = None
        for step, value in self.history:
            if best is None or value < best[1]:
                best = (step, value)
        return best

    def last_clear_improvement(self) -> int | None:
        """The step of the last evaluation that beat the best before it by :data:`MIN_IMPROVEMENT`."""
        step_found, best = None, None
        for step, value in self.history:
            if best is None or value < best * (1.0 - MIN_IMPROVEMENT):
                step_found = step
            best = value if best is None else min(best, value)
        return step_found

    def update(self, step: int, value: float) -> ValidationReport:
        """Adds an evaluation and returns the report with the current signal."""
        previous = self.best()
        self.history.append((step, value))
        best_step, best_value = self.best()  # type: ignore[misc]
        is_best = previous is None or best_step == step
        clear = self.last_clear_improvement()
        since = sum(1 for s, _ in self.history if clear is not None and s > clear)
        threshold = f"{100 * MIN_IMPROVEMENT:g} %"
        signal: str | None = None
        if since == 0:
            advice = Message(
                f"{IMPROVING} (best so far at step {best_step})", "advice_improving", best_step=best_step)
        elif since >= self.patience:
            if value > best_value * (1.0 + OVERFIT_RISE):
                signal = "overfitting"
                advice = Message(
                    f"validation got worse: no improvement of {threshold} or more for {since} evaluations, "
                    f"and the latest is well above the best (step {best_step}): the model is overfitting; "
                    f"stop now — the best checkpoint is kept for export",
                    "advice_overfitting", threshold=threshold, since=since, best_step=best_step,
                )
            else:
                signal = "plateau"
                advice = Message(
                    f"no improvement of {threshold} or more for {since} evaluations (best at step "
                    f"{best_step}): more steps are unlikely to help; you can stop",
                    "advice_plateau", threshold=threshold, since=since, best_step=best_step,
                )
        else:
            advice = Message(
                f"no improvement of {threshold} or more for {since} of {self.patience} evaluations "
                f"(best at step {best_step}); if none comes by the {self.patience}th, more steps are "
                f"unlikely to help",
                "advice_waiting", threshold=threshold, since=since, patience=self.patience,
                best_step=best_step,
            )
        return ValidationReport(step, value, best_value, best_step, is_best, signal, advice)

    def state_dict(self) -> dict[str, Any]:
        return {"steps": [s for s, _ in self.history], "values": [v for _, v in self.history]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.history = list(zip((int(s) for s in state["steps"]), (float(v) for v in state["values"])))


AUDIO_DIR = "validation"  # <run>/validation/<clip>.<kind>.wav + index.json


def write_validation_audio(
    run_dir: str | os.PathLike[str], step: int, samples: Sequence[ValidationSample], sample_rate: int
) -> None:
    """Keeps the newest validation audio of each clip as plain WAV files in ``<run>/validation``.

    The app plays them from there: reading them back out of TensorBoard's event files means
    parsing every event in pure Python, which starves the GUI thread while a run trains.
    ``index.json`` maps ``"<clip>.<kind>.wav"`` to the step it comes from. Each file and the
    index are written to a temporary name and renamed, so a reader never sees half a file.
    """
    import soundfile

    folder = Path(run_dir) / AUDIO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    index_path = folder / "index.json"
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = {}
    for sample in samples:
        stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(sample.name).stem) or "clip"
        for kind, wave in (("generated", sample.generated), ("real", sample.real)):
            name = f"{stem}.{kind}.wav"
            if kind == "real" and name in index:
                continue  # the recording does not change
            with atomic_path(folder / name) as tmp:
                soundfile.write(
                    tmp, np.clip(wave, -1, 1).astype(np.float32), sample_rate, subtype="FLOAT", format="WAV"
                )
            index[name] = int(step)
    atomic_write_text(index_path, json.dumps(index, indent=1))
