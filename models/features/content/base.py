"""ContentEncoder: the shape contract of every content (PPG / unit) encoder, and windowing.

An encoder maps 16 kHz audio to one ``dim``-vector per ``hop_length`` (320) samples, i.e.
50 frames per second; frame i covers samples [320·i, 320·(i+1)) and an input of T samples
gives exactly ``T // 320`` frames (the reference's count), whatever T is.

Inputs longer than one window are cut here and only here: windows of ``window_frames``
frames overlap by ``2 · context_frames``; every frame of the result comes from the interior of
one window (at least ``context_frames`` from a cut, except at the ends of the input), and
the interiors tile the input exactly, so nothing is truncated. For an encoder whose output
depends only on the audio around a frame (HuBERT's convolutions and local layers) the context
makes cuts seamless. Whisper's encoder adds an absolute positional embedding over its 30 s
window, so a frame's features depend on where it sits in the window: near a cut they differ
from an encoding where the cut falls elsewhere (as in the reference, which cuts the same way;
measured in ``tests/features/test_content_seams.py``). :meth:`ContentEncoder.plan` exposes the
cut so tests can rebuild the result window by window.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch


@dataclass(frozen=True)
class Window:
    """One encoder window, in content frames (multiply by ``hop_length`` for samples).

    Attributes:
        start: first frame the window sees.
        stop: one past the last frame it sees.
        keep_start: first frame of its interior that goes into the result.
        keep_stop: one past the last frame of the interior.
    """

    start: int
    stop: int
    keep_start: int
    keep_stop: int


class ContentEncoder(abc.ABC):
    """Base class: (T,) audio at 16 kHz -> (T // 320, dim) content features.

    Subclasses set ``name``, ``version``, ``dim``, ``window_frames`` and ``context_frames``
    and implement :meth:`encode_window`.
    """

    name: str = "content"
    version: str = "1"
    sample_rate: ClassVar[int] = 16000
    hop_length: ClassVar[int] = 320  # 20 ms: two model frames
    dim: int = 0
    window_frames: int = 1500  # 30 s
    context_frames: int = 100  # 2 s of context on each side of a cut

    def __init__(self, device: torch.device | str = "cpu") -> None:
        self.device = torch.device(device)

    def frames(self, samples: int) -> int:
        """Content frames for ``samples`` samples: ``samples // hop_length``."""
        return samples // self.hop_length

    def plan(self, samples: int) -> list[Window]:
        """How an input of ``samples`` samples is cut into windows (see module docstring)."""
        total = self.frames(samples)
        width, context = self.window_frames, self.context_frames
        if total <= width:
            return [Window(0, total, 0, total)]
        if width <= 2 * context:
            raise ValueError("window_frames must exceed twice context_frames")
        windows: list[Window] = []
        start, keep_start = 0, 0
        while start + width < total:
            keep_stop = start + width - context
            windows.append(Window(start, start + width, keep_start, keep_stop))
            keep_start = keep_stop
            start = keep_stop - context
        windows.append(Window(total - width, total, keep_start, total))
        return windows

    @abc.abstractmethod
    def encode_window(self, wave: torch.Tensor) -> torch.Tensor:
        """Encodes at most one window.

        Args:
            wave: (T,) float32 at 16 kHz on ``self.device``, T <= window_frames · 320.

        Returns:
            (T // 320, dim) float32 features.
        """

    @torch.inference_mode()
    def encode(self, wave: np.ndarray) -> np.ndarray:
        """Content features of any length of audio.

        Args:
            wave: (T,) float32 mono at 16 kHz.

        Returns:
            (T // 320, dim) float32.
        """
        wave_t = torch.from_numpy(np.ascontiguousarray(wave, dtype=np.float32)).to(self.device)
        total = self.frames(len(wave_t))
        out = np.zeros((total, self.dim), dtype=np.float32)
        hop = self.hop_length
        for win in self.plan(len(wave_t)):
            stop_sample = len(wave_t) if win.stop == total and win.start == 0 else win.stop * hop
            feats = self.encode_window(wave_t[win.start * hop : stop_sample])
            if feats.shape[-1] != self.dim:
                raise ValueError(f"{self.name}: the encoder gives {feats.shape[-1]}-d features, expected {self.dim}")
            out[win.keep_start : win.keep_stop] = (
                feats[win.keep_start - win.start : win.keep_stop - win.start].float().cpu().numpy()
            )
        return out

    def describe(self) -> dict[str, object]:
        """Name, version and geometry: what the feature cache keys on."""
        return {"name": self.name, "version": self.version, "dim": self.dim, "sample_rate": self.sample_rate,
                "hop_length": self.hop_length, "window_frames": self.window_frames,
                "context_frames": self.context_frames}
