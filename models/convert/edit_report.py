"""The quality report of an edited conversion, measured again after each pitch edit.

:func:`edited_report` gives what :func:`models.convert.report.quality_report` gives on the edited
audio, without measuring the whole song again: the output's F0 is re-measured only around the
samples an edit changed (each stretch extracted with
:data:`~models.convert.converter.PITCH_CONTEXT_S` of audio on both sides and only its interior
kept, which equals a whole-song extraction: the property
:func:`models.convert.converter.extract_pitch` rests on), and the source's speaker embedding, which
no edit changes, is measured once per conversion and kept in :class:`ReportState`. The speaker
similarity of the output is measured again (at most ``report_max_s`` of audio).

Qt-free; runs in a worker (it yields between steps, so a cancel stops it there).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from models.convert.converter import PITCH_CONTEXT_S
from models.convert.report import QualityReport, embed_excerpts, measured_report

MARGIN_S = 0.5  # F0 frames this far from a changed sample may change too (extractors see ±12 frames)


@dataclass(frozen=True)
class ReportState:
    """What the next re-measure reuses.

    Attributes:
        measured: (M,) the output's F0 (Hz per 10 ms pitch frame, 0 unvoiced) of the audio it was
            measured on; frames past its end are measured when needed.
        source_embedding: the source's speaker embedding, or ``None`` (not measured yet, or not
            measurable: then ``embedded`` is True).
        embedded: whether the source's embedding was measured (or found not measurable).
    """

    measured: np.ndarray
    source_embedding: np.ndarray | None = None
    embedded: bool = False


def edited_report(
    converter: Any, snapshot: Any, state: ReportState, changed: tuple[int, int]
) -> Generator[float, None, tuple[QualityReport, ReportState]]:
    """Measures the quality report of ``snapshot`` again where ``changed`` says the audio changed.

    Args:
        converter: the :class:`~models.convert.converter.VoiceConverter` of the conversion.
        snapshot: the edited result's ``audio``, ``sample_rate``, ``intended_f0``, ``source_f0`` and
            ``features`` (:class:`models.convert.resynth.SynthesisState`): take it in one thread
            (:func:`snapshot_of`), since the result changes with the next edit.
        state: the previous :class:`ReportState` (its ``measured`` was of the audio before the change).
        changed: output samples ``[lo, hi)`` that differ from the audio ``state.measured`` was of.

    Yields:
        fractions done, between steps.

    Returns:
        (the report, the state for the next edit).
    """
    from models.features.audio import resample

    options = snapshot.features.options
    pitch = converter._pitch_extractor(options)  # the extractor the conversion's report used
    rate16, hop = pitch.sample_rate, pitch.hop_length
    out16 = resample(snapshot.audio, snapshot.sample_rate, rate16)
    total = len(out16) // hop + 1
    measured = np.zeros(total, np.float32)
    known = min(total, len(state.measured))
    measured[:known] = state.measured[:known]
    yield 0.1
    margin = int(MARGIN_S * rate16) // hop
    lo, hi = changed
    stretches = []
    if hi > lo:
        first = max(0, int(lo * rate16 // snapshot.sample_rate) // hop - margin)
        stretches.append(
            (first, min(total, -(-int(hi * rate16) // snapshot.sample_rate) // hop + margin + 1))
        )
    if known < total:
        stretches.append((known, total))
    ctx = int(PITCH_CONTEXT_S * rate16) // hop
    for i, (a, b) in enumerate(stretches):
        start, stop = max(0, a - ctx), min(total, b + ctx)
        f0 = np.asarray(pitch.extract(out16[start * hop : stop * hop]).f0_hz, np.float32)
        interior = f0[a - start : b - start]
        measured[a : a + len(interior)] = interior
        yield 0.1 + 0.4 * (i + 1) / len(stretches)
    speaker, max_s = converter.extractors.speaker, options.report_max_s
    source_embedding, embedded = state.source_embedding, state.embedded
    source_16k = snapshot.features.source_16k
    if speaker is not None and not embedded and source_16k is not None:
        try:
            source_embedding = embed_excerpts(speaker, source_16k, rate16, max_s)
        except ValueError:
            source_embedding = None  # measured_report says why (it meets the same error)
        embedded = True
        yield 0.7
    report = measured_report(
        snapshot,
        measured,
        out16,
        rate16,
        speaker,
        converter.voice.manifest,
        max_s,
        source_16k=source_16k if source_embedding is None else None,
        source_embedding=source_embedding,
    )
    return report, ReportState(measured, source_embedding, embedded)


def snapshot_of(result: Any) -> Any:
    """The parts of an editable result :func:`edited_report` reads, as they are now."""
    return SimpleNamespace(
        audio=result.audio,
        sample_rate=result.sample_rate,
        intended_f0=result.intended_f0,
        source_f0=result.source_f0,
        features=result.features,
    )
