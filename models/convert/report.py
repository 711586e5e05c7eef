"""The quality report of one conversion: did the output sing the intended notes, in the voice?

- **F0 error** (cents): the output's F0 (same extractor as the source, on the output resampled to
  16 kHz) against the intended F0 (the source's F0 after the key shift), over frames voiced in
  both; median and mean absolute error, and the share of frames within 50 cents.
- **Voicing agreement**: share of frames where source and output agree on voiced vs unvoiced.
- **Speaker similarity** (resemblyzer cosine): output vs the voice's speaker vector, and output vs
  the source. A conversion that worked is closer to the voice than to the source. The voice's
  vector is comparable only when it is a resemblyzer embedding (our own voices); an imported
  so-vits-svc-5.0 voice carries its reference encoder's vector, so the first number is omitted
  and the output is compared with the voice's reference only through ``to_source``.
  Long inputs are sampled: at most ``max_seconds`` of audio, in evenly spaced 10 s excerpts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from models.errors import Message

EXCERPT_S = 10.0
IN_TUNE_CENTS = 50.0


@dataclass(frozen=True)
class QualityReport:
    """Per-conversion quality numbers (``None`` where not measurable).

    Attributes:
        f0_median_cents: median |output F0 − intended F0| in cents over frames voiced in both.
        f0_mean_cents: mean of the same.
        f0_within_50_cents: share of those frames within 50 cents.
        compared_frames: how many frames the F0 numbers are over.
        voicing_agreement: share of frames where source and output agree on voicing.
        similarity_to_voice: resemblyzer cosine of the output to the voice's vector.
        similarity_to_source: resemblyzer cosine of the output to the source.
        notes: why a number is missing.
    """

    f0_median_cents: float | None
    f0_mean_cents: float | None
    f0_within_50_cents: float | None
    compared_frames: int
    voicing_agreement: float
    similarity_to_voice: float | None
    similarity_to_source: float | None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["notes"] = list(self.notes)
        return data

    def summary(self) -> str:
        """A few human-readable lines (what the CLI prints)."""

        def num(x: float | None, fmt: str) -> str:
            return "n/a" if x is None else format(x, fmt)

        within = None if self.f0_within_50_cents is None else 100 * self.f0_within_50_cents
        lines = [
            f"  pitch error: median {num(self.f0_median_cents, '.1f')} cents, "
            f"mean {num(self.f0_mean_cents, '.1f')} cents, {num(within, '.0f')}% within 50 cents "
            f"({self.compared_frames} frames)",
            f"  voicing agreement: {100 * self.voicing_agreement:.1f}%",
            f"  speaker similarity: to voice {num(self.similarity_to_voice, '.3f')}, "
            f"to source {num(self.similarity_to_source, '.3f')}",
        ]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def f0_error_cents(intended: np.ndarray, measured: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame |cents| difference over frames voiced in both, and the both-voiced mask."""
    n = min(len(intended), len(measured))
    a, b = np.asarray(intended[:n], np.float64), np.asarray(measured[:n], np.float64)
    both = (a > 0) & (b > 0)
    cents = np.abs(1200.0 * np.log2(np.where(both, b, 1.0) / np.where(both, a, 1.0)))
    return cents[both], both


def _excerpts(x: np.ndarray, rate: int, max_seconds: float) -> np.ndarray:
    if len(x) <= max_seconds * rate:
        return x
    n = max(1, int(max_seconds // EXCERPT_S))
    size = int(EXCERPT_S * rate)
    starts = np.linspace(0, len(x) - size, n).astype(int)
    return np.concatenate([x[s : s + size] for s in starts])


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12))


def quality_report(
    result: Any,
    source_16k: np.ndarray,
    rate_16k: int,
    pitch: Any,
    speaker: Any,
    manifest: Any,
    max_seconds: float = 60.0,
) -> QualityReport:
    """Measures a :class:`models.convert.converter.ConvertResult` against its source.

    Args:
        result: the conversion result (``audio`` at 32 kHz, ``intended_f0``, ``source_f0``).
        source_16k: (T,) the source at 16 kHz.
        rate_16k: 16000.
        pitch: the pitch extractor used for the source.
        speaker: a :class:`models.features.speaker.SpeakerEncoder`, or ``None`` (no similarity numbers).
        manifest: the voice's manifest (speaker vector, source).
        max_seconds: audio looked at for speaker similarity.
    """
    from models.convert.converter import extract_pitch
    from models.features.audio import resample

    out16 = resample(result.audio, result.sample_rate, rate_16k)
    measured = np.zeros(len(out16) // pitch.hop_length + 1, np.float32)
    for _, _, first, f0 in extract_pitch(pitch, out16):  # windowed: bounded memory on long songs
        measured[first : first + len(f0)] = f0
    return measured_report(result, measured, out16, rate_16k, speaker, manifest, max_seconds, source_16k)


def embed_excerpts(speaker: Any, wave_16k: np.ndarray, rate_16k: int, max_seconds: float) -> np.ndarray:
    """The speaker embedding of at most ``max_seconds`` of ``wave_16k`` (evenly spaced 10 s excerpts).

    Raises:
        ValueError: the encoder cannot embed it (e.g. too short).
    """
    return np.asarray(speaker.embed(_excerpts(np.asarray(wave_16k, np.float32), rate_16k, max_seconds)))


def measured_report(
    result: Any,
    measured: np.ndarray,
    out16: np.ndarray,
    rate_16k: int,
    speaker: Any,
    manifest: Any,
    max_seconds: float = 60.0,
    source_16k: np.ndarray | None = None,
    source_embedding: np.ndarray | None = None,
) -> QualityReport:
    """:func:`quality_report` from the output's F0 already measured (the pitch editor re-measures
    only where an edit changed the audio).

    Args:
        measured: (M,) the output's F0 in Hz per pitch frame (10 ms), 0 unvoiced.
        out16: (T,) the output at 16 kHz (for speaker similarity).
        source_16k: the source at 16 kHz, embedded unless ``source_embedding`` is given (neither:
            no similarity to the source).
        source_embedding: the source's :func:`embed_excerpts` (it never changes with an edit).
    """
    notes: list[str] = []
    cents, _ = f0_error_cents(result.intended_f0, measured)
    n = min(len(result.source_f0), len(measured))
    agreement = float(np.mean((result.source_f0[:n] > 0) == (measured[:n] > 0))) if n else 0.0
    if cents.size == 0:
        notes.append(
            Message("no frame is voiced in both the intended and the output pitch", "quality_no_voiced"))
    sim_voice = sim_source = None
    if speaker is None:
        notes.append(
            Message("speaker similarity not computed (no speaker encoder loaded)", "quality_no_encoder"))
    else:
        try:
            emb_out = embed_excerpts(speaker, out16, rate_16k, max_seconds)
            if source_embedding is None and source_16k is not None:
                source_embedding = embed_excerpts(speaker, source_16k, rate_16k, max_seconds)
            sim_source = None if source_embedding is None else _cos(emb_out, source_embedding)
            if manifest.source == "voicecraft":
                sim_voice = _cos(emb_out, np.asarray(manifest.speaker, np.float64))
            else:
                notes.append(Message(
                    "the voice's speaker vector is not a resemblyzer embedding (imported voice): "
                    "similarity to the voice is not comparable", "quality_imported_voice"
                ))
        except ValueError as exc:
            notes.append(Message(
                f"speaker similarity not computed: {exc}", "quality_similarity_failed", detail=str(exc)))
    return QualityReport(
        f0_median_cents=float(np.median(cents)) if cents.size else None,
        f0_mean_cents=float(np.mean(cents)) if cents.size else None,
        f0_within_50_cents=float(np.mean(cents <= IN_TUNE_CENTS)) if cents.size else None,
        compared_frames=int(cents.size),
        voicing_agreement=agreement,
        similarity_to_voice=sim_voice,
        similarity_to_source=sim_source,
        notes=tuple(notes),
    )
