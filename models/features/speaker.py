"""Speaker embedding: resemblyzer's 256-d d-vector, per clip and averaged per voice.

The reference conditions on a 256-d d-vector from its own LSTM speaker encoder, L2-normalised,
averaged per singer; we use resemblyzer (same size and kind, weights shipped in its wheel).
Each clip goes through resemblyzer's own preprocessing (volume normalisation to -30 dBFS,
long-silence trimming with webrtcvad) at 16 kHz; the voice's vector is the mean of the unit
clip vectors, weighted by clip duration, normalised again.

Other encoders sit behind the same interface (``embed``, ``average``, ``describe``), chosen by name
through :data:`SPEAKER_ENCODERS` / :func:`create_speaker_encoder`: ``sovits5-lstm`` is the reference's
own LSTM encoder (:mod:`models.features.speaker_lstm`), the space the so-vits-svc-5.0 pretrain uses.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

SPEAKER_DIM = 256
SPEAKER_SAMPLE_RATE = 16000
MIN_SPEECH_S = 0.5  # below this after VAD trimming, embed the untrimmed clip instead


class SpeakerEncoder:
    """resemblyzer ``VoiceEncoder`` behind a stable interface (loaded on first use).

    Args:
        device: where the LSTM runs.
    """

    name = "resemblyzer"
    version = "resemblyzer-0.1.4-1"
    dim = SPEAKER_DIM
    sample_rate = SPEAKER_SAMPLE_RATE

    def __init__(self, device: torch.device | str = "cpu") -> None:
        self.device = torch.device(device)
        self._encoder: Any = None

    def _load(self) -> Any:
        if self._encoder is None:
            from resemblyzer import VoiceEncoder

            self._encoder = VoiceEncoder(device=self.device, verbose=False)
        return self._encoder

    def embed(self, wave: np.ndarray) -> np.ndarray:
        """The d-vector of one clip.

        Args:
            wave: (T,) float32 mono at 16 kHz.

        Returns:
            (256,) float32, unit L2 norm.

        Raises:
            ValueError: the clip is silent or shorter than 0.1 s.
        """
        from resemblyzer import preprocess_wav

        wave = np.asarray(wave, dtype=np.float32)
        if len(wave) < SPEAKER_SAMPLE_RATE // 10 or not np.any(np.abs(wave) > 1e-4):
            raise ValueError("cannot embed a silent or empty clip")
        trimmed = preprocess_wav(wave)
        if len(trimmed) < MIN_SPEECH_S * SPEAKER_SAMPLE_RATE:
            trimmed = wave
        embedding = np.asarray(self._load().embed_utterance(trimmed), dtype=np.float32)
        return embedding / max(float(np.linalg.norm(embedding)), 1e-12)

    def average(self, embeddings: Sequence[np.ndarray], weights: Sequence[float] | None = None) -> np.ndarray:
        """The voice's vector from its clip vectors: :func:`average_embeddings` (duration-weighted,
        unit norm)."""
        return average_embeddings(embeddings, weights)

    def describe(self) -> dict[str, object]:
        """Name, version and size: what the feature cache keys on."""
        return {"name": self.name, "version": self.version, "dim": self.dim, "sample_rate": self.sample_rate}


def average_embeddings(embeddings: Sequence[np.ndarray], weights: Sequence[float] | None = None) -> np.ndarray:
    """The voice's speaker vector: weighted mean of unit clip vectors, normalised.

    Args:
        embeddings: N arrays of shape (256,).
        weights: N non-negative weights (e.g. clip durations in seconds); equal if ``None``.

    Returns:
        (256,) float32, unit L2 norm.

    Raises:
        ValueError: no embeddings, or weights that do not match.
    """
    if not embeddings:
        raise ValueError("no speaker embeddings to average")
    stack = np.stack([np.asarray(e, dtype=np.float64) for e in embeddings])
    stack /= np.maximum(np.linalg.norm(stack, axis=1, keepdims=True), 1e-12)
    w = np.ones(len(stack)) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (len(stack),) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be one non-negative number per embedding, not all zero")
    mean = (stack * w[:, None]).sum(axis=0) / w.sum()
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


SPEAKER_ENCODERS: dict[str, str | None] = {
    "resemblyzer": None,
    "sovits5-lstm": "sovits5-speaker-encoder",
}
"""Speaker encoders by name -> the asset (``models.formats.assets.ASSETS``) of their weights, ``None`` when
the weights ship with a package. ``resemblyzer`` is the default (existing voices, the quality report);
``sovits5-lstm`` (:mod:`models.features.speaker_lstm`) is the so-vits-svc-5.0 pretrain's own space."""

DEFAULT_SPEAKER_ENCODER = "resemblyzer"


def create_speaker_encoder(name: str = DEFAULT_SPEAKER_ENCODER, weights: str | os.PathLike[str] | None = None,
                           device: torch.device | str = "cpu") -> Any:
    """The named speaker encoder (weights load on first use).

    Args:
        name: a key of :data:`SPEAKER_ENCODERS`.
        weights: the file of its asset (required when the entry names one).
        device: where it runs.

    Returns:
        an object with ``embed(wave) -> (256,)``, ``average(embeddings, weights) -> (256,)``, ``describe()``.

    Raises:
        KeyError: unknown name (the message lists the known ones).
        ValueError: the encoder needs a weights file and none was given.
    """
    if name not in SPEAKER_ENCODERS:
        raise KeyError(f"unknown speaker encoder {name!r}; known: {', '.join(SPEAKER_ENCODERS)}")
    if name == "resemblyzer":
        return SpeakerEncoder(device)
    if weights is None:
        asset = SPEAKER_ENCODERS[name]
        raise ValueError(f"the {name} speaker encoder needs its weights file (asset {asset})")
    from models.features.speaker_lstm import Sovits5SpeakerEncoder

    return Sovits5SpeakerEncoder(weights, device)
