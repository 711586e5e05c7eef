"""Conversion files: atomic audio writing (WAV 16/24-bit/float, FLAC) and batch conversion.

``write_audio`` writes to a hidden temporary sibling and renames it into place, so an output file
is either complete or absent — a crash, a full disk or a cancel never leaves half a song.
``convert_files`` converts a list of files and folders (non-audio files are reported, not fatal),
yielding :class:`BatchProgress` and returning one :class:`BatchItem` per input.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.convert import ConvertCancelled, ConvertError, ConvertOptions, ConvertProgress

FORMATS = {"wav": "WAV", "flac": "FLAC"}
SUBTYPES = {"16": "PCM_16", "24": "PCM_24", "float": "FLOAT"}
FLAC_SUBTYPES = ("PCM_16", "PCM_24")
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".aif", ".aiff", ".opus", ".m4a")


def write_audio(
    path: str | os.PathLike[str], audio: np.ndarray, rate: int, fmt: str = "wav", subtype: str = "16"
) -> Path:
    """Writes mono audio atomically.

    Args:
        path: destination file.
        audio: (T,) float samples in [-1, 1] (clipped for integer formats).
        rate: sample rate in Hz.
        fmt: "wav" or "flac".
        subtype: "16", "24" or "float" (FLAC: 16 or 24).

    Raises:
        ConvertError: unknown format/subtype, or the folder cannot be written (names the path).
    """
    import soundfile

    path = Path(path)
    if fmt not in FORMATS:
        raise ConvertError(f"unknown output format {fmt!r}; choose {', '.join(FORMATS)}")
    if subtype not in SUBTYPES:
        raise ConvertError(f"unknown sample format {subtype!r}; choose {', '.join(SUBTYPES)}")
    sf_subtype = SUBTYPES[subtype]
    if fmt == "flac" and sf_subtype not in FLAC_SUBTYPES:
        raise ConvertError("FLAC stores 16- or 24-bit samples, not float")
    data = np.asarray(audio, dtype=np.float32)
    if sf_subtype != "FLOAT":
        data = np.clip(data, -1.0, 1.0)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise ConvertError(f"{path}: cannot write to {path.parent} ({exc.strerror or exc})") from None
    os.close(fd)
    try:
        soundfile.write(tmp, data, rate, subtype=sf_subtype, format=FORMATS[fmt])
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, (OSError, RuntimeError)):
            raise ConvertError(f"{path}: cannot write ({exc})") from None
        raise
    return path


def check_writable(folder: str | os.PathLike[str]) -> Path:
    """Creates ``folder`` if needed and proves it writable (a temporary file), before any work.

    Raises:
        ConvertError: naming the folder and the reason.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ConvertError(f"{folder}: the output folder is not writable ({exc.strerror or exc})") from None
    return folder


def expand_inputs(inputs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Files as given, and the files inside given folders (sorted, hidden files skipped, not recursive)."""
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            out.extend(sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith(".")))
        else:
            out.append(p)
    return out


def output_name(source: Path, voice_name: str, fmt: str) -> str:
    """``<source stem> (<voice>).<ext>``, with characters unsafe in file names replaced."""
    voice = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", voice_name).strip() or "voice"
    return f"{source.stem} ({voice}).{fmt}"


@dataclass(frozen=True)
class BatchProgress:
    """Progress of a batch: the file being converted and its own progress."""

    index: int
    total: int
    file: str
    step: ConvertProgress | None
    fraction: float


@dataclass
class BatchItem:
    """The outcome for one input: the output path and result, or the error."""

    source: Path
    output: Path | None = None
    result: Any = None
    error: str | None = None
    seconds: float = 0.0


def convert_files(
    converter: Any,
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    options: ConvertOptions | None = None,
    fmt: str = "wav",
    subtype: str = "16",
    cancel: threading.Event | None = None,
    overwrite: bool = False,
) -> Iterator[BatchProgress]:
    """Converts files and folders (their direct files) into ``out_dir``.

    A file that cannot be read (corrupt, empty, not audio, too long) is recorded as an error and
    the batch goes on; an unwritable output folder stops before any work. Each output is written
    atomically. A cancel raises :class:`ConvertCancelled` after removing nothing finished earlier.

    Returns:
        list[BatchItem] (``StopIteration.value``).
    """
    from models.audio import AudioLoadError, load_audio

    options = options or ConvertOptions()
    if fmt not in FORMATS:
        raise ConvertError(f"unknown output format {fmt!r}; choose {', '.join(FORMATS)}")
    if fmt == "flac" and SUBTYPES.get(subtype) not in FLAC_SUBTYPES:
        raise ConvertError("FLAC stores 16- or 24-bit samples, not float")
    out = check_writable(out_dir)
    files = expand_inputs(inputs)
    items: list[BatchItem] = []
    for i, src in enumerate(files):
        item = BatchItem(src)
        items.append(item)
        t0 = time.monotonic()
        if cancel is not None and cancel.is_set():
            raise ConvertCancelled("batch cancelled")
        dest = out / output_name(src, converter.name, fmt)
        if dest.exists() and not overwrite:
            item.error = f"{dest}: already exists (use overwrite to replace it)"
            continue
        yield BatchProgress(i, len(files), str(src), None, i / max(len(files), 1))
        try:
            wave, rate = load_audio(src, max_seconds=options.max_input_s)
            gen = converter.convert(wave, rate, options, cancel, name=str(src))
            while True:
                try:
                    step = next(gen)
                except StopIteration as stop:
                    result = stop.value
                    break
                yield BatchProgress(i, len(files), str(src), step, (i + step.fraction) / len(files))
        except (AudioLoadError, ConvertError) as exc:
            item.error = str(exc)
            continue
        item.output = write_audio(dest, result.audio, result.sample_rate, fmt, subtype)
        item.result = result
        item.seconds = time.monotonic() - t0
    return items
