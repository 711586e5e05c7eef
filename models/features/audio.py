"""Audio in: decoding any file libsndfile reads to mono float32, resampling and peak handling.

Every waveform that enters feature extraction or training passes through here, so the
rules live in one place:

- Decoding: ``soundfile`` (libsndfile: WAV, FLAC, OGG/Vorbis, Opus, MP3 from libsndfile 1.1,
  AIFF, ...), any sample rate and channel count, mixed down to mono by averaging channels.
- Resampling: ``soxr`` (VHQ), to ``MODEL_SAMPLE_RATE`` (32 kHz) for the spectrogram and the
  decoder, and to ``FEATURE_SAMPLE_RATE`` (16 kHz) for F0, content and speaker features.
- Peaks: the reference scales every training file to a peak of 0.6 (``PEAK_TARGET``) before
  writing it as 16-bit PCM; :func:`normalise_peak` does the same, with the reference's floor
  of 0.01 so that near-silence is not amplified into noise.

Errors are :class:`AudioLoadError` with the file name and a reason a person can act on.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from models.config import AudioConfig

MODEL_SAMPLE_RATE = AudioConfig().sample_rate  # 32000 Hz: 320-sample hop = 10 ms frames
FEATURE_SAMPLE_RATE = AudioConfig().feature_sample_rate  # 16000 Hz: Whisper, HuBERT, CREPE
PEAK_TARGET = 0.6  # the reference's prepare/preprocess_a.py scales each file to this peak
PEAK_FLOOR = 0.01  # ... dividing by max(0.01, peak): quiet files are not blown up
MAX_INPUT_SAMPLES = 2**31 - 1  # soundfile frame counts beyond this are corrupt headers


class AudioLoadError(ValueError):
    """A file that cannot be used as audio; ``str(error)`` names the file and the reason."""

    def __init__(self, path: str | os.PathLike[str], reason: str, code: str = "audio_unreadable",
                 **params: object) -> None:
        super().__init__(f"{os.fspath(path)}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason
        # The app shows these in the user's language (models.errors.UserError's code/params).
        self.code = code
        self.params = {"path": self.path, **params}


def audio_info(path: str | os.PathLike[str]) -> tuple[int, int, int]:
    """Reads the header only.

    Args:
        path: an audio file.

    Returns:
        (sample_rate_hz, channels, frames) as the header states them.

    Raises:
        AudioLoadError: missing, unreadable, empty or not audio.
    """
    import soundfile

    _check_readable(path)
    try:
        info = soundfile.info(os.fspath(path))
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioLoadError(path, f"not a readable audio file ({_short(exc)})") from None
    return int(info.samplerate), int(info.channels), int(info.frames)


def load_audio(path: str | os.PathLike[str], sample_rate: int | None = None,
               max_seconds: float | None = None) -> tuple[np.ndarray, int]:
    """Decodes a file to a mono float32 waveform, optionally resampled.

    Args:
        path: any file libsndfile decodes.
        sample_rate: resample to this rate in Hz (soxr VHQ); ``None`` keeps the file's rate.
        max_seconds: refuse files longer than this (checked from the header, before decoding).

    Returns:
        (wave, rate): wave is (T,) float32 in [-1, 1] for PCM input (float files may exceed
        it; see :func:`normalise_peak`), rate in Hz.

    Raises:
        AudioLoadError: missing, unreadable, empty, zero-length, too long, corrupt, or
            containing NaN/inf samples.
    """
    import soundfile

    rate, channels, frames = audio_info(path)
    if rate <= 0 or channels <= 0:
        raise AudioLoadError(path, "the header has no sample rate or no channels")
    if frames <= 0:
        raise AudioLoadError(path, "contains no audio (0 samples)", "audio_empty")
    if frames > MAX_INPUT_SAMPLES:
        raise AudioLoadError(path, f"the header claims {frames} samples (corrupt?)")
    if max_seconds is not None and frames / rate > max_seconds:
        raise AudioLoadError(path, f"{frames / rate:.0f} s long; the limit is {max_seconds:.0f} s",
                             "audio_too_long", seconds=frames / rate, limit=max_seconds)
    try:
        data, rate = soundfile.read(os.fspath(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, ValueError, MemoryError) as exc:
        raise AudioLoadError(path, f"the audio data cannot be decoded ({_short(exc)})") from None
    if data.shape[0] == 0:
        raise AudioLoadError(path, "contains no audio (0 samples)", "audio_empty")
    wave = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
    if not np.all(np.isfinite(wave)):
        raise AudioLoadError(path, "contains NaN or infinite samples (corrupt float data)")
    if sample_rate is not None and sample_rate != rate:
        wave = resample(wave, rate, sample_rate)
        rate = sample_rate
    return np.ascontiguousarray(wave, dtype=np.float32), int(rate)


def resample(wave: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """Resamples with soxr (very high quality).

    Args:
        wave: (T,) float waveform.
        from_hz: its sample rate.
        to_hz: the wanted sample rate.

    Returns:
        (round(T * to_hz / from_hz),) float32 waveform.
    """
    if from_hz == to_hz:
        return np.asarray(wave, dtype=np.float32)
    import soxr

    return soxr.resample(np.asarray(wave, dtype=np.float32), from_hz, to_hz, quality="VHQ").astype(np.float32)


def normalise_peak(wave: np.ndarray, target: float = PEAK_TARGET) -> np.ndarray:
    """Scales to a peak of ``target`` as the reference does: ``wave / max(0.01, peak) * target``.

    Args:
        wave: (T,) float waveform.
        target: the wanted peak (default 0.6, the reference's training level).

    Returns:
        (T,) float32 waveform whose absolute peak is ``target`` (less for near-silence).
    """
    peak = float(np.max(np.abs(wave))) if wave.size else 0.0
    return (np.asarray(wave, dtype=np.float32) / max(PEAK_FLOOR, peak) * target).astype(np.float32)


def save_wav(path: str | os.PathLike[str], wave: np.ndarray, sample_rate: int) -> None:
    """Writes 16-bit PCM WAV atomically (a temporary file renamed into place).

    Args:
        path: destination.
        wave: (T,) float waveform in [-1, 1] (clipped to it).
        sample_rate: in Hz.

    Raises:
        OSError: the file cannot be written (disk full, no permission), with its errno and file
            name; no temporary file is left behind.
    """
    import io

    import soundfile

    path = Path(path)
    buffer = io.BytesIO()  # encoded in memory, so a write error is Python's OSError, not libsndfile's
    soundfile.write(buffer, np.clip(wave, -1.0, 1.0), sample_rate, subtype="PCM_16", format="WAV")
    tmp = path.with_name(f".{path.name}.part")
    try:
        with open(tmp, "wb") as handle:
            handle.write(buffer.getbuffer())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror or str(exc), os.fspath(path)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _check_readable(path: str | os.PathLike[str]) -> None:
    p = Path(path)
    if not p.exists():
        raise AudioLoadError(path, "file not found", "audio_not_found")
    if not p.is_file():
        raise AudioLoadError(path, "not a regular file")
    if p.stat().st_size == 0:
        raise AudioLoadError(path, "empty file (0 bytes)")
    try:
        with open(p, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        detail = str(exc.strerror or exc)
        raise AudioLoadError(path, f"cannot be read ({detail})", "audio_read_failed", detail=detail) from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__
