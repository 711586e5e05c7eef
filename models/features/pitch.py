"""Pitch: F0 extraction at the model's 10 ms frames (the coarse pitch bins the model embeds are
:func:`models.nets.coarse_pitch.f0_to_coarse`).

Extractors form a registry (``PITCH_EXTRACTORS``: name -> class); each declares its
``sample_rate`` (16 kHz), ``hop_length`` (160 samples = one 10 ms model frame), ``dim`` (1) and
``version`` (part of the feature-cache key). They differ only in how they produce a raw pitch
candidate and a voicing confidence per frame; the shared post-processing, the reference's,
is in :func:`postprocess_f0`:

1. range: candidates outside [f0_min_hz, f0_max_hz] (50-1100 Hz) are unvoiced;
2. confidence ("periodicity") median-filtered over 7 frames (reference: CREPE);
3. octave-jump guard: a voiced frame an octave (±3 semitones) away from the median of its
   voiced neighbourhood (±12 frames) is folded back by a factor of two; a real leap that
   lasts longer than half the neighbourhood moves the median and is kept;
4. F0 mean-filtered over 5 frames among voiced frames (reference), in log-frequency and
   ignoring neighbours more than 50 cents from the centre frame, so that the filter still
   removes jitter but no longer blurs note changes (the reference's plain mean smears a
   step over 4 frames: about 1.5 points of raw pitch accuracy on ../shared/data/synth);
5. voicing: confidence below the extractor's threshold -> unvoiced (0 Hz).

Every extractor returns ``1 + T // hop`` frames, frame i centred at i·10 ms.
"""

from __future__ import annotations

import abc
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from torch.nn import functional as F

from models.config import PitchConfig

FEATURE_SAMPLE_RATE = 16000  # Hz: every extractor runs on 16 kHz audio
FRAME_HOP = 160  # samples at 16 kHz = 10 ms = one model frame
CONFIDENCE_MEDIAN_FRAMES = 7  # reference: crepe.filter.median(periodicity, 7)
F0_MEAN_FRAMES = 5  # reference: crepe.filter.mean(pitch, 5)
OCTAVE_GUARD_FRAMES = 25  # neighbourhood of the octave-jump guard (±12 frames = ±120 ms)
OCTAVE_GUARD_TOLERANCE = 0.25  # octaves: a ratio of 2 ± 3 semitones counts as an octave error
SMOOTH_MAX_STEP = 1.0 / 24  # octaves: the mean ignores neighbours more than 50 cents away
DITHER_STD = 1e-3  # reference adds N(0, 1e-3) before CREPE; ours is seeded (repeatable features)


@dataclass(frozen=True)
class PitchTrack:
    """F0 at the model's frame rate.

    Attributes:
        f0_hz: (N,) float32 F0 in Hz, 0 where unvoiced (training input).
        confidence: (N,) float32 voicing confidence in [0, 1] after the median filter.
    """

    f0_hz: np.ndarray
    confidence: np.ndarray

    @property
    def voiced(self) -> np.ndarray:
        """(N,) bool: frames with a pitch."""
        return self.f0_hz > 0

    def continuous(self) -> np.ndarray:
        """(N,) float32 F0 with unvoiced frames filled (inference: every frame gets a pitch)."""
        return interpolate_unvoiced(self.f0_hz)


def interpolate_unvoiced(f0_hz: np.ndarray) -> np.ndarray:
    """Fills unvoiced frames by linear interpolation in log-frequency, holding the ends.

    Args:
        f0_hz: (N,) F0 in Hz, 0 where unvoiced.

    Returns:
        (N,) float32 F0 with no zeros (all zeros when no frame is voiced).
    """
    f0 = np.asarray(f0_hz, dtype=np.float64)
    voiced = f0 > 0
    if not voiced.any():
        return np.zeros_like(f0, dtype=np.float32)
    idx = np.arange(len(f0))
    logs = np.interp(idx, idx[voiced], np.log2(f0[voiced]))
    return np.exp2(logs).astype(np.float32)


def _nan_median(x: np.ndarray, width: int) -> np.ndarray:
    """Median over a centred window ignoring NaN (edges use the shorter window)."""
    half = width // 2
    padded = np.pad(x, half, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    out = np.full(len(x), np.nan)
    valid = ~np.all(np.isnan(windows), axis=1)
    if valid.any():
        out[valid] = np.nanmedian(windows[valid], axis=1)
    return out


def _edge_preserving_mean(logf: np.ndarray, width: int, max_step: float) -> np.ndarray:
    """Mean over a centred window of the finite values within ``max_step`` of the centre.

    Args:
        logf: (N,) log2 F0, NaN where unvoiced.
        width: window length in frames.
        max_step: neighbours further than this (octaves) from the centre frame are ignored.

    Returns:
        (N,) smoothed log2 F0 (NaN where the input is NaN).
    """
    half = width // 2
    padded = np.pad(logf, half, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    near = np.isfinite(windows) & (np.abs(windows - logf[:, None]) <= max_step)
    total = np.where(near, windows, 0.0).sum(axis=1)
    count = near.sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def postprocess_f0(f0_hz: np.ndarray, confidence: np.ndarray, threshold: float,
                   pitch: PitchConfig | None = None) -> PitchTrack:
    """The shared range, smoothing, octave guard and voicing rules (module docstring).

    Args:
        f0_hz: (N,) raw F0 candidates in Hz (0 or NaN where the extractor found none).
        confidence: (N,) raw voicing confidence in [0, 1].
        threshold: confidence below this (after the median filter) is unvoiced.
        pitch: range limits (defaults 50-1100 Hz).

    Returns:
        The final :class:`PitchTrack`.
    """
    pitch = pitch or PitchConfig()
    f0 = np.asarray(f0_hz, dtype=np.float64).copy()
    conf = np.nan_to_num(np.asarray(confidence, dtype=np.float64), nan=0.0)
    f0[~np.isfinite(f0) | (f0 < pitch.f0_min_hz) | (f0 > pitch.f0_max_hz)] = np.nan
    conf = np.nan_to_num(_nan_median(conf, CONFIDENCE_MEDIAN_FRAMES), nan=0.0)
    voiced = np.isfinite(f0) & (conf >= threshold)
    logf = np.where(voiced, np.log2(np.where(np.isfinite(f0), f0, 1.0)), np.nan)
    if voiced.sum() >= 3:
        ref = _nan_median(logf, OCTAVE_GUARD_FRAMES)
        diff = logf - ref
        up = np.abs(diff - 1.0) < OCTAVE_GUARD_TOLERANCE
        down = np.abs(diff + 1.0) < OCTAVE_GUARD_TOLERANCE
        logf = np.where(up, logf - 1.0, np.where(down, logf + 1.0, logf))
    smoothed = np.exp2(_edge_preserving_mean(logf, F0_MEAN_FRAMES, SMOOTH_MAX_STEP))
    out = np.where(voiced, smoothed, 0.0)
    out = np.where((out >= pitch.f0_min_hz) & (out <= pitch.f0_max_hz), out, 0.0)
    return PitchTrack(out.astype(np.float32), conf.astype(np.float32))


def frame_count(samples_16k: int) -> int:
    """Frames every extractor returns for ``samples_16k`` samples: 1 + T // 160."""
    return 1 + samples_16k // FRAME_HOP


class PitchExtractor(abc.ABC):
    """Base class: 16 kHz mono in, one F0 value per 10 ms frame out.

    Subclasses implement :meth:`raw`. Construction is cheap; networks load on first use.

    Args:
        pitch: F0 range (``f0_min_hz``/``f0_max_hz``).
        device: where networks run.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    sample_rate: ClassVar[int] = FEATURE_SAMPLE_RATE
    hop_length: ClassVar[int] = FRAME_HOP
    dim: ClassVar[int] = 1
    threshold: ClassVar[float] = 0.5

    def __init__(self, pitch: PitchConfig | None = None, device: torch.device | str = "cpu") -> None:
        self.pitch = pitch or PitchConfig()
        self.device = torch.device(device)

    @abc.abstractmethod
    def raw(self, wave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw candidates before post-processing.

        Args:
            wave: (T,) float32 at 16 kHz.

        Returns:
            (f0_hz, confidence), each (1 + T // 160,) float.
        """

    def extract(self, wave: np.ndarray) -> PitchTrack:
        """F0 of a 16 kHz waveform.

        Args:
            wave: (T,) float32 mono at 16 kHz, any length (0 gives one unvoiced frame).

        Returns:
            :class:`PitchTrack` with ``1 + T // 160`` frames.
        """
        wave = np.asarray(wave, dtype=np.float32)
        n = frame_count(len(wave))
        if len(wave) < 2 * FRAME_HOP:
            return PitchTrack(np.zeros(n, np.float32), np.zeros(n, np.float32))
        f0, conf = self.raw(wave)
        f0, conf = _fit(f0, n), _fit(conf, n)
        return postprocess_f0(f0, conf, self.threshold, self.pitch)

    def describe(self) -> dict[str, Any]:
        """Name, version and frame geometry: what the feature cache keys on."""
        return {"name": self.name, "version": self.version, "sample_rate": self.sample_rate,
                "hop_length": self.hop_length, "f0_min_hz": self.pitch.f0_min_hz,
                "f0_max_hz": self.pitch.f0_max_hz}


def _fit(x: np.ndarray, n: int) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if len(x) >= n:
        return x[:n]
    return np.concatenate([x, np.full(n - len(x), x[-1] if len(x) else 0.0)])


def _dither(wave: np.ndarray) -> np.ndarray:
    noise = np.random.default_rng(0).standard_normal(len(wave)).astype(np.float32) * DITHER_STD
    return wave + noise


def _viterbi(probs: np.ndarray, width: int = 12) -> np.ndarray:
    """Most likely bin path under torchcrepe's triangular transition (|jump| < ``width`` bins).

    P(next = j | now = i) is proportional to max(width - |i - j|, 0), normalised per row i.

    Args:
        probs: (N, B) emission probabilities per frame.

    Returns:
        (N,) int64 bin indices.
    """
    n, bins = probs.shape
    offsets = np.arange(-(width - 1), width)
    weight = (width - np.abs(offsets)).astype(np.float64)
    dest = np.arange(bins)[:, None] + offsets[None, :]  # i -> i + offset
    row_sum = np.where((dest >= 0) & (dest < bins), weight[None, :], 0.0).sum(axis=1)
    pred = np.arange(bins)[:, None] - offsets[None, :]  # predecessors of j
    ok = (pred >= 0) & (pred < bins)
    pred = np.clip(pred, 0, bins - 1)
    log_trans = np.where(ok, np.log(weight[None, :] / row_sum[pred]), -np.inf)
    log_e = np.log(np.maximum(probs, 1e-30))
    rows = np.arange(bins)
    score = log_e[0] - math.log(bins)
    back = np.zeros((n, bins), dtype=np.int64)
    for t in range(1, n):
        cand = score[pred] + log_trans
        best = cand.argmax(axis=1)
        back[t] = pred[rows, best]
        score = cand[rows, best] + log_e[t]
    path = np.empty(n, dtype=np.int64)
    path[-1] = int(score.argmax())
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


class CrepeExtractor(PitchExtractor):
    """CREPE as the reference runs it: dithered 16 kHz audio zero-padded by 512 samples,
    1024-sample frames every 160 samples (each normalised to zero mean and unit std), Viterbi
    decoding restricted to the pitch range, confidence = activation on the decoded bin.

    Where the reference dithers the decoded pitch with random noise to hide the 20-cent bins,
    we refine it deterministically with the activation-weighted mean of ±4 bins around the
    Viterbi bin (as CREPE's own weighted-argmax decoder does), so features are repeatable.
    """

    capacity: ClassVar[str] = "full"
    threshold: ClassVar[float] = 0.5  # reference: pitch[periodicity < 0.5] = 0
    batch_frames: ClassVar[int] = 256

    def __init__(self, pitch: PitchConfig | None = None, device: torch.device | str = "cpu") -> None:
        super().__init__(pitch, device)
        self._model: torch.nn.Module | None = None

    def _network(self) -> torch.nn.Module:
        if self._model is None:
            from models.features.pitch_nets import load_crepe

            self._model = load_crepe(self.capacity, self.device)
        return self._model

    @torch.inference_mode()
    def activations(self, wave: np.ndarray) -> np.ndarray:
        """CREPE activations.

        Args:
            wave: (T,) float32 at 16 kHz.

        Returns:
            (1 + T // 160, 360) sigmoid activations.
        """
        from models.features.pitch_nets import CREPE_WINDOW

        model = self._network()
        audio = torch.from_numpy(_dither(wave)).to(self.device)
        audio = F.pad(audio, (CREPE_WINDOW // 2, CREPE_WINDOW // 2))
        frames = audio.unfold(0, CREPE_WINDOW, FRAME_HOP)[: frame_count(len(wave))]
        batch = self.batch_frames * (4 if self.device.type == "cuda" else 1)
        out = []
        for start in range(0, frames.shape[0], batch):
            chunk = frames[start : start + batch]
            chunk = chunk - chunk.mean(dim=1, keepdim=True)
            chunk = chunk / torch.clamp(chunk.std(dim=1, keepdim=True), min=1e-10)
            out.append(model(chunk).float().cpu())
        return torch.cat(out).numpy()

    def raw(self, wave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from models.features.pitch_nets import CREPE_BINS, CREPE_CENTS_OFFSET, CREPE_CENTS_PER_BIN

        act = self.activations(wave)
        cents = CREPE_CENTS_OFFSET + CREPE_CENTS_PER_BIN * np.arange(CREPE_BINS)
        lo = int(np.floor((1200 * np.log2(self.pitch.f0_min_hz / 10) - CREPE_CENTS_OFFSET) / CREPE_CENTS_PER_BIN))
        hi = int(np.ceil((1200 * np.log2(self.pitch.f0_max_hz / 10) - CREPE_CENTS_OFFSET) / CREPE_CENTS_PER_BIN))
        lo, hi = max(lo, 0), min(hi, CREPE_BINS)
        in_range = act[:, lo:hi]
        # Activations normalised per frame are the emission likelihoods. (torchcrepe applies a
        # softmax to the sigmoid outputs, which flattens them to a ratio of at most e between
        # bins; the path then drifts to the range limit on whole phrases of our test singing.)
        emission = np.maximum(in_range, 1e-6)
        emission /= emission.sum(axis=1, keepdims=True)
        path = _viterbi(emission) + lo
        return _local_average(act, cents, path, lo, hi), act[np.arange(len(path)), path]


def _local_average(act: np.ndarray, cents: np.ndarray, centre: np.ndarray, lo: int, hi: int,
                   radius: int = 4) -> np.ndarray:
    """F0 in Hz from activation-weighted cents of ``centre ± radius`` bins (within [lo, hi))."""
    idx = centre[:, None] + np.arange(-radius, radius + 1)[None, :]
    valid = (idx >= lo) & (idx < hi)
    idx = np.clip(idx, 0, act.shape[1] - 1)
    weights = np.where(valid, np.take_along_axis(act, idx, axis=1), 0.0)
    total = weights.sum(axis=1)
    local = (weights * cents[idx]).sum(axis=1) / np.maximum(total, 1e-12)
    local = np.where(total > 0, local, cents[centre])
    return 10.0 * np.exp2(local / 1200.0)


class CrepeTinyExtractor(CrepeExtractor):
    """CREPE "tiny" (0.5 M parameters): same pipeline, usable on a CPU."""

    capacity: ClassVar[str] = "tiny"
    batch_frames: ClassVar[int] = 1024
    # tiny is less confident than full on voiced frames: at 0.5 it drops 1.5 % of the voiced
    # frames of ../shared/data/synth, at 0.3 0.6 %, with no more octave errors
    threshold: ClassVar[float] = 0.3


class FcpeExtractor(PitchExtractor):
    """FCPE (torchfcpe's bundled model): 128-bin log-mel (n_fft 1024, hop 160, 0-8 kHz, the
    torchfcpe front end), conv-only conformer, local-argmax decoding (±4 bins), confidence =
    the largest activation.
    """

    threshold: ClassVar[float] = 0.05  # CFNaiveMelPE.infer's default mask threshold

    def __init__(self, pitch: PitchConfig | None = None, device: torch.device | str = "cpu") -> None:
        super().__init__(pitch, device)
        self._model: Any = None
        self._mel: dict[str, Any] = {}

    @torch.inference_mode()
    def log_mel(self, wave: np.ndarray) -> torch.Tensor:
        """torchfcpe's mel front end: (T,) at 16 kHz -> (1, 1 + T // 160, 128) log magnitudes."""
        from models.features.spectral import mel_filterbank

        self._load()
        n_fft, win, hop = self._mel["n_fft"], self._mel["win_size"], self._mel["hop_size"]
        y = torch.from_numpy(np.asarray(wave, np.float32)).to(self.device)[None]
        pad_left = (win - hop) // 2
        pad_right = max((win - hop + 1) // 2, win - y.shape[-1] - pad_left)
        mode = "reflect" if pad_right < y.shape[-1] else "constant"
        y = F.pad(y[:, None], (pad_left, pad_right), mode=mode)[:, 0]
        spec = torch.stft(y, n_fft, hop_length=hop, win_length=win, window=torch.hann_window(win, device=self.device),
                          center=False, return_complex=True)
        mag = torch.sqrt(spec.real.square() + spec.imag.square() + 1e-9)
        basis = torch.tensor(mel_filterbank(self._mel["sr"], n_fft, self._mel["num_mels"],
                                                float(self._mel["fmin"]), float(self._mel["fmax"]))).to(mag)
        mel = torch.log(torch.clamp(basis @ mag, min=1e-5)).transpose(1, 2)
        n = frame_count(len(wave))
        if mel.shape[1] < n:
            mel = torch.cat([mel, mel[:, -1:].expand(-1, n - mel.shape[1], -1)], dim=1)
        return mel[:, :n]

    def _load(self) -> None:
        if self._model is None:
            from models.features.pitch_nets import load_fcpe

            self._model, self._mel = load_fcpe(self.device)
            if self._mel["sr"] != FEATURE_SAMPLE_RATE or self._mel["hop_size"] != FRAME_HOP:
                raise ValueError(f"FCPE checkpoint runs at {self._mel['sr']} Hz / hop {self._mel['hop_size']}")

    @torch.inference_mode()
    def raw(self, wave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mel = self.log_mel(wave)
        act = self._model(mel)[0].float().cpu().numpy()
        cents = self._model.cent_table.float().cpu().numpy()
        centre = act.argmax(axis=1)
        f0 = _local_average(act, cents, centre, 0, act.shape[1])
        return f0, act.max(axis=1)


class _WorldExtractor(PitchExtractor):
    threshold: ClassVar[float] = 0.5

    def raw(self, wave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import pyworld

        x = np.asarray(wave, dtype=np.float64)
        f0, times = self._track(pyworld, x)
        return f0, (f0 > 0).astype(np.float64)

    @abc.abstractmethod
    def _track(self, pyworld: Any, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(f0, times) from pyworld at a 10 ms frame period."""


class HarvestExtractor(_WorldExtractor):
    """WORLD Harvest (pyworld): slow-ish but robust on CPU; voicing is Harvest's own."""

    def _track(self, pyworld: Any, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return pyworld.harvest(x, FEATURE_SAMPLE_RATE, f0_floor=self.pitch.f0_min_hz,
                               f0_ceil=self.pitch.f0_max_hz, frame_period=1000.0 * FRAME_HOP / FEATURE_SAMPLE_RATE)


class DioExtractor(_WorldExtractor):
    """WORLD DIO refined by StoneMask (pyworld): the fastest, the least robust."""

    def _track(self, pyworld: Any, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        f0, t = pyworld.dio(x, FEATURE_SAMPLE_RATE, f0_floor=self.pitch.f0_min_hz, f0_ceil=self.pitch.f0_max_hz,
                            frame_period=1000.0 * FRAME_HOP / FEATURE_SAMPLE_RATE)
        return pyworld.stonemask(x, f0, t, FEATURE_SAMPLE_RATE), t


def _named(cls: type[PitchExtractor], name: str, version: str) -> type[PitchExtractor]:
    return type(cls.__name__, (cls,), {"name": name, "version": version, "__doc__": cls.__doc__})


PITCH_EXTRACTORS: dict[str, type[PitchExtractor]] = {
    "crepe-full": _named(CrepeExtractor, "crepe-full", "torchcrepe-0.0.24-viterbi-1"),
    "crepe-tiny": _named(CrepeTinyExtractor, "crepe-tiny", "torchcrepe-0.0.24-viterbi-1"),
    "fcpe": _named(FcpeExtractor, "fcpe", "fcpe_c_v001-1"),
    "harvest": _named(HarvestExtractor, "harvest", "pyworld-1"),
    "dio": _named(DioExtractor, "dio", "pyworld-stonemask-1"),
}
"""Pitch extractors by name. ``auto`` is resolved by :func:`default_pitch_method`."""

DEFAULT_PITCH_GPU = "crepe-full"  # the reference's extractor; ~9 s per audio second on a CPU
DEFAULT_PITCH_CPU = "fcpe"  # ~0.1 s per audio second on 2 CPU threads, as accurate here


def default_pitch_method(device: torch.device | str) -> str:
    """The extractor ``auto`` means on ``device``: CREPE full on a GPU, FCPE otherwise."""
    return DEFAULT_PITCH_GPU if torch.device(device).type == "cuda" else DEFAULT_PITCH_CPU


def create_pitch_extractor(method: str = "auto", pitch: PitchConfig | None = None,
                           device: torch.device | str = "cpu") -> PitchExtractor:
    """Builds a pitch extractor by registry name (or ``auto``).

    Raises:
        KeyError: an unknown name (the message lists the known ones).
    """
    name = default_pitch_method(device) if method == "auto" else method
    try:
        cls = PITCH_EXTRACTORS[name]
    except KeyError:
        raise KeyError(f"unknown pitch method {method!r}; choose auto or one of {', '.join(PITCH_EXTRACTORS)}") from None
    return cls(pitch, device)
