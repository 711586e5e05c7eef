"""Covers: a song with its backing track, its vocal converted, mixed back.

``song -> (vocal, backing) -> convert the vocal -> mix``:

1. separation (:mod:`models.features.separation`, cached per song file hash): vocal and backing at
   the song's rate and channels, vocal + backing == song;
2. the vocal (its channels averaged) goes through :meth:`VoiceConverter.convert`, which returns
   32 kHz audio lasting as long as its input; :func:`align` resamples it to the song's rate with
   soxr and fits it to the backing's exact length (same start, same length: sample-exact);
3. the backing is pitch-shifted by the part of the key shift that is not whole octaves when the
   user asks for it (:func:`backing_shift`: +2 shifts it by +2, +12 leaves it alone, +14 shifts it by
   +2) with pedalboard's PitchShift (Rubber Band), or librosa's when pedalboard is missing;
4. :func:`mix` sums the stems with per-stem gains (dB) and scales the sum down only if it would clip;
   :func:`write_cover` writes the mix and both stems together (temporary siblings renamed at the
   end: a failure leaves none of them).

:func:`convert_songs` is the batch: files and folders in, a mix and two stems out per song.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.config import Serialisable
from models.convert.converter import _relay
from models.convert.options import (
    OUTPUT_SAMPLE_RATE,
    ConvertCancelled,
    ConvertError,
    ConvertOptions,
    ConvertProgress,
    ConvertResult,
    OptionError,
    _check_number,
)
from models.errors import Message

MIN_GAIN_DB, MAX_GAIN_DB = -60.0, 12.0  # -60 dB and below is silence
CLIP_CEILING = 0.99
STEM_SUFFIXES = {"vocal": " vocal", "backing": " backing"}
SEPARATION_SHARE = 0.4  # of a song's progress bar when it is not cached


@dataclass(frozen=True)
class CoverOptions(Serialisable):
    """How a cover is mixed.

    Attributes:
        vocal_gain_db: level of the converted vocal in the mix (-60 is silence).
        backing_gain_db: level of the backing.
        shift_backing: pitch-shift the backing with the vocal's key (octaves excepted).
        separation_model: "htdemucs" (default) or "htdemucs_ft".
    """

    vocal_gain_db: float = 0.0
    backing_gain_db: float = 0.0
    shift_backing: bool = False
    separation_model: str = "htdemucs"

    def __post_init__(self) -> None:
        from models.features.separation import SEPARATION_MODELS

        for option, what in (("vocal_gain_db", "the vocal level"), ("backing_gain_db", "the backing level")):
            _check_number(option, what, getattr(self, option), MIN_GAIN_DB, MAX_GAIN_DB, "dB")
        if not isinstance(self.shift_backing, (bool, np.bool_)):
            raise OptionError(
                "shift_backing", f"shift_backing must be true or false, not {self.shift_backing!r}",
                code="option_on_off",
            )
        if self.separation_model not in SEPARATION_MODELS:
            raise OptionError(
                "separation_model",
                f"the separation model must be one of "
                f"{', '.join(SEPARATION_MODELS)}, not {self.separation_model!r}",
                code="option_choice", value=str(self.separation_model),
            )


@dataclass
class CoverResult:
    """A converted song before it is written.

    Attributes:
        vocal: (T,) float32 converted vocal at ``sample_rate``, aligned with ``backing``.
        backing: (T, C) float32 backing (pitch-shifted when asked).
        original: (T, C) the song (for A/B playback), or ``None``.
        sample_rate: the song's rate.
        conversion: the vocal's :class:`ConvertResult` (32 kHz audio, key, report, notes).
        backing_semitones: the shift applied to the backing (0: untouched).
        notes: what is worth showing (a fallback pitch shifter, a clipped mix).
    """

    vocal: np.ndarray
    backing: np.ndarray
    original: np.ndarray | None
    sample_rate: int
    conversion: ConvertResult
    backing_semitones: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def report(self) -> Any:
        """The vocal conversion's quality report (``None`` when not requested)."""
        return self.conversion.report


def db_to_gain(db: float) -> float:
    """Linear gain of ``db``; the lowest level (-60 dB) is silence."""
    return 0.0 if db <= MIN_GAIN_DB else float(10.0 ** (db / 20.0))


def align(converted: np.ndarray, from_rate: int, rate: int, length: int) -> np.ndarray:
    """The converted vocal at ``rate`` and exactly ``length`` samples (soxr; its delay is compensated,
    so sample 0 stays sample 0): trimmed or padded with silence at the end only."""
    from models.features.audio import resample

    out = resample(np.asarray(converted, np.float32), from_rate, rate)
    if len(out) < length:
        out = np.concatenate([out, np.zeros(length - len(out), np.float32)])
    return np.ascontiguousarray(out[:length], dtype=np.float32)


def backing_shift(key: float) -> float:
    """The shift for the backing: the key without its whole octaves (12 -> 0, 14 -> 2, -13 -> -1)."""
    rest = float(key) - 12.0 * round(float(key) / 12.0)
    return 0.0 if abs(rest) < 1e-6 else rest


def pitch_shift(audio: np.ndarray, rate: int, semitones: float) -> tuple[np.ndarray, str]:
    """(T, C) audio shifted by ``semitones`` at the same length: pedalboard's PitchShift (Rubber Band,
    latency compensated); librosa's phase vocoder when pedalboard is not installed.

    Returns:
        (shifted audio, the library used).
    """
    data = np.asarray(audio, np.float32)
    if not semitones:
        return data, "none"
    try:
        import pedalboard
    except ImportError:
        pedalboard = None
    if pedalboard is not None:
        board = pedalboard.Pedalboard([pedalboard.PitchShift(semitones=float(semitones))])
        out = board(np.ascontiguousarray(data.T), float(rate)).T
        used = "pedalboard"
    else:
        import librosa

        out = np.stack(
            [
                librosa.effects.pitch_shift(np.ascontiguousarray(data[:, c]), sr=rate, n_steps=semitones)
                for c in range(data.shape[1])
            ],
            axis=1,
        )
        used = "librosa"
    out = np.asarray(out, np.float32)[: len(data)]
    if len(out) < len(data):
        out = np.concatenate([out, np.zeros((len(data) - len(out), data.shape[1]), np.float32)])
    return out, used


def mix(
    vocal: np.ndarray, backing: np.ndarray, vocal_gain_db: float = 0.0, backing_gain_db: float = 0.0
) -> tuple[np.ndarray, float]:
    """The mix (T, C): ``vocal`` (T,) on every channel of ``backing`` (T, C), each at its gain.

    Returns:
        (mix, scale): ``scale`` < 1 when the sum was scaled down to stay under full scale.
    """
    vocal = np.asarray(vocal, np.float32)
    backing = np.asarray(backing, np.float32)
    if vocal.shape[0] != backing.shape[0]:
        raise ConvertError(
            f"the vocal ({vocal.shape[0]} samples) and the backing ({backing.shape[0]}) differ in length"
        )
    out = db_to_gain(vocal_gain_db) * vocal[:, None] + db_to_gain(backing_gain_db) * backing
    peak = float(np.max(np.abs(out))) if out.size else 0.0
    scale = CLIP_CEILING / peak if peak > CLIP_CEILING else 1.0
    return (out * scale).astype(np.float32), scale


def cover_convert(
    converter: Any,
    vocal: np.ndarray,
    backing: np.ndarray,
    rate: int,
    options: ConvertOptions | None = None,
    cover: CoverOptions | None = None,
    cancel: threading.Event | None = None,
    name: str = "song",
    original: np.ndarray | None = None,
) -> Iterator[ConvertProgress]:
    """Converts a separated vocal and prepares the backing.

    Args:
        converter: a :class:`VoiceConverter` (or anything with its ``convert``).
        vocal: (T, C) separated vocal at ``rate``.
        backing: (T, C) backing at ``rate``.

    Returns:
        :class:`CoverResult` (``StopIteration.value``).
    """
    options = options or ConvertOptions()
    cover = cover or CoverOptions()
    vocal = np.asarray(vocal, np.float32)
    vocal = vocal[:, None] if vocal.ndim == 1 else vocal
    backing = np.asarray(backing, np.float32)
    backing = backing[:, None] if backing.ndim == 1 else backing
    if vocal.shape != backing.shape:
        raise ConvertError(f"{name}: the vocal and the backing do not have the same shape")
    mono = vocal.mean(axis=1, dtype=np.float32)
    result = yield from converter.convert(mono, rate, options, cancel, name=name)
    if cancel is not None and cancel.is_set():
        raise ConvertCancelled(f"{name}: conversion cancelled")
    converted = align(result.audio, result.sample_rate or OUTPUT_SAMPLE_RATE, rate, len(backing))
    notes: list[str] = []
    semitones = backing_shift(result.key) if cover.shift_backing else 0.0
    if semitones:
        backing, used = pitch_shift(backing, rate, semitones)
        if used == "librosa":
            notes.append(Message(
                f"{name}: the backing was shifted with librosa (pedalboard is not installed)",
                "backing_librosa", file=name))
    return CoverResult(converted, backing, original, rate, result, semitones, notes)


def stem_paths(mix_path: Path) -> dict[str, Path]:
    """Where the mix's stems go: ``<mix stem> vocal.<ext>`` and ``<mix stem> backing.<ext>``."""
    return {
        role: mix_path.with_name(f"{mix_path.stem}{suffix}{mix_path.suffix}")
        for role, suffix in STEM_SUFFIXES.items()
    }


def write_cover(
    mix_path: str | os.PathLike[str],
    result: CoverResult,
    cover: CoverOptions | None = None,
    fmt: str = "wav",
    subtype: str = "16",
) -> dict[str, Path]:
    """Writes the mix and both stems (at the song's rate) together: each to a temporary sibling,
    checked and flushed, then all renamed; any failure removes every temporary and leaves none.

    Returns:
        {"mix": path, "vocal": path, "backing": path}.

    Raises:
        ConvertError: a bad format, a broken buffer (names the file), or an unwritable folder.
    """
    import soundfile

    from models.atomic import fsync_dir, mkstemp
    from models.convert.files import (
        FLAC_SUBTYPES,
        FORMATS,
        PART_SUFFIX,
        SUBTYPES,
        check_buffer,
        output_write_failed,
    )

    cover = cover or CoverOptions()
    mix_path = Path(mix_path)
    if fmt not in FORMATS or subtype not in SUBTYPES:
        raise ConvertError(f"unknown output format {fmt!r}/{subtype!r}")
    sf_subtype = SUBTYPES[subtype]
    if fmt == "flac" and sf_subtype not in FLAC_SUBTYPES:
        raise ConvertError("FLAC stores 16- or 24-bit samples, not float")
    mixed, _scale = mix(result.vocal, result.backing, cover.vocal_gain_db, cover.backing_gain_db)
    stems = {"mix": mixed, "vocal": result.vocal[:, None], "backing": result.backing}  # stems at unit gain
    paths = {"mix": mix_path, **stem_paths(mix_path)}
    temps: dict[str, str] = {}
    try:
        for role, data in stems.items():
            path = paths[role]
            for c in range(data.shape[1]):
                if np.any(data[:, c]):  # a silent stem (an all-vocal song's backing) is allowed
                    check_buffer(data[:, c], path)
            if sf_subtype != "FLOAT":
                data = np.clip(data, -1.0, 1.0)
            try:
                fd, tmp = mkstemp(prefix=f".{path.name}.", suffix=PART_SUFFIX, dir=path.parent)
            except OSError as exc:
                raise output_write_failed(path, exc) from None
            os.close(fd)
            temps[role] = tmp
            try:
                soundfile.write(tmp, data, result.sample_rate, subtype=sf_subtype, format=FORMATS[fmt])
                with open(tmp, "rb+") as handle:
                    os.fsync(handle.fileno())
            except (OSError, RuntimeError) as exc:
                raise ConvertError(Message(f"{path}: could not be written ({exc})", "export_write_failed",
                                           path=str(path), detail=str(exc))) from None
        for role, tmp in temps.items():
            os.replace(tmp, paths[role])
        fsync_dir(mix_path.parent)
    except BaseException:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
        raise
    return paths


# ------------------------------------------------------------------------------------------ batch


def separated_song(
    separator: Any, cache: Any, song: Path, cancel: threading.Event | None = None, max_s: float | None = None
) -> Iterator[Any]:
    """The cached or new stems of ``song`` (a generator of separation progress; returns CachedStems)."""
    from models.features.separation import MAX_SONG_S

    return (yield from cache.separate(separator, song, cancel, max_s=max_s or MAX_SONG_S))


def convert_song(
    converter: Any,
    separator: Any,
    cache: Any,
    song: str | os.PathLike[str],
    options: ConvertOptions | None = None,
    cover: CoverOptions | None = None,
    cancel: threading.Event | None = None,
) -> Iterator[ConvertProgress]:
    """One song: separate (cached), convert the vocal, prepare the backing.

    Yields:
        :class:`ConvertProgress`: stage "separate" (when not cached), then the conversion's stages,
        ``fraction`` over the whole song.

    Returns:
        (CoverResult, CachedStems) (``StopIteration.value``).
    """
    from models.features.separation import SeparationCancelled, load_stems

    options = options or ConvertOptions()
    song = Path(song)
    start = time.monotonic()
    try:
        stems = yield from _relay(
            separated_song(separator, cache, song, cancel, options.max_input_s),
            lambda step: ConvertProgress(
                "separate",
                step.done,
                step.total,
                SEPARATION_SHARE * step.fraction,
                time.monotonic() - start,
                f"separating the vocal: {step.message}",
            ),
        )
    except SeparationCancelled:
        raise ConvertCancelled(f"{song}: cancelled during separation") from None
    share = 0.0 if stems.hit else SEPARATION_SHARE
    vocal, backing, rate = load_stems(stems.vocal, stems.backing)
    result = yield from _relay(
        cover_convert(converter, vocal, backing, rate, options, cover, cancel, str(song), vocal + backing),
        lambda step: ConvertProgress(
            step.stage,
            step.done,
            step.total,
            share + (1 - share) * step.fraction,
            time.monotonic() - start,
            step.message,
        ),
    )
    return result, stems


def convert_songs(
    converter: Any,
    separator: Any,
    cache: Any,
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    options: ConvertOptions | None = None,
    cover: CoverOptions | None = None,
    fmt: str = "wav",
    subtype: str = "16",
    cancel: threading.Event | None = None,
    overwrite: bool = False,
) -> Iterator[Any]:
    """Covers of every song in ``inputs`` (files, and the files of folders) into ``out_dir``.

    Each song gives ``<stem> (<voice>).<ext>`` (the mix) and its ``... vocal`` and ``... backing``
    stems. A song that cannot be used (corrupt, silent, too many channels, too low a rate) is an
    error of that item; the batch goes on. A cancel raises :class:`ConvertCancelled`.

    Yields:
        :class:`models.convert.files.BatchProgress` (its ``step`` a :class:`ConvertProgress`).

    Returns:
        list[BatchItem] (``StopIteration.value``); an item's ``result`` is the :class:`CoverResult`.
    """
    from models.convert.files import run_batch
    from models.features.audio import AudioLoadError
    from models.features.separation import SeparationError

    options = options or ConvertOptions()
    cover = cover or CoverOptions()

    def work(src: Path, dest: Path) -> Iterator[Any]:
        result, _stems = yield from convert_song(converter, separator, cache, src, options, cover, cancel)
        write_cover(dest, result, cover, fmt, subtype)
        return dest, result

    return (yield from run_batch(
        inputs, out_dir, converter.name, fmt, work, (AudioLoadError, ConvertError, SeparationError),
        targets=lambda dest: [dest, *stem_paths(dest).values()], cancel=cancel, overwrite=overwrite,
    ))
