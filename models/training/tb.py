"""TensorBoard logging of a run: scalars, validation audio, mel and pitch images.

Written with ``torch.utils.tensorboard`` (the ``tensorboard`` package, no TensorFlow). Images
are rendered here with numpy (no plotting library): a mel spectrogram as a heat map (low
frequencies at the bottom), a pitch track as a curve on a log-frequency axis. Tags:

- ``train/<loss>``, ``train/lr``, ``train/steps_per_s``, ``train/batch_size``
- ``val/mel_l1``, ``val/best_mel_l1``
- ``audio/<clip>/generated`` (every evaluation), ``audio/<clip>/real`` (the first one)
- ``mel/<clip>`` (generated above real), ``pitch/<clip>``
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from models.training.validation import ValidationReport, ValidationSample

# A perceptually ordered dark-blue -> yellow ramp (viridis-like anchor colours).
_RAMP = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], np.float64)


def heatmap(values: np.ndarray) -> np.ndarray:
    """(F, T) -> (F, T, 3) uint8 image, row 0 at the top showing the highest bin."""
    v = np.asarray(values, np.float64)
    lo, hi = np.nanmin(v), np.nanmax(v)
    x = (v - lo) / (hi - lo) if hi > lo else np.zeros_like(v)
    pos = np.clip(x, 0, 1) * (len(_RAMP) - 1)
    i = np.minimum(pos.astype(int), len(_RAMP) - 2)
    frac = (pos - i)[..., None]
    rgb = _RAMP[i] * (1 - frac) + _RAMP[i + 1] * frac
    return rgb[::-1].astype(np.uint8)


def pitch_image(f0_hz: np.ndarray, height: int = 120, fmin: float = 50.0, fmax: float = 1100.0) -> np.ndarray:
    """(T,) F0 in Hz -> (height, T, 3) uint8: a white curve on black, log-frequency, unvoiced blank."""
    f0 = np.asarray(f0_hz, np.float64)
    img = np.zeros((height, max(len(f0), 1), 3), np.uint8)
    img[:, :, :] = 16
    for hz in (100.0, 200.0, 400.0, 800.0):  # grid lines one octave apart
        row = int(round((1 - np.log(hz / fmin) / np.log(fmax / fmin)) * (height - 1)))
        img[row, :, :] = 60
    voiced = f0 > 0
    rows = (1 - np.log(np.clip(f0[voiced], fmin, fmax) / fmin) / np.log(fmax / fmin)) * (height - 1)
    cols = np.nonzero(voiced)[0]
    img[np.round(rows).astype(int), cols, :] = 255
    return img


def _tag(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", Path(name).stem) or "clip"


class TensorBoardLog:
    """One run's event writer.

    Args:
        log_dir: the folder (``<run>/tb``).
        purge_step: on resume, the first step to be written again (events at and after it
            from the interrupted process are dropped by TensorBoard).
    """

    def __init__(self, log_dir: str | Path, purge_step: int | None = None) -> None:
        from torch.utils.tensorboard import SummaryWriter

        self.writer = SummaryWriter(log_dir=str(log_dir), purge_step=purge_step)
        self._real_logged: set[str] = set()

    def scalars(self, step: int, values: Mapping[str, float], prefix: str = "train") -> None:
        for name, value in values.items():
            self.writer.add_scalar(f"{prefix}/{name}", value, step)

    def validation(
        self, report: ValidationReport, samples: Sequence[ValidationSample], sample_rate: int
    ) -> None:
        step = report.step
        self.writer.add_scalar("val/mel_l1", report.mel_l1, step)
        self.writer.add_scalar("val/best_mel_l1", report.best_mel_l1, step)
        for sample in samples:
            tag = _tag(sample.name)
            self.writer.add_audio(
                f"audio/{tag}/generated",
                np.clip(sample.generated, -1, 1)[None],
                step,
                sample_rate=sample_rate,
            )
            if tag not in self._real_logged:
                self.writer.add_audio(
                    f"audio/{tag}/real", np.clip(sample.real, -1, 1)[None], step, sample_rate=sample_rate
                )
                self._real_logged.add(tag)
            n = min(sample.mel_generated.shape[1], sample.mel_real.shape[1])
            both = np.concatenate(
                [
                    heatmap(sample.mel_generated[:, :n]),
                    np.full((2, n, 3), 255, np.uint8),
                    heatmap(sample.mel_real[:, :n]),
                ],
                axis=0,
            )
            self.writer.add_image(f"mel/{tag}", both, step, dataformats="HWC")
            self.writer.add_image(f"pitch/{tag}", pitch_image(sample.f0_hz), step, dataformats="HWC")

    def flush(self) -> None:
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()
