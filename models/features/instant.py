"""An instant voice's ingredients from a recording: the take checked, its speaker vector and pitch.

The take (10-60 s of singing is best; 3 s is the least) is judged with the dataset rules of
:mod:`models.features.levels` (silent, clipped runs) and the pitch extractor (is anybody singing or
speaking in it?); then it is cut into pieces of at most :data:`PIECE_S` seconds, each embedded by the
speaker encoder (the reference's ``sovits5-lstm`` for the pretrain), and the pieces are averaged as
that encoder averages a singer (the reference: a plain mean). The pitch statistics of the voiced
frames give the voice its automatic key. A :class:`TakeError` is one line naming the file and what to
do.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import UserError

MIN_TAKE_S = 3.0
RECOMMENDED_MIN_S = 10.0
RECOMMENDED_MAX_S = 60.0
MAX_TAKE_S = 600.0  # longer is a dataset, not a take
MIN_VOICED_S = 1.0  # pitched frames needed to call it a voice
PIECE_S = 10.0
MIN_PIECE_S = 2.0
CLIPPED_LIMIT = 0.001  # as dataset preparation: more than 0.1 % of samples in flat full-scale runs


class TakeError(ValueError, UserError):
    """A recording that cannot make a voice (message: the file, the problem, what to do)."""


class InstantCancelled(RuntimeError):
    """The cancel event was set."""


@dataclass(frozen=True)
class TakeProgress:
    """``done`` of ``total`` steps (checking and embedding the takes); ``item`` the file."""

    done: int
    total: int
    item: str

    @property
    def fraction(self) -> float:
        return self.done / max(self.total, 1)


@dataclass
class InstantVector:
    """What the takes gave: the speaker vector, the pitch statistics, how much audio, and notes."""

    vector: np.ndarray
    f0_stats: Any  # models.formats.artifact.F0Stats
    seconds: float
    voiced_seconds: float
    files: list[str]
    notes: list[str] = field(default_factory=list)


def check_take_levels(path: str | os.PathLike[str]) -> float:
    """Length, silence and clipping of one take, before any model runs; returns its length in s.

    Raises:
        TakeError: unreadable, shorter than 3 s (or absurdly long), silent, or clipped.
    """
    from models.features.audio import AudioLoadError, audio_info
    from models.features.levels import frame_levels

    path = Path(path)
    try:
        rate, _channels, frames = audio_info(path)
        levels, clipped, total = frame_levels(path, rate)
    except AudioLoadError as exc:
        raise TakeError(f"{path.name}: {exc.reason}") from None
    except (RuntimeError, ValueError, OSError) as exc:
        raise TakeError(f"{path.name}: the audio cannot be read ({exc})") from None
    seconds = total / rate if rate else 0.0
    if seconds < MIN_TAKE_S:
        raise TakeError(
            f"{path.name} is {seconds:.1f} s long; an instant voice needs at least "
            f"{MIN_TAKE_S:.0f} s of singing (10 to 60 s is best)"
        )
    if seconds > MAX_TAKE_S:
        raise TakeError(
            f"{path.name} is {seconds / 60:.0f} min long; use up to {MAX_TAKE_S / 60:.0f} min "
            f"(for more, make a dataset and train)"
        )
    if len(levels) == 0 or float(np.max(levels)) < -60.0:
        raise TakeError(f"{path.name} is silent: no voice in it (check the microphone and record again)")
    share = float(np.sum(clipped)) / max(total, 1)
    if share > CLIPPED_LIMIT:
        raise TakeError(
            f"{path.name} is clipped ({100 * share:.1f} % of samples at full scale): "
            f"record again a little quieter"
        )
    del frames
    return seconds


def pieces(n: int, rate: int, piece_s: float = PIECE_S, min_s: float = MIN_PIECE_S) -> list[tuple[int, int]]:
    """Consecutive (start, stop) sample ranges of at most ``piece_s``; a short tail joins the last piece."""
    size = int(piece_s * rate)
    out = [(a, min(a + size, n)) for a in range(0, n, size)]
    if len(out) > 1 and out[-1][1] - out[-1][0] < min_s * rate:
        out[-2:] = [(out[-2][0], out[-1][1])]
    return out


def instant_vector(
    files: Sequence[str | os.PathLike[str]],
    encoder: Any,
    pitch: Any,
    cancel: threading.Event | None = None,
) -> Iterator[TakeProgress]:
    """Checks the takes and computes their speaker vector and pitch statistics.

    Args:
        files: one or more recordings of the same voice.
        encoder: a speaker encoder (``embed``, ``average``;
            :func:`models.features.speaker.create_speaker_encoder`).
        pitch: a :class:`models.features.pitch.PitchExtractor`.
        cancel: stops between takes and pieces.

    Yields:
        :class:`TakeProgress`.

    Returns:
        :class:`InstantVector`.

    Raises:
        TakeError: no file, a bad take (see :func:`check_take_levels`), or no voice in the takes.
        InstantCancelled: ``cancel`` was set.
    """
    from models.features.audio import load_audio, resample
    from models.formats.artifact import F0Stats

    paths = [Path(f) for f in files]
    if not paths:
        raise TakeError("no recording given: record or choose 10 to 60 s of your singing")
    seconds = [check_take_levels(p) for p in paths]
    total_steps = len(paths) * 2
    step = 0
    vectors: list[np.ndarray] = []
    f0_all: list[np.ndarray] = []
    voiced_s = 0.0
    notes: list[str] = []
    for path in paths:
        if cancel is not None and cancel.is_set():
            raise InstantCancelled("cancelled")
        wave, rate = load_audio(path)
        wave16 = resample(wave, rate, encoder.sample_rate) if rate != encoder.sample_rate else wave
        track = pitch.extract(
            wave16 if encoder.sample_rate == pitch.sample_rate else resample(wave, rate, pitch.sample_rate)
        )
        voiced = track.f0_hz[track.f0_hz > 0]
        took = len(voiced) * pitch.hop_length / pitch.sample_rate
        if took < MIN_VOICED_S:
            raise TakeError(
                f"{path.name}: no singing or speaking voice found in it (only {took:.1f} s of "
                f"pitched sound); record yourself singing"
            )
        voiced_s += took
        f0_all.append(voiced)
        step += 1
        yield TakeProgress(step, total_steps, path.name)
        for a, b in pieces(len(wave16), encoder.sample_rate):
            if cancel is not None and cancel.is_set():
                raise InstantCancelled("cancelled")
            try:
                vectors.append(np.asarray(encoder.embed(wave16[a:b]), dtype=np.float32))
            except ValueError:  # a silent piece: the others carry the voice
                continue
        step += 1
        yield TakeProgress(step, total_steps, path.name)
    if not vectors:
        raise TakeError(f"{paths[0].name}: no voice found in the recording")
    total_s = float(sum(seconds))
    if total_s < RECOMMENDED_MIN_S:
        notes.append(f"only {total_s:.0f} s of audio: 10 to 60 s of singing gives a closer voice")
    return InstantVector(
        vector=encoder.average(vectors).astype(np.float32),
        f0_stats=F0Stats.from_f0(np.concatenate(f0_all)),
        seconds=total_s,
        voiced_seconds=voiced_s,
        files=[str(p) for p in paths],
        notes=notes,
    )
