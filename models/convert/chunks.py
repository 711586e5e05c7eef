"""Chunked synthesis's pieces: where chunks start and stop, the NSF excitation that keeps its phase
across them, and the crossfade that joins them.

:func:`plan_chunks` cuts N model frames into chunks with context on each side and kept ranges that
overlap by the crossfade; :func:`chunk_source` gives a chunk the exact harmonic phase the whole-song
source has there; :func:`crossfade_weights` is the equal-gain fade at each join.
:meth:`models.convert.converter.VoiceConverter.synthesize` puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Chunk:
    """One synthesis chunk, in model frames: synthesise [start, stop), keep [keep_start, keep_stop)."""

    start: int
    stop: int
    keep_start: int
    keep_stop: int


def plan_chunks(frames: int, chunk: int, context: int, fade: int) -> list[Chunk]:
    """Cuts ``frames`` into chunks of ``chunk`` frames (the last may be longer, up to 1.5 chunks)
    with ``context`` extra frames on each side; neighbours' kept ranges overlap by ``fade`` frames
    centred on each join. ``chunk <= 0`` or a short input gives one chunk."""
    if chunk <= 0 or frames <= chunk + chunk // 2:
        return [Chunk(0, frames, 0, frames)]
    joins = list(range(chunk, frames - chunk // 2, chunk))
    bounds = [0, *joins, frames]
    half_lo, half_hi = fade // 2, fade - fade // 2
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        ks = a - half_lo if a > 0 else 0
        ke = b + half_hi if b < frames else frames
        out.append(Chunk(max(0, a - context), min(frames, b + context), ks, ke))
    return out


def chunk_source(
    m_source: torch.nn.Module,
    f0_frames: torch.Tensor,
    start_cycles: torch.Tensor,
    hop: int,
    sample_rate: int,
    deterministic: bool,
    generator: torch.Generator | None,
) -> torch.Tensor:
    """NSF excitation of one chunk, phase-continuous with the whole-song excitation.

    The harmonic source's phase for harmonic k at a sample is frac(k · P), P the fundamental's
    cycles so far (Σ f0 / sr). Prepending one sample whose frequency is frac(P₀) · sr, P₀ the
    cycles before the chunk, makes the source's own cumulative sum start every harmonic at
    frac(k · P₀) — exactly where the unchunked source would be — and that sample is dropped.
    The model's own :class:`models.nets.nn.nsf.HarmonicSource` does all the work (no second copy).

    Args:
        m_source: the decoder's ``HarmonicSource``.
        f0_frames: (1, L) Hz at the frame rate.
        start_cycles: scalar float64, P₀.
        hop: samples per frame.
        sample_rate: audio rate.
        deterministic, generator: as for the source itself.

    Returns:
        (1, 1, L · hop) excitation.
    """
    f0_audio = torch.repeat_interleave(f0_frames.float(), hop, dim=1)
    prime = (start_cycles % 1.0) * sample_rate
    primed = torch.cat([prime.to(f0_audio.dtype).reshape(1, 1).to(f0_audio.device), f0_audio], dim=1)
    return m_source(primed, deterministic=deterministic, generator=generator)[..., 1:]


def crossfade_weights(length: int) -> np.ndarray:
    """Equal-gain (sin², summing to one with its mirror) fade-in of ``length`` samples."""
    if length <= 0:
        return np.ones(0, np.float32)
    t = (np.arange(length, dtype=np.float64) + 0.5) / length
    return (np.sin(0.5 * np.pi * t) ** 2).astype(np.float32)
