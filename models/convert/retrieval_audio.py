"""A voice's retrieval indexes from recordings of the voice, on demand (imported so-vits-svc-5.0 voices,
or voices whose dataset is gone): the recordings' content features, computed with the voice's own
content encoders exactly as conversion computes them, indexed as :mod:`models.features.retrieval` does.

Voices trained here get their indexes at export from the dataset's cached features
(:mod:`models.training.retrieval_index`); this is the same index from audio instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.convert.options import MAX_INPUT_S, ConvertCancelled, ConvertError
from models.features.retrieval import IndexSpec

MAX_TOTAL_S = 4 * 3600.0  # 720,000 rows at 50 Hz: above the 200,000-row k-means reduction anyway


def retrieval_specs(voice: Any) -> dict[str, IndexSpec]:
    """What a voice's indexes must match: its models' feature widths, its content encoders (as
    conversion checks them) and its id."""
    from models.convert.extractors import voice_encoder_names

    names = voice_encoder_names(voice)
    model = voice.config.model
    vid = str(voice.manifest.id)
    return {
        "ppg": IndexSpec(int(model.ppg_dim), names["ppg"], vid),
        "vec": IndexSpec(int(model.vec_dim), names["vec"], vid),
    }


def index_from_audio(
    converter: Any, files: Sequence[str | Path], cancel: threading.Event | None = None
) -> Iterator[tuple[int, int, str]]:
    """Builds and writes the retrieval indexes of ``converter.voice`` from recordings.

    Args:
        converter: a :class:`models.convert.converter.VoiceConverter` (its extractors were checked
            against the voice).
        files: audio files of the voice singing (any rate; mono-mixed, resampled to 16 kHz).
        cancel: checked between files and encoder windows.

    Yields:
        (done, total, file) after each file.

    Returns:
        The written record's path (``StopIteration.value``).

    Raises:
        ConvertError: no files, an unreadable file (named), or more than ``MAX_TOTAL_S`` of audio.
        ConvertCancelled: ``cancel`` was set; nothing was written.
    """
    from models.convert.converter import encode_windows
    from models.features.audio import AudioLoadError, load_audio
    from models.features.retrieval import RetrievalError, write_voice_indexes

    if not files:
        raise ConvertError("no recordings given to build the retrieval index from")
    rate = converter.config.audio.feature_sample_rate
    feats: dict[str, list[np.ndarray]] = {"ppg": [], "vec": []}
    total_s = 0.0
    for i, path in enumerate(files):
        try:
            wave, _ = load_audio(path, rate, max_seconds=MAX_INPUT_S)
        except AudioLoadError as exc:
            raise ConvertError(str(exc)) from None
        total_s += len(wave) / rate
        if total_s > MAX_TOTAL_S:
            raise ConvertError(f"more than {MAX_TOTAL_S / 3600:g} hours of recordings; give fewer files")
        for role in ("ppg", "vec"):
            encoder = getattr(converter.extractors, role)
            windows = encode_windows(encoder, wave, encoder.plan(len(wave)))
            while True:
                if cancel is not None and cancel.is_set():
                    raise ConvertCancelled("building the retrieval index was cancelled; nothing was written")
                try:
                    next(windows)
                except StopIteration as stop:
                    feats[role].append(stop.value)  # (T // 320, dim) float32
                    break
        yield i + 1, len(files), str(path)
    try:
        return write_voice_indexes(converter.voice.folder, feats, retrieval_specs(converter.voice))
    except RetrievalError as exc:
        raise ConvertError(str(exc)) from None
