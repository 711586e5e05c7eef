"""Vocal separation with Demucs (``demucs==4.1.0``): a song into a vocal stem and a backing stem.

The model is Demucs' own class (``demucs.htdemucs.HTDemucs``) run by Demucs' own
``demucs.apply.apply_model`` (its segments, overlap and triangular cross-fade). Only the Demucs
modules that do not import torchaudio are used (``apply``, ``htdemucs``, ``states`` and what they
import); ``demucs.api``, ``demucs.audio``, ``demucs.separate`` and ``demucs.repitch`` are never
imported.

Weights. The registry assets (:data:`SEPARATION_MODELS` -> :mod:`models.formats.assets`) are the
official checkpoints Demucs' ``remote/files.txt`` names (``<signature>-<sha256 prefix>.th``, a
``torch.save`` pickle of ``{klass, args, kwargs, state}``). Each is read ONCE with
``torch.load(weights_only=True)``, allowing exactly two globals (``HTDemucs`` and
``fractions.Fraction``; any other global, e.g. code, is refused), rebuilt into the model to prove
it, and saved next to it as ``<stem>.safetensors`` (the state plus the class name and its init
arguments as JSON metadata). Every later load, and every test, goes through that safetensors file
(:func:`load_separation_model`), which names its class by a string checked against an allow-list.

Stems. The vocal is Demucs' ``vocals`` source; the backing is ``song - vocal``, so vocal + backing
is the song again, sample for sample (a mix at unit gains with the original vocal is the song).
``htdemucs_ft`` is a bag of four specialists whose weights take each source from one model only:
its vocal IS the vocals specialist's output, so that one checkpoint is all a vocal needs.

Any length, bounded memory. :meth:`Separator.separate_file` streams: the song is read in blocks,
resampled to 44.1 kHz with a streaming soxr resampler, cut into windows of ``window_s`` seconds
(each separated by ``apply_model`` with its own segments and overlap), the windows are joined with
linear cross-fades over ``fade_s`` (their outer ``segment`` seconds, where ``apply_model`` sees
zero padding, are dropped), the vocal is resampled back to the song's rate, and the stems are
written block by block to temporary files renamed into place at the end (a failure or a cancel
leaves nothing). Peak memory does not grow with the song's length.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import UserError

DEMUCS_RATE = 44100  # every Demucs v4 model's rate
VOCAL_SOURCE = "vocals"
MIN_SONG_RATE = 16000  # below this a song has no treble left to tell a voice from its band
MAX_SONG_CHANNELS = 2
MIN_SONG_S = 0.1
MAX_SONG_S = 30 * 60.0  # as a conversion's input limit (models/convert/options.MAX_INPUT_S)
SILENT_PEAK = 1e-4  # -80 dBFS: nothing to separate
WINDOW_S = 60.0  # outer window: memory per window is constant (4 sources x 2 channels x window); with
# htdemucs (7.8 s segments) a window computes 60 s to keep 43.4: 1.38x the work of one pass
FADE_S = 1.0
READ_FRAMES = 1 << 16
STEM_SUBTYPE = "FLOAT"  # the cache keeps the stems lossless (the backing is song - vocal)
ALLOWED_CLASSES = ("demucs.htdemucs.HTDemucs",)
FILE_FORMAT = "voicecraft-demucs-1"


@dataclass(frozen=True)
class SeparationModel:
    """One choice of separator.

    Attributes:
        name: Demucs' name for it ("htdemucs", "htdemucs_ft").
        label: what the app shows.
        asset: the registry asset holding the checkpoint that makes the vocal.
        description: one line for menus and help.
    """

    name: str
    label: str
    asset: str
    description: str


SEPARATION_MODELS: dict[str, SeparationModel] = {
    "htdemucs": SeparationModel(
        "htdemucs",
        "Standard (htdemucs)",
        "demucs-htdemucs",
        "Demucs v4 hybrid transformer: the default, good on most songs",
    ),
    "htdemucs_ft": SeparationModel(
        "htdemucs_ft",
        "Fine-tuned (htdemucs_ft)",
        "demucs-htdemucs_ft-vocals",
        "Demucs v4 fine-tuned vocals specialist: cleaner vocals, a second 84 MB download",
    ),
}
DEFAULT_MODEL = "htdemucs"


class SeparationError(ValueError, UserError):
    """A song that cannot be separated; the message names the file and the reason in one line."""


class SeparationCancelled(RuntimeError):
    """The cancel event was set; nothing was written."""


class _Stop(BaseException):
    """Raised inside Demucs' callback to abandon ``apply_model`` (BaseException: Demucs then cancels
    the chunks still queued)."""


@dataclass(frozen=True)
class SeparationProgress:
    """One step of a separation: ``done`` of ``total`` Demucs segments, ``fraction`` in [0, 1]."""

    done: int
    total: int
    fraction: float
    elapsed_s: float
    message: str = ""


@dataclass(frozen=True)
class SongInfo:
    """What was separated: the song's rate, channels and length in samples, and the model used."""

    sample_rate: int
    channels: int
    frames: int
    model: str

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate


# ------------------------------------------------------------------------------------------ files


def _encode(value: Any) -> Any:
    """Demucs' init arguments as JSON (fractions as ``{"_type": "fraction", ...}``, as Demucs' own
    safetensors export writes them)."""
    if isinstance(value, Fraction):
        return {"_type": "fraction", "numerator": value.numerator, "denominator": value.denominator}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in a separation model file")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("_type") == "fraction":
            return Fraction(int(value["numerator"]), int(value["denominator"]))
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _class_name(klass: type) -> str:
    return f"{klass.__module__}.{klass.__qualname__}"


def _allowed_class(name: str) -> type:
    if name not in ALLOWED_CLASSES:
        raise ValueError(f"model class {name!r} is not a Demucs separator this app runs")
    from demucs.htdemucs import HTDemucs

    return HTDemucs


def save_separation_model(model: Any, path: str | os.PathLike[str], source: str = "") -> Path:
    """Saves a Demucs model (built by its ``capture_init`` class) as safetensors, atomically.

    Args:
        model: a ``demucs.htdemucs.HTDemucs``.
        path: the ``.safetensors`` file.
        source: what it was made from (recorded in the metadata; :func:`separation_model_file`
            uses it to know a conversion is current).
    """
    from safetensors.torch import save_file

    from models.atomic import atomic_path

    _allowed_class(_class_name(type(model)))
    args, kwargs = model._init_args_kwargs
    state = {k: v.detach().to("cpu").contiguous().clone() for k, v in model.state_dict().items()}
    metadata = {
        "format": FILE_FORMAT,
        "klass": _class_name(type(model)),
        "args": json.dumps(_encode(list(args))),
        "kwargs": json.dumps(_encode(dict(kwargs))),
        "source": source,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        save_file(state, str(tmp), metadata=metadata)
    return path


def _build(klass_name: str, args: list[Any], kwargs: dict[str, Any], state: dict[str, Any]) -> Any:
    """The model, its weights loaded strictly (every key, every shape)."""
    import inspect

    import torch

    klass = _allowed_class(klass_name)
    accepted = inspect.signature(klass).parameters
    kwargs = {k: v for k, v in kwargs.items() if k in accepted}  # as Demucs' load_model drops unknown ones
    model = klass(*args, **kwargs)
    model.load_state_dict({k: v.to(torch.float32) for k, v in state.items()}, strict=True)
    return model.eval()


def load_separation_model(path: str | os.PathLike[str], name: str = "separation model") -> Any:
    """Loads a model saved by :func:`save_separation_model` (no pickle is read).

    Raises:
        AssetInvalid: not such a file, another class, or weights of another shape (one line).
    """
    from safetensors import safe_open

    from models.formats.assets import AssetInvalid, AssetMissing

    path = Path(path)
    if not path.is_file():
        raise AssetMissing(name, f"the file given for {name} does not exist: {path}")
    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
            state = {key: handle.get_tensor(key) for key in handle.keys()}
        if "klass" not in metadata:
            raise ValueError("no model description in the file")
        return _build(
            metadata["klass"],
            _decode(json.loads(metadata["args"])),
            _decode(json.loads(metadata["kwargs"])),
            state,
        )
    except Exception as exc:  # noqa: BLE001 - any failure to read the file is one line about the file
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise AssetInvalid(name, f"{path} is not a valid {name} file ({reason})") from None


def convert_checkpoint(
    checkpoint: str | os.PathLike[str],
    target: str | os.PathLike[str],
    name: str = "separation model",
    source: str = "",
) -> Path:
    """Turns an official Demucs ``.th`` checkpoint into the safetensors file the app loads.

    The pickle is read with ``torch.load(weights_only=True)`` and only ``HTDemucs`` and
    ``Fraction`` allowed as globals: a file holding anything else (code) is refused unread.

    Raises:
        AssetInvalid: not a Demucs checkpoint, a refused pickle, or weights that do not fit.
    """
    import torch
    from demucs.htdemucs import HTDemucs

    from models.formats.assets import asset_load_errors

    with asset_load_errors(name, checkpoint):
        with torch.serialization.safe_globals([HTDemucs, Fraction]):
            package = torch.load(os.fspath(checkpoint), map_location="cpu", weights_only=True)
        if not isinstance(package, dict) or not {"klass", "args", "kwargs", "state"} <= set(package):
            raise KeyError("not a Demucs checkpoint (no klass/args/kwargs/state)")
        klass = package["klass"]
        if not isinstance(klass, type):
            raise TypeError("not a Demucs checkpoint (klass is not a class)")
        state = package["state"]
        if not isinstance(state, dict) or state.get("__quantized"):
            raise ValueError("a quantized or unknown state; use the plain htdemucs checkpoints")
        model = _build(_class_name(klass), list(package["args"]), dict(package["kwargs"]), state)
    return save_separation_model(model, target, source)


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}"


def separation_model_file(
    store: Any, model_name: str = DEFAULT_MODEL, fetch: bool = True, cancel: threading.Event | None = None
) -> Path:
    """The safetensors file of ``model_name``: the asset located (downloaded when ``fetch``),
    converted once from the official checkpoint, re-converted if that file changed.

    Raises:
        SeparationError: an unknown model name.
        AssetError: the checkpoint is missing (with what to download from where), corrupt or refused.
    """
    model = _model(model_name)
    source = store.ensure(model.asset, cancel) if fetch else store.require(model.asset)
    if source.suffix == ".safetensors":  # a user's own converted file
        return source
    target = store.cache_path(model.asset).with_suffix(".safetensors")
    stamp = _stamp(source)
    if target.is_file():
        try:
            from safetensors import safe_open

            with safe_open(str(target), framework="pt") as handle:
                if (handle.metadata() or {}).get("source") == stamp:
                    return target
        except Exception:  # noqa: BLE001 - an unreadable conversion is made again
            pass
    return convert_checkpoint(source, target, model.asset, stamp)


def _model(model_name: str) -> SeparationModel:
    try:
        return SEPARATION_MODELS[model_name]
    except KeyError:
        raise SeparationError(
            f"unknown separation model {model_name!r}; choose {', '.join(SEPARATION_MODELS)}"
        ) from None


# ------------------------------------------------------------------------------------------ input


def check_song_format(name: str, rate: int, channels: int, frames: int, max_s: float = MAX_SONG_S) -> None:
    """Refuses what cannot be separated, naming the file: more than two channels, a rate under
    16 kHz, too short or too long.

    Raises:
        SeparationError: one line.
    """
    if channels > MAX_SONG_CHANNELS:
        raise SeparationError(
            f"{name}: {channels} channels; a song to separate must be mono or stereo "
            f"(mix it down to stereo first)"
        )
    if rate < MIN_SONG_RATE:
        raise SeparationError(
            f"{name}: sampled at {rate} Hz, too low to separate a voice from its band "
            f"(at least {MIN_SONG_RATE} Hz is needed)"
        )
    if frames < MIN_SONG_S * rate:
        raise SeparationError(
            f"{name}: {frames / rate:.2f} s long; a song must last at least {MIN_SONG_S:g} s"
        )
    if frames > max_s * rate:
        raise SeparationError(f"{name}: {frames / rate:.0f} s long; the limit is {max_s:.0f} s (split it)")


def song_stats(blocks: Iterable[np.ndarray], name: str) -> tuple[float, float]:
    """Mean and standard deviation of the mono mix (Demucs normalises by them), from blocks.

    Raises:
        SeparationError: NaN/infinite samples, or a silent song.
    """
    total, total_sq, count, peak = 0.0, 0.0, 0, 0.0
    for block in blocks:
        if not np.all(np.isfinite(block)):
            raise SeparationError(f"{name}: contains NaN or infinite samples (corrupt float data)")
        mono = block.mean(axis=1, dtype=np.float64)
        total += float(mono.sum())
        total_sq += float(np.dot(mono, mono))
        count += len(mono)
        if len(block):
            peak = max(peak, float(np.abs(block).max()))
    if count == 0 or peak < SILENT_PEAK:
        raise SeparationError(f"{name}: the song is silent; there is no voice to separate")
    mean = total / count
    std = math.sqrt(max(total_sq / count - mean * mean, 0.0))
    return mean, max(std, 1e-8)


def _file_blocks(path: Path, name: str) -> Iterator[np.ndarray]:
    import soundfile

    try:
        with soundfile.SoundFile(os.fspath(path)) as handle:
            while True:
                block = handle.read(READ_FRAMES, dtype="float32", always_2d=True)
                if not len(block):
                    return
                yield block
    except (soundfile.LibsndfileError, RuntimeError, ValueError) as exc:
        raise SeparationError(f"{name}: the audio data cannot be decoded ({str(exc)[:80]})") from None


def open_song(path: str | os.PathLike[str], max_s: float = MAX_SONG_S) -> tuple[int, int, int]:
    """Checks a song file's header: (rate, channels, frames).

    Raises:
        AudioLoadError: missing, unreadable, empty or not audio.
        SeparationError: not separable (see :func:`check_song_format`).
    """
    from models.features.audio import AudioLoadError, audio_info

    rate, channels, frames = audio_info(path)
    if rate <= 0 or channels <= 0 or frames <= 0:
        raise AudioLoadError(path, "contains no audio (0 samples)")
    check_song_format(str(path), rate, channels, frames, max_s)
    return rate, channels, frames


def load_stems(vocal_path: Path, backing_path: Path) -> tuple[np.ndarray, np.ndarray, int]:
    """Reads a separated pair: (vocal (T, C), backing (T, C), rate) as float32."""
    import soundfile

    vocal, rate = soundfile.read(os.fspath(vocal_path), dtype="float32", always_2d=True)
    backing, rate_b = soundfile.read(os.fspath(backing_path), dtype="float32", always_2d=True)
    if rate != rate_b or vocal.shape != backing.shape:
        raise SeparationError(
            f"{vocal_path.parent}: the separated stems do not match; separate the song again"
        )
    return vocal, backing, int(rate)


# ------------------------------------------------------------------------------------- separator


class _Fifo:
    """Song-rate samples waiting for their vocal (the backing is song - vocal)."""

    def __init__(self, channels: int) -> None:
        self.blocks: list[np.ndarray] = []
        self.channels = channels

    def push(self, block: np.ndarray) -> None:
        if len(block):
            self.blocks.append(block)

    def pop(self, n: int) -> np.ndarray:
        out, have = [], 0
        while have < n and self.blocks:
            block = self.blocks[0]
            take = min(n - have, len(block))
            out.append(block[:take])
            have += take
            if take == len(block):
                self.blocks.pop(0)
            else:
                self.blocks[0] = block[take:]
        if have < n:
            out.append(np.zeros((n - have, self.channels), np.float32))
        return np.concatenate(out) if out else np.zeros((0, self.channels), np.float32)


class Separator:
    """Runs one Demucs model over songs of any length.

    Args:
        model: a ``demucs.htdemucs.HTDemucs`` with a ``vocals`` source (see :func:`load_separation_model`).
        device: ``None`` (CUDA when present, else the CPU), or a device name.
        overlap: Demucs' overlap between its segments (its default 0.25).
        window_s: seconds per outer window (memory per window is constant).
        fade_s: cross-fade between windows.
        name: the model's name, recorded with the stems.
    """

    def __init__(
        self,
        model: Any,
        device: Any = None,
        overlap: float = 0.25,
        window_s: float = WINDOW_S,
        fade_s: float = FADE_S,
        name: str = DEFAULT_MODEL,
    ) -> None:
        from models.devices import resolve_device

        self.device = resolve_device(device)
        self.model = model.to(self.device).eval()
        self.name = name
        sources = list(getattr(model, "sources", []))
        if VOCAL_SOURCE not in sources:
            raise SeparationError(
                f"the separation model has no {VOCAL_SOURCE} source (it has {', '.join(sources)})"
            )
        if int(model.samplerate) != DEMUCS_RATE or int(model.audio_channels) != 2:
            raise SeparationError("the separation model must be a 44.1 kHz stereo Demucs model")
        self.vocal_index = sources.index(VOCAL_SOURCE)
        self.overlap = float(overlap)
        segment = int(float(model.segment) * DEMUCS_RATE)
        self.segment_len = segment
        self.margin = segment  # apply_model pads a window's last segments with zeros: drop them
        self.fade = max(1, int(fade_s * DEMUCS_RATE))
        self.window = max(int(window_s * DEMUCS_RATE), 2 * self.margin + self.fade + segment)
        self.hop = self.window - 2 * self.margin - self.fade

    @classmethod
    def from_store(
        cls,
        store: Any,
        model_name: str = DEFAULT_MODEL,
        device: Any = None,
        fetch: bool = True,
        cancel: threading.Event | None = None,
        **kwargs: Any,
    ) -> Separator:
        """The separator for a registry model (located, converted once, loaded from safetensors)."""
        path = separation_model_file(store, model_name, fetch, cancel)
        return cls(load_separation_model(path, _model(model_name).asset), device, name=model_name, **kwargs)

    # ---------------------------------------------------------------- public

    def separate(
        self, song: np.ndarray, rate: int, cancel: threading.Event | None = None, name: str = "song"
    ) -> Iterator[SeparationProgress]:
        """Separates a song held in memory.

        Args:
            song: (T,) or (T, C) float samples, C 1 or 2.
            rate: its sample rate.

        Returns:
            (vocal, backing) as (T, C) float32 (``StopIteration.value``); vocal + backing == song.
        """
        data = np.asarray(song, dtype=np.float32)
        data = data[:, None] if data.ndim == 1 else data
        if data.ndim != 2:
            raise SeparationError(f"{name}: expected (samples, channels) audio, got shape {song.shape}")
        check_song_format(name, int(rate), data.shape[1], data.shape[0])

        def blocks() -> Iterator[np.ndarray]:
            for i in range(0, len(data), READ_FRAMES):
                yield data[i : i + READ_FRAMES]

        stats = song_stats(blocks(), name)
        vocal_parts: list[np.ndarray] = []
        backing_parts: list[np.ndarray] = []

        def emit(vocal: np.ndarray, backing: np.ndarray) -> None:
            vocal_parts.append(vocal)
            backing_parts.append(backing)

        yield from self._stream(blocks(), int(rate), data.shape[1], data.shape[0], stats, emit, cancel)
        return np.concatenate(vocal_parts), np.concatenate(backing_parts)

    def separate_file(
        self,
        song_path: str | os.PathLike[str],
        vocal_path: str | os.PathLike[str],
        backing_path: str | os.PathLike[str],
        cancel: threading.Event | None = None,
        fmt: str = "WAV",
        subtype: str = STEM_SUBTYPE,
        max_s: float = MAX_SONG_S,
    ) -> Iterator[SeparationProgress]:
        """Separates a song file into two files at the song's rate and channels, streaming.

        Both outputs appear together at the end (temporary siblings renamed into place); a
        failure or a cancel leaves neither.

        Returns:
            :class:`SongInfo` (``StopIteration.value``).

        Raises:
            AudioLoadError, SeparationError: the song (one line naming it).
            SeparationCancelled: ``cancel`` was set.
        """
        import soundfile

        from models.atomic import fsync_dir, mkstemp

        song_path, outs = Path(song_path), (Path(vocal_path), Path(backing_path))
        name = str(song_path)
        rate, channels, frames = open_song(song_path, max_s)
        stats = song_stats(_file_blocks(song_path, name), name)
        temps: list[str] = []
        handles: list[Any] = []
        try:
            for out in outs:
                out.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
                os.close(fd)
                temps.append(tmp)
                handles.append(soundfile.SoundFile(tmp, "w", rate, channels, subtype, format=fmt))

            def emit(vocal: np.ndarray, backing: np.ndarray) -> None:
                handles[0].write(vocal)
                handles[1].write(backing)

            yield from self._stream(
                _file_blocks(song_path, name), rate, channels, frames, stats, emit, cancel
            )
            for handle in handles:
                handle.close()
            for tmp in temps:
                with open(tmp, "rb+") as f:
                    os.fsync(f.fileno())
            for tmp, out in zip(temps, outs):
                os.replace(tmp, out)
            fsync_dir(outs[0].parent)
        except BaseException:
            for handle in handles:
                try:
                    handle.close()
                except Exception:  # noqa: BLE001 - cleaning up after the real error
                    pass
            for tmp in temps:
                Path(tmp).unlink(missing_ok=True)
            raise
        return SongInfo(rate, channels, frames, self.name)

    # ---------------------------------------------------------------- internals

    def _windows_for(self, n44: int) -> int:
        return 1 if n44 <= self.window else 1 + math.ceil((n44 - self.window) / self.hop)

    def _segments_for(self, length: int) -> int:
        stride = int((1 - self.overlap) * self.segment_len)
        return len(range(0, length, max(stride, 1)))

    def _stream(
        self,
        blocks: Iterable[np.ndarray],
        rate: int,
        channels: int,
        frames: int,
        stats: tuple[float, float],
        emit: Callable[[np.ndarray, np.ndarray], None],
        cancel: threading.Event | None,
    ) -> Iterator[SeparationProgress]:
        import soxr

        start_time = time.monotonic()
        mean, std = stats
        same_rate = rate == DEMUCS_RATE
        rs_in = (
            None if same_rate else soxr.ResampleStream(rate, DEMUCS_RATE, 2, dtype="float32", quality="VHQ")
        )
        rs_out = (
            None if same_rate else soxr.ResampleStream(DEMUCS_RATE, rate, 2, dtype="float32", quality="VHQ")
        )
        n44 = frames if same_rate else int(round(frames * DEMUCS_RATE / rate))
        n_windows = self._windows_for(n44)
        seg_per_window = self._segments_for(min(self.window, n44))
        total_steps = max(1, n_windows * seg_per_window)
        fifo = _Fifo(channels)
        x = np.zeros((0, 2), np.float32)  # normalised 44.1 kHz input, x[0] at absolute x_base
        x_base = 0
        acc = np.zeros((0, 2), np.float32)  # vocal at 44.1 kHz (weighted sum), acc[0] at absolute acc_base
        acc_base = 0
        emitted = 0  # song-rate samples emitted
        steps = 0
        k = 0
        ended = False

        def check_cancel() -> None:
            if cancel is not None and cancel.is_set():
                raise SeparationCancelled("separation cancelled")

        def out_block(vocal44: np.ndarray, last: bool) -> None:
            nonlocal emitted
            vocal = vocal44 if rs_out is None else rs_out.resample_chunk(vocal44, last=last)
            if last:  # the resampler's length is round(n * ratio): make it exactly the song's
                vocal = np.concatenate(
                    [vocal, np.zeros((max(0, frames - emitted - len(vocal)), 2), np.float32)]
                )
                vocal = vocal[: frames - emitted]
            vocal = vocal.mean(axis=1, keepdims=True) if channels == 1 else vocal
            song = fifo.pop(len(vocal))
            emitted += len(vocal)
            emit(vocal.astype(np.float32), (song - vocal).astype(np.float32))

        def run_window(is_last: bool) -> Iterator[SeparationProgress]:
            nonlocal x, x_base, acc, acc_base, k, steps
            start = k * self.hop
            end = min(start + self.window, x_base + len(x))
            segment = x[start - x_base : end - x_base]
            length = len(segment)
            vocal = None
            gen = self._apply(segment, cancel)
            while True:
                try:
                    next(gen)
                except StopIteration as stop:
                    vocal = stop.value
                    break
                steps += 1
                yield SeparationProgress(
                    min(steps, total_steps),
                    total_steps,
                    min(steps / total_steps, 0.999),
                    time.monotonic() - start_time,
                    f"window {k + 1}/{n_windows}",
                )
            vocal = vocal * std + mean
            weight = np.ones(length, np.float32)
            ramp = (np.arange(self.fade, dtype=np.float32) + 0.5) / self.fade
            if k > 0:
                weight[: self.margin] = 0.0
                weight[self.margin : self.margin + self.fade] = ramp
            if not is_last:
                weight[length - self.margin - self.fade : length - self.margin] = ramp[::-1]
                weight[length - self.margin :] = 0.0
            need = end - acc_base
            if len(acc) < need:
                acc = np.concatenate([acc, np.zeros((need - len(acc), 2), np.float32)])
            skip = acc_base - start  # the first margin of a later window (weight 0) is already final
            acc[: end - acc_base] += weight[skip:, None] * vocal[skip:]
            final = end if is_last else start + self.window - self.margin - self.fade
            ready = acc[: final - acc_base]
            acc = acc[final - acc_base :]
            acc_base = final
            out_block(ready, last=is_last)
            k += 1
            next_start = k * self.hop
            x = x[next_start - x_base :]
            x_base = next_start

        for block in blocks:
            check_cancel()
            fifo.push(block)
            stereo = np.repeat(block, 2, axis=1) if block.shape[1] == 1 else block
            b44 = stereo if rs_in is None else rs_in.resample_chunk(stereo, last=False)
            x = np.concatenate([x, (b44 - mean) / std]).astype(np.float32, copy=False)
            while x_base + len(x) >= k * self.hop + self.window:
                yield from run_window(is_last=False)
        if rs_in is not None:
            tail = rs_in.resample_chunk(np.zeros((0, 2), np.float32), last=True)
            x = np.concatenate([x, (tail - mean) / std]).astype(np.float32, copy=False)
        ended = True
        total44 = x_base + len(x)
        while ended and emitted < frames:
            check_cancel()
            if k * self.hop >= total44:  # everything was covered by full windows: flush the resampler
                out_block(np.zeros((0, 2), np.float32), last=True)
                break
            yield from run_window(is_last=k * self.hop + self.window >= total44)
        yield SeparationProgress(total_steps, total_steps, 1.0, time.monotonic() - start_time, "separated")

    def _apply(self, segment: np.ndarray, cancel: threading.Event | None) -> Iterator[None]:
        """``apply_model`` over one window in a helper thread (so progress can be yielded and the
        cancel event checked at every Demucs segment); returns the vocal (L, 2), normalised."""
        import torch
        from demucs.apply import apply_model

        mix = torch.from_numpy(np.ascontiguousarray(segment.T))[None]
        events: queue.Queue[tuple[str, Any]] = queue.Queue()
        stop = threading.Event()

        def callback(info: dict[str, Any]) -> None:
            if stop.is_set() or (cancel is not None and cancel.is_set()):
                raise _Stop()
            if info.get("state") == "end":
                events.put(("step", None))

        def work() -> None:
            try:
                out = apply_model(
                    self.model,
                    mix,
                    shifts=0,
                    split=True,
                    overlap=self.overlap,
                    device=self.device,
                    callback=callback,
                )
                events.put(("done", out[0, self.vocal_index].T.contiguous().numpy().astype(np.float32)))
            except BaseException as exc:  # noqa: BLE001 - handed to the generator's thread
                events.put(("error", exc))

        thread = threading.Thread(target=work, name="demucs-separation", daemon=True)
        thread.start()
        try:
            while True:
                kind, value = events.get()
                if kind == "step":
                    yield None
                elif kind == "done":
                    return value
                elif isinstance(value, _Stop):
                    raise SeparationCancelled("separation cancelled")
                else:
                    raise value
        finally:
            stop.set()
            thread.join()


# ----------------------------------------------------------------------------------------- cache


def file_digest(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes (the separation cache's key)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedStems:
    """A separated song in the cache: its two stem files and what they are."""

    vocal: Path
    backing: Path
    info: SongInfo
    hit: bool


class SeparationCache:
    """Separated songs by the sha256 of the song file and the model: ``<root>/<sha>-<model>/``
    (``vocal.wav``, ``backing.wav``, ``info.json``, written into a temporary folder renamed into
    place, so an entry is complete or absent).

    Args:
        root: the cache folder (the app: ``paths.cache_dir() / "separation"``; tests: ``tmp_path``).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def entry(self, digest: str, model_name: str) -> Path:
        return self.root / f"{digest}-{model_name}"

    def lookup(
        self, song: str | os.PathLike[str], model_name: str, digest: str | None = None
    ) -> CachedStems | None:
        folder = self.entry(digest or file_digest(song), model_name)
        try:
            info = SongInfo(**json.loads((folder / "info.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        vocal, backing = folder / "vocal.wav", folder / "backing.wav"
        if not (vocal.is_file() and backing.is_file()):
            return None
        return CachedStems(vocal, backing, info, hit=True)

    def separate(
        self,
        separator: Separator,
        song: str | os.PathLike[str],
        cancel: threading.Event | None = None,
        max_s: float = MAX_SONG_S,
    ) -> Iterator[SeparationProgress]:
        """The cached stems of ``song``, separating it first when they are not there.

        Returns:
            :class:`CachedStems` (``StopIteration.value``); ``hit`` says whether it was cached.
        """
        from models.atomic import fsync_dir

        song = Path(song)
        open_song(song, max_s)  # a bad file is refused before it is hashed
        digest = file_digest(song)
        found = self.lookup(song, separator.name, digest)
        if found is not None:
            return found
        self.root.mkdir(parents=True, exist_ok=True)
        final = self.entry(digest, separator.name)
        work = self.root / f".{final.name}.{os.getpid()}.{threading.get_ident()}.part"
        shutil.rmtree(work, ignore_errors=True)
        try:
            info = yield from separator.separate_file(
                song, work / "vocal.wav", work / "backing.wav", cancel, max_s=max_s
            )
            (work / "info.json").write_text(json.dumps(info.__dict__), encoding="utf-8")
            shutil.rmtree(final, ignore_errors=True)
            os.replace(work, final)
            fsync_dir(self.root)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return CachedStems(final / "vocal.wav", final / "backing.wav", info, hit=False)
