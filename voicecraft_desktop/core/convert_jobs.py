"""Conversion as the desktop app runs it: one file (with everything the Convert page draws) or a folder.

Qt-free glue over :mod:`models.convert.converter` and :mod:`models.convert.files`:

- :func:`build_converter`: a :class:`models.convert.converter.VoiceConverter` for a library voice, with the
  content encoders the voice was trained with (located in the app's asset store, never
  downloaded here: the Settings page does that), the chosen pitch extractor and, for the quality
  report, the speaker encoder. The same steps as ``voicecraft convert``.
- :func:`convert_take`: one file -> :class:`TakeResult`: the conversion result, the source at the
  output rate (for A/B playback and the waveform view) and the converted audio's own F0 (the
  second pitch curve). A converter from an earlier run is reused when it fits (loading Whisper
  large-v2 takes longer than converting a take).
- :func:`convert_folder`: every audio file of a folder into an output folder
  (:func:`models.convert.files.convert_files`: bad files are listed, the batch goes on).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ConverterKey:
    """What a converter was built for; a converter is reused only for the same key."""

    voice_folder: str
    weights_sha256: str
    f0_method: str
    report: bool
    device: str


@dataclass(frozen=True)
class OutputPitchProgress:
    """The last stage of :func:`convert_take`: measuring the converted audio's F0."""

    stage: str = "output pitch"
    fraction: float = 1.0
    message: str = "measuring the pitch of the result"


@dataclass
class TakeResult:
    """One converted file and what the page shows of it.

    Attributes:
        source: the input file.
        voice: the voice's display name.
        result: the :class:`models.convert.options.ConvertResult` (audio, F0 curves, key, report, notes).
        source_audio: (T,) the input, mono, at ``result.sample_rate`` and the output's length.
        output_f0: (N,) F0 of the converted audio in Hz per 10 ms frame, 0 where unvoiced.
        converter: the converter used (hand it to the next call to skip loading).
        converter_key: what it was built for.
    """

    source: Path
    voice: str
    result: Any
    source_audio: np.ndarray
    output_f0: np.ndarray
    converter: Any
    converter_key: ConverterKey


def converter_key(voice_entry: Any, f0_method: str, report: bool, device: str) -> ConverterKey:
    """The key of a converter for ``voice_entry`` (a :class:`VoiceEntry`) and these options."""
    from models.formats.artifact import read_manifest

    manifest = read_manifest(voice_entry.folder)
    return ConverterKey(str(voice_entry.folder), manifest.weights_sha256, f0_method, report, str(device))


def build_converter(
    voice_entry: Any,
    store: Any,
    *,
    f0_method: str = "auto",
    report: bool = True,
    device: str = "cpu",
    library: Any = None,
) -> Any:
    """Loads the voice of a library entry and its extractors; returns a ``VoiceConverter``.

    Raises:
        LibraryError: the voice cannot be loaded. AssetError: an encoder's weights are missing.
        ConvertError: see :func:`converter_for`.
    """
    from voicecraft_desktop.core.library import VoiceLibrary

    voice = (library or VoiceLibrary()).load(voice_entry, device)
    return converter_for(voice, store, f0_method=f0_method, report=report, device=device)


def converter_for(
    voice: Any,
    store: Any,
    *,
    f0_method: str = "auto",
    report: bool = True,
    device: Any = "cpu",
    fetch: bool = False,
) -> Any:
    """A ``VoiceConverter`` for a loaded voice: its own content encoders, a pitch extractor, and the
    speaker encoder when ``report`` is wanted. The app and ``voicecraft convert`` both use this.

    Args:
        voice: a ``models.formats.artifact.Voice``.
        store: the ``AssetStore`` holding the encoders' weights.
        fetch: download missing weights (the CLI); otherwise they must be present (the app offers
            its Settings page for that).

    Raises:
        AssetError: an encoder's weights are missing (or their download failed).
        ConvertError: the voice needs an encoder this VoiceCraft does not know, or the loaded
            encoders are not the voice's.
    """
    from models.convert.converter import VoiceConverter
    from models.convert.extractors import Extractors, voice_encoder_names
    from models.convert.options import ConvertError
    from models.features.content import ENCODERS, load_encoder
    from models.features.pitch import create_pitch_extractor
    from models.features.speaker import SpeakerEncoder
    from models.formats.artifact import sha256_file

    if not fetch:  # every missing file named at once, before any is loaded
        store.require_all([ENCODERS[n].asset for n in voice_encoder_names(voice).values() if n in ENCODERS])
    encoders, hashes = {}, {}
    for role, name in voice_encoder_names(voice).items():
        if name not in ENCODERS:
            raise ConvertError(
                f"voice {voice.manifest.name!r} needs content encoder {name!r}, which this "
                f"VoiceCraft does not know (known: {', '.join(ENCODERS)})"
            )
        asset = ENCODERS[name].asset
        path = store.ensure(asset) if fetch else store.require(asset)
        if (voice.manifest.content_encoders.get(role) or {}).get("sha256"):
            hashes[role] = store.recorded_sha256(asset) or (
                sha256_file(path) if Path(path).is_file() else None
            )
        encoders[role] = load_encoder(name, path, device)
    extractors = Extractors(
        pitch=create_pitch_extractor(f0_method, voice.config.pitch, device),
        ppg=encoders.get("ppg"),
        vec=encoders.get("vec"),
        speaker=SpeakerEncoder(device) if report else None,
        weights_sha256={k: v for k, v in hashes.items() if v},
    )
    return VoiceConverter(voice, extractors, device)


def converter_for_options(
    converter: Any, key: Any, voice_entry: Any, options: Any, store: Any, device: str, library: Any
) -> tuple[Any, Any]:
    """The page's kept ``converter`` when its ``key`` still fits the voice and options, else a new one
    from :func:`build_converter`; returns ``(converter, its key)``."""
    wanted = converter_key(voice_entry, options.f0_method, options.report, device)
    if converter is None or key != wanted:
        converter = build_converter(
            voice_entry, store, f0_method=options.f0_method, report=options.report, device=device,
            library=library,
        )
    return converter, wanted


def convert_take(
    path: str | os.PathLike[str],
    voice_entry: Any,
    options: Any,
    *,
    store: Any,
    device: str = "cpu",
    converter: Any = None,
    key: ConverterKey | None = None,
    cancel: threading.Event | None = None,
    library: Any = None,
) -> Generator[Any, None, TakeResult]:
    """Converts one file into ``voice_entry``.

    Args:
        path: the input audio file.
        voice_entry: a library :class:`VoiceEntry`.
        options: :class:`models.convert.options.ConvertOptions`.
        store: the app's ``AssetStore``.
        converter, key: a converter from an earlier call and its key; reused when the key matches.
        cancel: stops between windows and chunks (``ConvertCancelled``).

    Yields:
        ``ConvertProgress`` of the conversion, then one :class:`OutputPitchProgress`.
    """
    from models.features.audio import load_audio

    source = Path(path)
    wave, rate = load_audio(source, max_seconds=options.max_input_s)
    converter, wanted = converter_for_options(converter, key, voice_entry, options, store, device, library)
    result = yield from converter.convert(wave, rate, options, cancel, name=source.name, keep_features=True)
    yield OutputPitchProgress()
    return take_result(source, converter, result, wave, rate, wanted)


def take_result(
    source: Path, converter: Any, result: Any, wave: np.ndarray, rate: int, key: Any
) -> TakeResult:
    """A conversion as the page shows it: the source (``wave``, mono at ``rate`` Hz) resampled to the
    output's rate and fitted to its length, and the converted audio's own F0 (Hz, one value per
    model frame, 0 where unvoiced) measured with the voice's pitch extractor."""
    from models.features.audio import resample

    at_out = resample(wave, rate, result.sample_rate) if rate != result.sample_rate else wave
    at_out = np.pad(at_out, (0, max(0, len(result.audio) - len(at_out))))[: len(result.audio)]
    track = converter.extractors.pitch.extract(
        resample(result.audio, result.sample_rate, converter.config.audio.feature_sample_rate)
    )
    output_f0 = np.zeros(len(result.source_f0), np.float32)
    m = min(len(output_f0), len(track.f0_hz))
    output_f0[:m] = track.f0_hz[:m]
    return TakeResult(source, converter.name, result, at_out.astype(np.float32), output_f0, converter, key)


def convert_folder(
    folder: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    voice_entry: Any,
    options: Any,
    *,
    store: Any,
    fmt: str = "wav",
    subtype: str = "16",
    sample_rate: int | None = None,
    device: str = "cpu",
    overwrite: bool = False,
    cancel: threading.Event | None = None,
    library: Any = None,
) -> Generator[Any, None, list[Any]]:
    """Converts every audio file directly in ``folder`` into ``out_dir`` as ``<stem> (<voice>).<fmt>``
    (numbered, with the item's ``note`` saying why, when two files would get the same name), in
    ``subtype`` samples at ``sample_rate`` (``None``: the model's 32 kHz).

    Yields:
        :class:`models.convert.files.BatchProgress`.

    Returns:
        ``list[models.convert.files.BatchItem]`` (output or error per file).
    """
    from models.convert.files import convert_files

    converter = build_converter(
        voice_entry, store, f0_method=options.f0_method, report=options.report, device=device, library=library
    )
    return (
        yield from convert_files(
            converter, [folder], out_dir, options, fmt, subtype, cancel, overwrite, sample_rate=sample_rate
        )
    )
