"""Covers as the desktop app runs them (Qt-free tasks for ``ui/worker.py``): separate a song (cached
per file hash), convert its vocal and mix it back, or a folder of songs.

- :func:`separate_song`: a song -> :class:`SongStems` (vocal and backing in memory, for the preview);
- :func:`convert_song_take`: a song -> :class:`CoverTake` (separation, from the cache when done
  before, then the vocal's conversion and the backing's key shift), the converter kept for the next
  job as :func:`voicecraft_desktop.core.convert_jobs.convert_take` does;
- :func:`convert_song_folder`: every file of a folder -> a mix and two stems each.

The separation model's weights are located in the app's asset store, never downloaded here (the
model files setup does that), like the content encoders.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.convert.converter import _relay


@dataclass
class SongStems:
    """A separated song: ``vocal`` and ``backing`` (T, C) at ``sample_rate``; ``cached`` when the
    separation came from the cache."""

    source: Path
    vocal: np.ndarray
    backing: np.ndarray
    sample_rate: int
    model: str
    cached: bool


@dataclass
class CoverTake:
    """A converted song before export: the :class:`models.convert.cover.CoverResult`, the voice's
    name, and the converter (with its key) for the next job."""

    source: Path
    voice: str
    result: Any
    stems: SongStems
    converter: Any
    converter_key: Any
    vocal_take: Any = (
        None  # convert_jobs.TakeResult of the vocal alone, for the page's waveform and pitch views
    )


def separation_cache(root: str | os.PathLike[str] | None = None) -> Any:
    """The app's separation cache (``<cache>/separation``), or one at ``root``."""
    from models.features.separation import SeparationCache
    from voicecraft_desktop.core import paths

    return SeparationCache(root if root is not None else paths.cache_dir() / "separation")


def _progress(step: Any, share: float = 1.0) -> Any:
    """A separation step as the page's progress: a ``ConvertProgress`` of stage "separate"."""
    from models.convert.options import ConvertProgress

    return ConvertProgress(
        "separate",
        step.done,
        step.total,
        share * step.fraction,
        step.elapsed_s,
        f"separating the vocal ({step.message})",
    )


def separate_song(
    path: str | os.PathLike[str],
    *,
    store: Any,
    model_name: str = "htdemucs",
    device: Any = None,
    cancel: threading.Event | None = None,
    cache_root: Any = None,
    separator: Any = None,
    share: float = 1.0,
) -> Generator[Any, None, SongStems]:
    """Separates ``path`` (or takes its stems from the cache).

    Yields:
        ``ConvertProgress`` (stage "separate"), ``fraction`` scaled by ``share``.
    """
    from models.convert.options import ConvertCancelled
    from models.features.separation import SeparationCancelled, Separator, load_stems

    source = Path(path)
    if separator is None:
        separator = Separator.from_store(store, model_name, device=device, fetch=False, cancel=cancel)
    try:
        stems = yield from _relay(
            separation_cache(cache_root).separate(separator, source, cancel),
            lambda step: _progress(step, share),
        )
    except SeparationCancelled:
        raise ConvertCancelled(f"{source.name}: cancelled during separation") from None
    vocal, backing, rate = load_stems(stems.vocal, stems.backing)
    return SongStems(source, vocal, backing, rate, separator.name, stems.hit)


def convert_song_take(
    path: str | os.PathLike[str],
    voice_entry: Any,
    options: Any,
    cover: Any,
    *,
    store: Any,
    device: str = "cpu",
    converter: Any = None,
    key: Any = None,
    cancel: threading.Event | None = None,
    library: Any = None,
    cache_root: Any = None,
    stems: SongStems | None = None,
    separator: Any = None,
) -> Generator[Any, None, CoverTake]:
    """Separates ``path`` (unless its ``stems`` are given), converts the vocal into ``voice_entry``.

    Yields:
        ``ConvertProgress``: "separate" (40 % of the bar when not cached), then the conversion's stages.
    """
    from models.convert.cover import SEPARATION_SHARE, cover_convert
    from models.convert.options import ConvertProgress
    from voicecraft_desktop.core.convert_jobs import OutputPitchProgress, converter_for_options

    source = Path(path)
    if stems is None or stems.source != source or stems.model != cover.separation_model:
        stems = yield from separate_song(
            source,
            store=store,
            model_name=cover.separation_model,
            device=device,
            cancel=cancel,
            cache_root=cache_root,
            separator=separator,
            share=SEPARATION_SHARE,
        )
    share = 0.0 if stems.cached else SEPARATION_SHARE
    converter, wanted = converter_for_options(converter, key, voice_entry, options, store, device, library)
    gen = cover_convert(
        converter,
        stems.vocal,
        stems.backing,
        stems.sample_rate,
        options,
        cover,
        cancel,
        source.name,
        original=stems.vocal + stems.backing,
    )
    result = yield from _relay(
        gen,
        lambda step: ConvertProgress(
            step.stage,
            step.done,
            step.total,
            share + (1 - share) * step.fraction,
            step.elapsed_s,
            step.message,
        ),
    )
    yield OutputPitchProgress()
    return CoverTake(
        source,
        converter.name,
        result,
        stems,
        converter,
        wanted,
        _vocal_take(source, converter, result.conversion, stems, wanted),
    )


def _vocal_take(source: Path, converter: Any, conversion: Any, stems: SongStems, key: Any) -> Any:
    """The separated vocal and its conversion as a ``TakeResult`` (both at 32 kHz, the converted
    audio's own pitch measured), so the page draws them as it draws any conversion."""
    from voicecraft_desktop.core.convert_jobs import take_result

    return take_result(source, converter, conversion, stems.vocal.mean(axis=1), stems.sample_rate, key)


def convert_song_folder(
    folder: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    voice_entry: Any,
    options: Any,
    cover: Any,
    *,
    store: Any,
    fmt: str = "wav",
    subtype: str = "16",
    device: str = "cpu",
    overwrite: bool = False,
    cancel: threading.Event | None = None,
    library: Any = None,
    cache_root: Any = None,
) -> Generator[Any, None, list[Any]]:
    """Every audio file directly in ``folder`` as a cover: ``<stem> (<voice>).<fmt>`` and its two
    stems in ``out_dir`` at each song's rate (bad songs are listed, the batch goes on).

    Yields:
        :class:`models.convert.files.BatchProgress`.
    """
    from models.convert.cover import convert_songs
    from models.features.separation import Separator
    from voicecraft_desktop.core.convert_jobs import build_converter

    separator = Separator.from_store(store, cover.separation_model, device=device, fetch=False, cancel=cancel)
    converter = build_converter(
        voice_entry, store, f0_method=options.f0_method, report=options.report, device=device, library=library
    )
    return (
        yield from convert_songs(
            converter,
            separator,
            separation_cache(cache_root),
            [folder],
            out_dir,
            options,
            cover,
            fmt,
            subtype,
            cancel,
            overwrite,
        )
    )
