"""Per-clip features, their cache, and their alignment to the model's 100 Hz frames.

One clip (32 kHz audio, and the same audio at 16 kHz) gives:

=========  ===================  ==============================  =====================
feature    extractor            native rate                      stored as
=========  ===================  ==============================  =====================
spec       models.features.spectral      100 Hz (hop 320 at 32 kHz)       (513, N) float32
f0         models.features.pitch         100 Hz (hop 160 at 16 kHz)       (1 + T16 // 160,)
ppg        content encoder      50 Hz (hop 320 at 16 kHz)        (T16 // 320, D_ppg)
vec        content encoder      50 Hz                            (T16 // 320, D_vec)
speaker    models.features.speaker       per clip                         (256,)
=========  ===================  ==============================  =====================

The cache stores these raw arrays, each in its own ``.npy`` named by the clip's content hash
(sha256 of its 32 kHz samples) and a key of the extractor's name, version and settings, so
changing one extractor recomputes only that feature. Files are written to a temporary name
and renamed: after a crash, a file is either complete or absent, and a rerun resumes.

:func:`align` is the one place where features meet the model's frame grid: N = T32 // 320
model frames (the spectrogram's count); F0 is cut to N; 50 Hz features are repeated
``content_repeat`` (2) times and cut to N. Where a feature is short by less than one of its
own frames (rounding of the two sample rates), its last frame is repeated; anything larger
is an error, not silently cropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from models.atomic import atomic_path
from models.config import AudioConfig
from models.features.audio import load_audio, resample
from models.features.content.base import ContentEncoder
from models.features.pitch import PitchExtractor
from models.features.speaker import SpeakerEncoder
from models.features.spectral import linear_spectrogram

SPEC_VERSION = "reference-linear-1"


class FeatureCancelled(RuntimeError):
    """Extraction stopped because the cancel event was set (finished clips stay cached)."""


@dataclass(frozen=True)
class AlignedFeatures:
    """Model-ready features of one clip, all on the 100 Hz frame grid.

    Attributes:
        spec: (513, N) linear magnitude spectrogram.
        f0_hz: (N,) F0 in Hz, 0 where unvoiced.
        ppg: (N, D_ppg) or ``None`` when the voice uses no PPG.
        vec: (N, D_vec) or ``None`` when the voice uses no units.
        speaker: (256,) unit d-vector of this clip, or ``None``.
    """

    spec: np.ndarray
    f0_hz: np.ndarray
    ppg: np.ndarray | None
    vec: np.ndarray | None
    speaker: np.ndarray | None

    @property
    def frames(self) -> int:
        """N, the number of 10 ms model frames."""
        return int(self.spec.shape[1])


def _fit_frames(x: np.ndarray, n: int, repeat: int, what: str) -> np.ndarray:
    """Repeats along time by ``repeat`` and fits to ``n`` frames (padding < ``repeat`` frames)."""
    x = np.repeat(x, repeat, axis=0) if repeat > 1 else x
    if len(x) >= n:
        return x[:n]
    if len(x) == 0 or n - len(x) > repeat:
        raise ValueError(f"{what}: {len(x)} frames cannot cover {n} model frames")
    return np.concatenate([x, np.repeat(x[-1:], n - len(x), axis=0)])


def align(spec: np.ndarray, f0_hz: np.ndarray, ppg: np.ndarray | None, vec: np.ndarray | None,
          speaker: np.ndarray | None, audio: AudioConfig) -> AlignedFeatures:
    """Puts raw features on the model's frame grid (see the module docstring).

    Args:
        spec: (513, N) from :func:`models.features.spectral.linear_spectrogram` of the 32 kHz clip.
        f0_hz: (1 + T16 // 160,) from a pitch extractor.
        ppg: (T16 // 320, D) or ``None``.
        vec: (T16 // 320, D) or ``None``.
        speaker: (256,) or ``None``.
        audio: frame geometry (``content_repeat``).

    Returns:
        :class:`AlignedFeatures` with N frames everywhere.
    """
    n = int(spec.shape[1])
    f0 = _fit_frames(np.asarray(f0_hz, dtype=np.float32), n, 1, "f0")
    rep = audio.content_repeat
    ppg_a = None if ppg is None else _fit_frames(np.asarray(ppg, dtype=np.float32), n, rep, "ppg")
    vec_a = None if vec is None else _fit_frames(np.asarray(vec, dtype=np.float32), n, rep, "vec")
    return AlignedFeatures(np.asarray(spec, dtype=np.float32), f0, ppg_a, vec_a, speaker)


def content_hash(wave_32k: np.ndarray) -> str:
    """sha256 of a clip's 32 kHz float32 samples (the cache identity of the clip)."""
    return hashlib.sha256(np.ascontiguousarray(wave_32k, dtype=np.float32).tobytes()).hexdigest()


def _key(describe: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(describe, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class FeaturePipeline:
    """The extractors of one voice and the cache they share.

    Attributes:
        pitch: F0 extractor.
        ppg: PPG encoder or ``None``.
        vec: unit encoder or ``None``.
        speaker: speaker encoder or ``None``.
        cache_dir: feature cache root (injected).
        audio: frame geometry.
    """

    pitch: PitchExtractor
    ppg: ContentEncoder | None
    vec: ContentEncoder | None
    speaker: SpeakerEncoder | None
    cache_dir: Path
    audio: AudioConfig = field(default_factory=AudioConfig)

    def _path(self, clip_hash: str, feature: str, describe: dict[str, object]) -> Path:
        return Path(self.cache_dir) / clip_hash[:2] / clip_hash / f"{feature}-{_key(describe)}.npy"

    def _cached(self, clip_hash: str, feature: str, describe: dict[str, object], compute) -> tuple[np.ndarray, bool]:
        path = self._path(clip_hash, feature, describe)
        if path.is_file():
            try:
                return np.load(path, allow_pickle=False), True
            except (OSError, ValueError):
                path.unlink(missing_ok=True)  # a damaged file is recomputed
        value = np.asarray(compute(), dtype=np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.save(handle, value, allow_pickle=False)
        return value, False

    def describe(self) -> dict[str, object]:
        """The extractors' identities (recorded in dataset manifests and voices)."""
        return {
            "spec": {"version": SPEC_VERSION, **self.audio.to_dict()},
            "f0": self.pitch.describe(),
            "ppg": None if self.ppg is None else self.ppg.describe(),
            "vec": None if self.vec is None else self.vec.describe(),
            "speaker": None if self.speaker is None else self.speaker.describe(),
        }

    def clip(self, wave_32k: np.ndarray) -> tuple[AlignedFeatures, bool]:
        """Features of one clip, from the cache where possible.

        Args:
            wave_32k: (T,) float32 at ``audio.sample_rate``.

        Returns:
            (features, all_cached): aligned features, and whether nothing had to be computed.
        """
        wave_32k = np.ascontiguousarray(wave_32k, dtype=np.float32)
        h = content_hash(wave_32k)
        wave_16k: list[np.ndarray] = []

        def w16() -> np.ndarray:
            if not wave_16k:
                wave_16k.append(resample(wave_32k, self.audio.sample_rate, self.audio.feature_sample_rate))
            return wave_16k[0]

        desc = self.describe()
        spec, c1 = self._cached(h, "spec", desc["spec"], lambda: linear_spectrogram(
            torch.from_numpy(wave_32k)[None], self.audio)[0].numpy())
        f0, c2 = self._cached(h, "f0", desc["f0"], lambda: self.pitch.extract(w16()).f0_hz)
        cached = c1 and c2
        ppg = vec = spk = None
        if self.ppg is not None:
            ppg, c = self._cached(h, "ppg", desc["ppg"], lambda: self.ppg.encode(w16()))
            cached &= c
        if self.vec is not None:
            vec, c = self._cached(h, "vec", desc["vec"], lambda: self.vec.encode(w16()))
            cached &= c
        if self.speaker is not None:
            spk, c = self._cached(h, "speaker", desc["speaker"], lambda: self.speaker.embed(w16()))
            cached &= c
        return align(spec, f0, ppg, vec, spk, self.audio), cached


@dataclass(frozen=True)
class FeatureProgress:
    """Progress of :func:`extract_dataset`.

    Attributes:
        done: clips finished.
        total: clips in all.
        clip: the clip just finished.
        cached: it came entirely from the cache.
        elapsed_s: seconds since the start.
    """

    done: int
    total: int
    clip: str
    cached: bool
    elapsed_s: float


def extract_dataset(pipeline: FeaturePipeline, clips: Sequence[str | os.PathLike[str]],
                    cancel: threading.Event | None = None) -> Iterator[FeatureProgress]:
    """Extracts (or finds in the cache) the features of every clip.

    Args:
        pipeline: the extractors and cache.
        clips: clip files (any rate; resampled to the model rate).
        cancel: set it to stop between clips (work done so far stays cached).

    Yields:
        :class:`FeatureProgress` after every clip.

    Returns:
        (via ``StopIteration.value``) the voice's averaged speaker vector, (256,), or ``None``
        when the pipeline has no speaker encoder.

    Raises:
        FeatureCancelled: ``cancel`` was set.
    """
    from models.features.speaker import average_embeddings

    start = time.monotonic()
    embeddings: list[np.ndarray] = []
    weights: list[float] = []
    for i, clip in enumerate(clips):
        if cancel is not None and cancel.is_set():
            raise FeatureCancelled(f"feature extraction cancelled after {i} of {len(clips)} clips")
        wave, _ = load_audio(clip, pipeline.audio.sample_rate)
        feats, cached = pipeline.clip(wave)
        if feats.speaker is not None:
            embeddings.append(feats.speaker)
            weights.append(len(wave) / pipeline.audio.sample_rate)
        yield FeatureProgress(i + 1, len(clips), os.fspath(clip), cached, time.monotonic() - start)
    if not embeddings:
        return None
    average = getattr(pipeline.speaker, "average", average_embeddings)  # each encoder averages its own way
    return average(embeddings, weights)
