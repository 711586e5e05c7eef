"""Conversion files: atomic audio writing (WAV 16/24-bit/float, FLAC; at 32 kHz or resampled to
44.1/48 kHz with soxr) and batch conversion.

``write_audio`` is the one path converted audio takes to disk. It refuses a buffer that is not
mono, empty, not finite or degenerate (constant, or mostly at full scale: what a NaN becomes in
PCM) — a last guard, the converter checks its result first — then writes a hidden temporary
sibling ``.NAME.XXXXXXXX.part`` (created with the user's umask mode, :mod:`models.atomic`),
syncs it and renames it into place, so an output file is either complete or absent: a crash, a
full disk or a cancel never leaves half a song. A process killed mid-write leaves its ``.part``
behind; :func:`clean_stale_parts` removes those (ours by name, and older than
``STALE_PART_S``) at the next batch or export in that folder.
``convert_files`` converts a list of files and folders (non-audio files are reported, not fatal),
yielding :class:`BatchProgress` and returning one :class:`BatchItem` per input. Inputs whose
output names would collide (the same file name in two folders, ``song.wav`` and ``song.flac``)
get numbered names, and their item's ``note`` says so; a file given twice is converted once.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.atomic import RANDOM_CHARS, RANDOM_LEN, mkstemp
from models.convert.options import (
    OUTPUT_SAMPLE_RATES,
    ConvertCancelled,
    ConvertError,
    ConvertOptions,
    ConvertProgress,
)
from models.errors import Message, as_message

log = logging.getLogger(__name__)

FORMATS = {"wav": "WAV", "flac": "FLAC"}
SUBTYPES = {"16": "PCM_16", "24": "PCM_24", "float": "FLOAT"}
FLAC_SUBTYPES = ("PCM_16", "PCM_24")
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".aif", ".aiff", ".opus", ".m4a")
PART_SUFFIX = ".part"
STALE_PART_S = 600.0  # a .part untouched this long is a killed write (one takes seconds), not a live one
_PART_RE = re.compile(
    rf"^\..+\.(?:{'|'.join(FORMATS)})\.[{re.escape(RANDOM_CHARS)}]{{{RANDOM_LEN}}}{re.escape(PART_SUFFIX)}$"
)
FULL_SCALE_LIMIT = 0.5  # more than this share of samples at full scale is a broken buffer, not a song


def write_audio(
    path: str | os.PathLike[str],
    audio: np.ndarray,
    rate: int,
    fmt: str = "wav",
    subtype: str = "16",
    sample_rate: int | None = None,
) -> Path:
    """Writes mono audio atomically.

    Args:
        path: destination file.
        audio: (T,) float samples in [-1, 1] (clipped for integer formats).
        rate: sample rate of ``audio`` in Hz.
        fmt: "wav" or "flac".
        subtype: "16", "24" or "float" (FLAC: 16 or 24).
        sample_rate: the file's rate, one of ``OUTPUT_SAMPLE_RATES`` (resampled with soxr when it
            differs from ``rate``); ``None`` keeps ``rate``.

    Raises:
        ConvertError: unknown format/subtype/rate, or the folder cannot be written (names the path).
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
    check_sample_rate(sample_rate)
    data = check_buffer(audio, path)
    if sample_rate is not None and sample_rate != rate:
        from models.features.audio import resample

        data, rate = resample(data, rate, sample_rate), sample_rate
    if sf_subtype != "FLOAT":
        data = np.clip(data, -1.0, 1.0)
    try:
        fd, tmp = mkstemp(prefix=f".{path.name}.", suffix=PART_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise output_write_failed(path, exc) from None
    os.close(fd)
    try:
        soundfile.write(tmp, data, rate, subtype=sf_subtype, format=FORMATS[fmt])
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            detail = str(exc.strerror or exc)
            raise ConvertError(Message(f"{path}: cannot write ({detail})", "export_write_failed",
                                       path=str(path), detail=detail)) from None
        if isinstance(exc, RuntimeError):  # libsndfile says only "System error." for a failed write
            raise ConvertError(Message(f"{path}: cannot write ({exc}; is the disk full?)", "output_disk_full",
                                       path=str(path))) from None
        raise
    return path


def output_write_failed(path: Path, exc: OSError) -> ConvertError:
    """``path`` cannot be created in its folder (the OS's reason as ``detail``)."""
    detail = str(exc.strerror or exc)
    return ConvertError(Message(f"{path}: cannot write to {path.parent} ({detail})", "output_write_failed",
                                path=str(path), folder=str(path.parent), detail=detail))


def check_sample_rate(sample_rate: int | None) -> None:
    """Raises :class:`ConvertError` unless ``sample_rate`` is ``None`` or one of ``OUTPUT_SAMPLE_RATES``."""
    if sample_rate is not None and sample_rate not in OUTPUT_SAMPLE_RATES:
        rates = ", ".join(str(r) for r in OUTPUT_SAMPLE_RATES)
        raise ConvertError(f"the output sample rate must be one of {rates} Hz, not {sample_rate}")


def check_buffer(audio: np.ndarray, path: str | os.PathLike[str]) -> np.ndarray:
    """The last guard before converted audio is written: returns it as (T,) float32.

    Raises:
        ConvertError: naming ``path``: not mono, empty, a NaN or infinite sample, a constant
            non-zero signal (DC), or more than ``FULL_SCALE_LIMIT`` of the samples at full scale.
            Digital silence is allowed (a gated silent input gives it).
    """
    data = np.asarray(audio)
    if data.ndim != 1:
        raise ConvertError(f"{path}: expected mono audio, got samples of shape {data.shape}; not written")
    if data.size == 0:
        raise ConvertError(f"{path}: no audio to write")
    if not np.issubdtype(data.dtype, np.number) or np.issubdtype(data.dtype, np.complexfloating):
        raise ConvertError(f"{path}: audio samples must be real numbers, not {data.dtype}; not written")
    data = data.astype(np.float32, copy=False)
    bad = int(np.count_nonzero(~np.isfinite(data)))
    if bad:
        raise ConvertError(
            f"{path}: the audio is not finite ({bad} of {data.size} samples are NaN or infinite); not written"
        )
    low, high = float(data.min()), float(data.max())
    if low == high and low != 0.0:
        raise ConvertError(
            f"{path}: the audio is constant (every sample {low:g}): broken output, not written"
        )
    at_rails = float(np.count_nonzero(np.abs(data) >= 1.0)) / data.size
    if at_rails > FULL_SCALE_LIMIT:
        raise ConvertError(
            f"{path}: {100 * at_rails:.0f} % of the samples are at full scale: broken output, not written"
        )
    return data


def clean_stale_parts(folder: str | os.PathLike[str], max_age_s: float = STALE_PART_S) -> list[Path]:
    """Removes the temporaries of killed writes in ``folder``: hidden ``.NAME.wav|flac.XXXXXXXX.part``
    files (exactly the names :func:`write_audio` makes) not modified for ``max_age_s``; a younger
    one may be a write in progress. Never fails: what cannot be removed stays. Returns the removed."""
    folder = Path(folder)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not _PART_RE.match(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or now - entry.stat().st_mtime < max_age_s:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(folder / entry.name)
    if removed:
        log.info("removed %d unfinished output(s) of killed conversions in %s", len(removed), folder)
    return removed


def export_audio(
    path: str | os.PathLike[str],
    audio: np.ndarray,
    rate: int,
    fmt: str = "wav",
    subtype: str = "16",
    sample_rate: int | None = None,
) -> Path:
    """:func:`write_audio` after :func:`clean_stale_parts` of the destination folder (the app's export)."""
    clean_stale_parts(Path(path).parent)
    return write_audio(path, audio, rate, fmt, subtype, sample_rate)


def check_writable(folder: str | os.PathLike[str]) -> Path:
    """Creates ``folder`` if needed and proves it writable (a temporary file), before any work.

    Raises:
        ConvertError: naming the folder and the reason.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        text = f"{folder}: the output folder is not writable (it is a file, not a folder)"
        raise ConvertError(Message(text, "output_folder_is_file", path=str(folder)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        detail = str(exc.strerror or exc)
        raise ConvertError(Message(f"{folder}: the output folder is not writable ({detail})",
                                   "output_folder_unwritable", path=str(folder), detail=detail)) from None
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


def plan_outputs(files: Sequence[Path], voice_name: str, fmt: str) -> list[tuple[str | None, str | None]]:
    """Output names for a batch, unique within it (compared case-insensitively, as on macOS and
    Windows): the first input keeps ``output_name``; a later one that would get the same name
    gets ``<stem> (<voice>) 2.<ext>``, 3, ... A file given twice (same resolved path) gets no name.

    Returns:
        One (name, note) per file: name ``None`` for a repeat (note says which); note ``None``
        unless the name was changed (then it says why).
    """
    taken: dict[str, Path] = {}
    seen: dict[Path, Path] = {}
    plan: list[tuple[str | None, str | None]] = []
    for src in files:
        real = Path(os.path.realpath(src))
        if real in seen:
            plan.append((None, Message(f"{src}: given twice (the same file as {seen[real]}); converted once",
                                       "batch_repeated", path=str(src), first=str(seen[real]))))
            continue
        seen[real] = src
        base = output_name(src, voice_name, fmt)
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{Path(base).stem} {n}{Path(base).suffix}"
        note = None
        if name != base:
            note = Message(
                f"{src}: written as {name!r}, because {taken[base.casefold()]} also converts to {base!r}",
                "batch_renamed", path=str(src), name=name, other=str(taken[base.casefold()]), base=base,
            )
        taken[name.casefold()] = src
        plan.append((name, note))
    return plan


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
    """The outcome for one input: the output path and result, or the error; ``note`` says why an
    output name differs from the usual ``<stem> (<voice>).<ext>`` (a name collision in the batch)."""

    source: Path
    output: Path | None = None
    result: Any = None
    error: str | None = None
    seconds: float = 0.0
    note: str | None = None


def convert_files(
    converter: Any,
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    options: ConvertOptions | None = None,
    fmt: str = "wav",
    subtype: str = "16",
    cancel: threading.Event | None = None,
    overwrite: bool = False,
    sample_rate: int | None = None,
) -> Iterator[BatchProgress]:
    """Converts files and folders (their direct files) into ``out_dir``.

    A file that cannot be read (corrupt, empty, not audio, too long) is recorded as an error and
    the batch goes on; an unwritable output folder stops before any work. Each output is written
    atomically; outputs are named by :func:`plan_outputs` (unique in the batch; an existing file is
    kept unless ``overwrite``) at ``sample_rate`` (``None``: the model's own, 32 kHz); stale
    temporaries of killed runs in ``out_dir`` are removed first.
    A cancel raises :class:`ConvertCancelled` after removing nothing finished earlier.

    Returns:
        list[BatchItem] (``StopIteration.value``).
    """
    from models.features.audio import AudioLoadError, load_audio

    options = options or ConvertOptions()
    if fmt not in FORMATS:
        raise ConvertError(f"unknown output format {fmt!r}; choose {', '.join(FORMATS)}")
    if fmt == "flac" and SUBTYPES.get(subtype) not in FLAC_SUBTYPES:
        raise ConvertError("FLAC stores 16- or 24-bit samples, not float")
    check_sample_rate(sample_rate)
    def work(src: Path, dest: Path) -> Iterator[Any]:
        wave, rate = load_audio(src, max_seconds=options.max_input_s)
        result = yield from converter.convert(wave, rate, options, cancel, name=str(src))
        return write_audio(dest, result.audio, result.sample_rate, fmt, subtype, sample_rate), result

    return (yield from run_batch(inputs, out_dir, converter.name, fmt, work, (AudioLoadError, ConvertError),
                                 cancel=cancel, overwrite=overwrite))


def run_batch(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    voice_name: str,
    fmt: str,
    work: Callable[[Path, Path], Iterator[Any]],
    errors: tuple[type[BaseException], ...],
    *,
    targets: Callable[[Path], list[Path]] = lambda dest: [dest],
    cancel: threading.Event | None = None,
    overwrite: bool = False,
) -> Iterator[BatchProgress]:
    """The one batch loop of conversions (voices, songs): outputs planned by :func:`plan_outputs`,
    stale temporaries removed, each input's ``work(src, dest)`` run with its progress relayed as
    :class:`BatchProgress`.

    ``work`` is a generator of ``ConvertProgress`` returning ``(output path, result)``; an error of
    a type in ``errors`` is recorded on that input's item and the batch goes on. ``targets(dest)``
    lists the files an input writes: any of them existing skips the input unless ``overwrite``.

    Returns:
        list[BatchItem] (``StopIteration.value``).

    Raises:
        ConvertCancelled: ``cancel`` was set (between inputs, or inside ``work``).
    """
    out = check_writable(out_dir)
    clean_stale_parts(out)
    files = expand_inputs(inputs)
    plan = plan_outputs(files, voice_name, fmt)
    items: list[BatchItem] = []
    for i, (src, (name, note)) in enumerate(zip(files, plan)):
        item = BatchItem(src)
        items.append(item)
        t0 = time.monotonic()
        if cancel is not None and cancel.is_set():
            raise ConvertCancelled("batch cancelled")
        if name is None:
            item.error = note
            continue
        item.note = note
        dest = out / name
        existing = [p for p in targets(dest) if p.exists()]
        if existing and not overwrite:
            item.error = Message(f"{existing[0]}: already exists (use overwrite to replace it)",
                                 "batch_exists", path=str(existing[0]))
            continue
        yield BatchProgress(i, len(files), str(src), None, i / max(len(files), 1))
        try:
            gen = work(src, dest)
            while True:
                try:
                    step = next(gen)
                except StopIteration as stop:
                    output, result = stop.value
                    break
                yield BatchProgress(i, len(files), str(src), step, (i + step.fraction) / len(files))
        except errors as exc:
            item.error = as_message(exc)
            continue
        item.output = output
        item.result = result
        item.seconds = time.monotonic() - t0
    return items
