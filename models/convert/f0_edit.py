"""Editing a conversion's F0 curve: the edit operations, the octave-jump finder, the phase-neutral
rule that lets only the edited region be re-synthesised, and F0 files (CSV) in and out.

A curve is an (N,) float32 array of Hz per model frame (10 ms), 0 where unvoiced: the *intended*
F0 of a conversion (:attr:`models.convert.options.ConvertResult.intended_f0`, after the key
shift). Every operation is a pure function returning a new curve over frames ``[lo, hi)``.

Phase-neutral edits: the NSF source's harmonic phase at any frame is the number of fundamental
cycles sung before it (Σ f0 · hop / sr), so changing F0 anywhere would rotate the phase of the
whole rest of the song and force it all to be re-synthesised. :func:`phase_neutral` rescales the
edited frames by a tiny factor (at most half a cycle over the edit: 0.25 Hz over a 2 s edit at
200 Hz, a couple of cents) so that the cycles over the edit change by a whole number: every
harmonic then leaves the edit at the phase it had before, and the song outside the chunks that
overlap the edit is unchanged, sample for sample.

F0 files: the reference's CSV (so-vits-svc-5.0 ``svc_tmp.pit.csv``: one line per 10 ms frame,
``"{m}m {s}s {ms:3d},{Hz as an integer}"``, before the key shift) and a plain CSV ``time_s,f0_hz``
(with a header). :func:`read_f0_csv` refuses NaN, infinite or negative Hz, another frame rate, and
a length that is not the song's, each as one line naming the file.

Qt-free (numpy and scipy only).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.atomic import atomic_write_text
from models.convert.options import ConvertError
from models.features.pitch import interpolate_unvoiced

FRAME_S = 0.01  # the model's F0 frame (hop 320 at 32 kHz)
MIN_HZ, MAX_HZ = 30.0, 2000.0  # a drawn or imported pitch outside this is refused / clipped
LENGTH_TOLERANCE = 2  # frames an F0 file may differ from the song (extractors round the last frame)
NEUTRAL_MIN_CYCLES = 200.0  # the phase correction is spread over at least this many cycles
OCTAVE_WINDOW_S = 1.0  # the octave finder compares each frame to the median pitch this far around it
OCTAVE_SWITCH_COST = 0.02  # octaves of pitch steps a corrected frame costs (see find_octave_jumps)
OCTAVE_GAP_WEIGHT = 0.5  # a step across an unvoiced gap weighs this much (the melody moves there)
OCTAVE_LEVEL_COST = 0.3  # per octave beyond half an octave from the local median pitch
OCTAVE_MIN_FRAMES = 2  # single frames are not proposed


class F0FileError(ConvertError):
    """An F0 file that cannot be used; the message names the file and the problem."""


# ----------------------------------------------------------------------------- helpers


def to_midi(hz: np.ndarray) -> np.ndarray:
    """MIDI note numbers (float), NaN where ``hz`` <= 0."""
    hz = np.asarray(hz, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(hz > 0, 69.0 + 12.0 * np.log2(np.maximum(hz, 1e-9) / 440.0), np.nan)


def from_midi(midi: np.ndarray) -> np.ndarray:
    return (440.0 * 2.0 ** ((np.asarray(midi, np.float64) - 69.0) / 12.0)).astype(np.float32)


def _span(curve: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    n = len(curve)
    lo, hi = max(0, int(lo)), min(n, int(hi))
    if hi <= lo:
        raise ValueError(f"empty region [{lo}, {hi}) of a {n}-frame curve")
    return lo, hi


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each run of True."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(d[0::2].tolist(), d[1::2].tolist()))


def _run_filter(logf: np.ndarray, voiced: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average of ``logf`` over ``width`` frames within each voiced run (shorter at
    the run's ends), unvoiced frames untouched."""
    out = logf.copy()
    half = max(1, width // 2)
    for a, b in _runs(voiced):
        seg = logf[a:b]
        c = np.concatenate([[0.0], np.cumsum(seg)])
        i = np.arange(b - a)
        lo, hi = np.maximum(0, i - half), np.minimum(b - a, i + half + 1)
        out[a:b] = (c[hi] - c[lo]) / (hi - lo)
    return out


# ----------------------------------------------------------------------------- operations


def shift(curve: np.ndarray, lo: int, hi: int, semitones: float) -> np.ndarray:
    """Voiced frames of ``[lo, hi)`` moved by ``semitones`` (±12 an octave)."""
    lo, hi = _span(curve, lo, hi)
    out = np.array(curve, np.float32)
    seg = out[lo:hi]
    seg[seg > 0] = (seg[seg > 0].astype(np.float64) * 2.0 ** (semitones / 12.0)).astype(np.float32)
    return out


def draw(curve: np.ndarray, times_s: np.ndarray, hz: np.ndarray, snap: bool = False) -> tuple[np.ndarray, int, int]:
    """The curve with a drawn stroke: frames between the stroke's first and last time take its
    pitch (linear in log-frequency between the points; to the nearest semitone with ``snap``).

    Returns:
        (curve, lo, hi): the new curve and the frames the stroke covered.
    """
    t = np.asarray(times_s, np.float64)
    f = np.asarray(hz, np.float64)
    if t.size == 0 or t.size != f.size or not np.all(np.isfinite(t)) or not np.all(np.isfinite(f)):
        raise ValueError("a drawn stroke needs matching, finite times and pitches")
    order = np.argsort(t, kind="stable")
    t, f = t[order], np.clip(f[order], MIN_HZ, MAX_HZ)
    n = len(curve)
    lo = max(0, int(math.floor(t[0] / FRAME_S + 0.5)))
    hi = min(n, int(math.floor(t[-1] / FRAME_S + 0.5)) + 1)
    if hi <= lo:
        raise ValueError("the stroke is outside the song")
    frames_t = np.arange(lo, hi) * FRAME_S
    midi = np.interp(frames_t, t, to_midi(f))
    if snap:
        midi = np.round(midi)
    out = np.array(curve, np.float32)
    out[lo:hi] = from_midi(midi)
    return out, lo, hi


def set_voiced(curve: np.ndarray, lo: int, hi: int, voiced: bool, fallback: np.ndarray | None = None) -> np.ndarray:
    """Marks ``[lo, hi)`` unvoiced (0 Hz) or voiced. Voiced frames keep their pitch; unvoiced ones
    take ``fallback`` where it has a pitch (e.g. the tracker's own estimate), else the pitch
    interpolated (log-frequency) between the nearest voiced frames around them."""
    lo, hi = _span(curve, lo, hi)
    out = np.array(curve, np.float32)
    if not voiced:
        out[lo:hi] = 0.0
        return out
    fill = interpolate_unvoiced(out)
    if not np.any(fill > 0):
        raise ValueError("there is no pitch anywhere to take a voiced pitch from; draw one instead")
    seg = out[lo:hi]
    gap = seg <= 0
    if fallback is not None:
        fb = np.asarray(fallback, np.float32)[lo:hi]
        use = gap & (fb > 0)
        seg[use] = fb[use]
        gap &= ~use
    seg[gap] = fill[lo:hi][gap]
    return out


def smooth(curve: np.ndarray, lo: int, hi: int, width_s: float = 0.08) -> np.ndarray:
    """Moving average (in log-frequency, ``width_s`` wide) of the voiced frames of ``[lo, hi)``;
    never across an unvoiced gap."""
    lo, hi = _span(curve, lo, hi)
    out = np.array(curve, np.float32)
    seg = out[lo:hi].astype(np.float64)
    voiced = seg > 0
    logf = np.where(voiced, np.log2(np.maximum(seg, 1e-9)), 0.0)
    sm = _run_filter(logf, voiced, max(3, int(round(width_s / FRAME_S))))
    out[lo:hi] = np.where(voiced, np.exp2(sm), 0.0).astype(np.float32)
    return out


VIBRATO_TREND_FRAMES = (21, 17, 15)  # cascaded moving averages: nulls at 4.8, 5.9 and 6.7 Hz


def scale_vibrato(curve: np.ndarray, lo: int, hi: int, factor: float) -> np.ndarray:
    """Vibrato of ``[lo, hi)`` scaled by ``factor`` (0 flattens it to its slow trend, 1 keeps it,
    2 doubles it). The trend is three cascaded moving averages whose nulls cover sung vibrato
    rates (4.5-7 Hz), so it keeps scoops and glides but not the vibrato."""
    if not math.isfinite(factor) or factor < 0 or factor > 4:
        raise ValueError(f"the vibrato factor must be from 0 to 4, not {factor!r}")
    lo, hi = _span(curve, lo, hi)
    out = np.array(curve, np.float32)
    seg = out[lo:hi].astype(np.float64)
    voiced = seg > 0
    logf = np.where(voiced, np.log2(np.maximum(seg, 1e-9)), 0.0)
    trend = logf
    for width in VIBRATO_TREND_FRAMES:
        trend = _run_filter(trend, voiced, width)
    new = trend + factor * (logf - trend)
    out[lo:hi] = np.where(voiced, np.exp2(new), 0.0).astype(np.float32)
    return out


# ----------------------------------------------------------------------------- octave jumps


@dataclass(frozen=True)
class OctaveFix:
    """A proposed correction: frames ``[lo, hi)`` moved by ``semitones`` (±12, ±24)."""

    lo: int
    hi: int
    semitones: int


def find_octave_jumps(curve: np.ndarray, window_s: float = OCTAVE_WINDOW_S) -> list[OctaveFix]:
    """Runs of frames sung an octave (or two) off, found as the cheapest octave path.

    Over the voiced frames, a Viterbi search picks for each frame a correction of -2..+2 octaves
    minimising: the pitch steps between neighbours (an octave error makes two one-octave jumps;
    across an unvoiced gap a step weighs ``OCTAVE_GAP_WEIGHT``), ``OCTAVE_SWITCH_COST`` per
    corrected frame (so a real octave leap held longer than about a second is left alone), and
    ``OCTAVE_LEVEL_COST`` per octave beyond half an octave from the median pitch sung within
    ``window_s`` (so a wrong octave at a phrase's edge, with one jump only, is still found).
    Each run of frames with the same correction is one :class:`OctaveFix`.
    """
    from scipy.ndimage import median_filter

    f = np.asarray(curve, np.float64)
    idx = np.flatnonzero(f > 0)
    if len(idx) < 3:
        return []
    logf = np.log2(f[idx])
    ks = np.arange(-2, 3)
    width = 2 * int(round(window_s / FRAME_S)) + 1
    ref = median_filter(logf, size=min(width, 2 * (len(logf) // 2) - 1 or 1), mode="mirror")
    step_w = np.where(np.diff(idx) > 1, OCTAVE_GAP_WEIGHT, 1.0)
    unary = OCTAVE_SWITCH_COST * (ks != 0)[None, :] + OCTAVE_LEVEL_COST * np.maximum(
        0.0, np.abs(logf[:, None] + ks[None, :] - ref[:, None]) - 0.5
    )
    cost = unary[0].copy()
    back = np.zeros((len(logf), len(ks)), np.int8)
    cols = np.arange(len(ks))
    for i in range(1, len(logf)):
        step = step_w[i - 1] * np.abs((logf[i] + ks)[None, :] - (logf[i - 1] + ks)[:, None])
        total = cost[:, None] + step
        back[i] = np.argmin(total, axis=0)
        cost = total[back[i], cols] + unary[i]
    path = np.empty(len(logf), int)
    path[-1] = int(np.argmin(cost))
    for i in range(len(logf) - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    per_frame = np.zeros(len(f), int)
    per_frame[idx] = 12 * ks[path]
    fixes = []
    for value in (int(v) for v in np.unique(per_frame) if v != 0):
        for a, b in _runs(per_frame == value):
            if b - a >= OCTAVE_MIN_FRAMES:
                fixes.append(OctaveFix(a, b, value))
    return sorted(fixes, key=lambda x: x.lo)


def apply_octave_fixes(curve: np.ndarray, fixes: list[OctaveFix]) -> np.ndarray:
    out = np.array(curve, np.float32)
    for fx in fixes:
        out = shift(out, fx.lo, fx.hi, fx.semitones)
    return out


# ----------------------------------------------------------------------------- phase-neutral edits


def fed_curve(intended: np.ndarray, unvoiced: str) -> np.ndarray:
    """What the model is fed for an intended curve (:func:`models.convert.key.target_f0`'s rule)."""
    intended = np.asarray(intended, np.float32)
    return interpolate_unvoiced(intended) if unvoiced == "interpolate" else intended.copy()


def _cycles(fed: np.ndarray, hop: int, sr: int) -> float:
    return float(np.sum(np.asarray(fed, np.float32).astype(np.float64)) * hop / sr)


def phase_neutral(
    old: np.ndarray, new: np.ndarray, lo: int, hi: int, unvoiced: str, hop: int = 320, sr: int = 32000
) -> np.ndarray:
    """``new`` (an edit of ``old`` over ``[lo, hi)``) rescaled so the fundamental cycles of the fed
    curve change by a whole number: the harmonic source leaves the edit at the phase it had.

    The correction (at most half a cycle) is spread over the voiced frames of ``[lo, hi)``, widened
    around it to at least ``NEUTRAL_MIN_CYCLES`` cycles so a short edit moves by at most a few
    cents; the last float32 step is put on the single loudest-pitched frame.
    """
    old = np.asarray(old, np.float32)
    out = np.array(new, np.float32)
    n = len(out)
    if np.array_equal(old, out):
        return out
    fed_old = fed_curve(old, unvoiced)
    target = None
    a, b = max(0, lo), min(n, hi)
    # widen the span until it carries enough cycles
    while True:
        cyc = _cycles(np.where(out[a:b] > 0, out[a:b], 0.0), hop, sr)
        if cyc >= NEUTRAL_MIN_CYCLES or (a == 0 and b == n):
            break
        grow = max(10, (b - a) // 2)
        a, b = max(0, a - grow), min(n, b + grow)
    span_voiced = out[a:b] > 0
    if not span_voiced.any():
        return out  # nothing voiced to carry a correction (an all-unvoiced edit in "zero" mode)
    base = out.astype(np.float64)
    factor = 1.0
    for _ in range(30):
        trial = base.copy()
        trial[a:b][span_voiced] *= factor
        fed = fed_curve(trial.astype(np.float32), unvoiced)
        delta = _cycles(fed, hop, sr) - _cycles(fed_old, hop, sr)
        if target is None:
            target = float(round(delta))
        resid = delta - target
        if abs(resid) < 1e-9:
            break
        voiced_cycles = float(np.sum(trial[a:b][span_voiced])) * hop / sr
        factor *= 1.0 - resid / voiced_cycles
    result = base.copy()
    result[a:b][span_voiced] *= factor
    out = result.astype(np.float32)
    # the last float32 step: one frame takes what rounding left (< 1e-7 cycles afterwards)
    fed = fed_curve(out, unvoiced)
    resid = _cycles(fed, hop, sr) - _cycles(fed_old, hop, sr) - target
    j = a + int(np.argmax(np.where(span_voiced, out[a:b], 0.0)))
    out[j] = np.float32(float(out[j]) - resid * sr / hop)
    return out


def changed_frames(old_fed: np.ndarray, new_fed: np.ndarray) -> tuple[int, int] | None:
    """[first, last + 1) of the frames whose fed F0 differs, or ``None``."""
    diff = np.flatnonzero(np.asarray(old_fed, np.float32) != np.asarray(new_fed, np.float32))
    if diff.size == 0:
        return None
    return int(diff[0]), int(diff[-1]) + 1


# ----------------------------------------------------------------------------- F0 files

_REF_TIME = re.compile(r"^\s*(\d+)m\s+(\d+)s\s+(\d+)(?:ms)?\s*$")


def write_reference_csv(path: str | os.PathLike[str], f0_hz: np.ndarray) -> Path:
    """The reference's pitch CSV (``svc_tmp.pit.csv``): ``"{m}m {s}s {ms:3d},{Hz}"`` per 10 ms
    frame, Hz rounded to integers (the reference reads integers), written atomically."""
    lines = []
    for i, hz in enumerate(np.asarray(f0_hz, np.float64)):
        t = i * 10
        minute, seconds, ms = t // 60000, (t % 60000) // 1000, t % 1000
        lines.append(f"{minute}m {seconds}s {ms:3d},{int(round(hz))}")
    path = Path(path)
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path


def write_plain_csv(path: str | os.PathLike[str], f0_hz: np.ndarray) -> Path:
    """``time_s,f0_hz`` with a header, one row per 10 ms frame (0 Hz unvoiced), written atomically;
    Hz keep every float32 digit, so reading it back gives the same curve."""
    rows = ["time_s,f0_hz"]
    rows += [f"{i * FRAME_S:.2f},{float(hz):.9g}" for i, hz in enumerate(np.asarray(f0_hz, np.float32))]
    path = Path(path)
    atomic_write_text(path, "\n".join(rows) + "\n")
    return path


def _mmss(frames: int) -> str:
    s = frames * FRAME_S
    return f"{int(s // 60)}:{s % 60:05.2f}"


def read_f0_csv(path: str | os.PathLike[str], frames: int | None = None) -> np.ndarray:
    """Reads an F0 file in either format (told apart by its first row).

    Args:
        path: the CSV file.
        frames: the song's length in frames; the file must match it within ``LENGTH_TOLERANCE``
            (a shorter or longer file by that much is padded with 0 Hz or trimmed).

    Returns:
        (frames,) float32 Hz, 0 unvoiced.

    Raises:
        F0FileError: unreadable, empty, a row that is not ``time,Hz``, NaN/infinite/negative Hz,
            rows not 10 ms apart, or another song's length. Nothing is changed by a refused file.
    """
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise F0FileError(f"{path}: cannot read the F0 file ({getattr(exc, 'strerror', None) or exc})") from None
    rows = [r for r in (line.strip() for line in text.splitlines()) if r]
    if rows and not re.match(r"^\s*[\d.]", rows[0].split(",")[0]) and not _REF_TIME.match(rows[0].split(",")[0]):
        rows = rows[1:]  # a header
    if not rows:
        raise F0FileError(f"{name}: the F0 file has no rows")
    times, values = [], []
    for k, row in enumerate(rows, start=1):
        parts = row.split(",")
        if len(parts) != 2:
            raise F0FileError(f"{name}: row {k} is not 'time,Hz': {row[:40]!r}")
        ref = _REF_TIME.match(parts[0])
        try:
            if ref:
                m, s, ms = (int(g) for g in ref.groups())
                t = m * 60.0 + s + ms / 1000.0
            else:
                t = float(parts[0])
            hz = float(parts[1])
        except ValueError:
            raise F0FileError(f"{name}: row {k} is not 'time,Hz': {row[:40]!r}") from None
        if not math.isfinite(hz):
            raise F0FileError(f"{name}: row {k} has no pitch value ({parts[1].strip()}); use 0 for unvoiced")
        if hz < 0:
            raise F0FileError(f"{name}: row {k} has a negative pitch ({hz:g} Hz); use 0 for unvoiced")
        if hz > MAX_HZ:
            raise F0FileError(f"{name}: row {k} has a pitch of {hz:g} Hz, above {MAX_HZ:g} Hz")
        if not math.isfinite(t):
            raise F0FileError(f"{name}: row {k} has no time")
        times.append(t)
        values.append(hz)
    t = np.asarray(times)
    if len(t) > 1:
        steps = np.diff(t)
        step = float(np.median(steps))
        if abs(step - FRAME_S) > 1e-3 or np.any(np.abs(steps - FRAME_S) > 2e-3):
            bad = step if abs(step - FRAME_S) > 1e-3 else float(steps[np.argmax(np.abs(steps - FRAME_S))])
            raise F0FileError(
                f"{name}: rows are {bad * 1000:g} ms apart, expected one row every 10 ms "
                f"(100 per second)"
            )
    if abs(t[0]) > 1e-3 + 1e-9:
        raise F0FileError(f"{name}: the first row is at {t[0]:g} s; an F0 file starts at 0")
    f0 = np.asarray(values, np.float32)
    if frames is not None:
        if abs(len(f0) - frames) > LENGTH_TOLERANCE:
            raise F0FileError(
                f"{name}: {len(f0)} rows ({_mmss(len(f0))}) but the song has {frames} frames "
                f"({_mmss(frames)}); is it another song's pitch?"
            )
        f0 = np.pad(f0, (0, max(0, frames - len(f0))))[:frames]
    return f0


def song_frames(samples: int, rate: int, sample_rate: int = 32000, hop: int = 320) -> int:
    """Model frames of a song of ``samples`` at ``rate`` (the converter's N)."""
    return -(-int(round(samples * sample_rate / rate)) // hop)


class WithF0File:
    """A converter whose conversions use a given source pitch curve instead of extracting one
    (``voicecraft convert --f0-file``); everything else is the wrapped converter's."""

    def __init__(self, converter: object, f0_hz: np.ndarray) -> None:
        self._converter = converter
        self._f0 = np.asarray(f0_hz, np.float32)

    def __getattr__(self, name: str) -> object:
        return getattr(self._converter, name)

    def convert(self, *args: object, **kwargs: object) -> object:
        kwargs["source_f0"] = self._f0
        return self._converter.convert(*args, **kwargs)  # type: ignore[attr-defined]


def with_f0_file(converter: object, csv_path: str | os.PathLike[str], inputs: list[Path]) -> WithF0File:
    """``converter`` fed the pitch of ``csv_path`` for the one audio file in ``inputs``.

    Raises:
        F0FileError: not exactly one input file, or the F0 file is refused (see :func:`read_f0_csv`).
    """
    from models.features.audio import load_audio

    if len(inputs) != 1 or not Path(inputs[0]).is_file():
        raise F0FileError("a pitch curve belongs to one song: give exactly one input file with it")
    wave, rate = load_audio(inputs[0])
    return WithF0File(converter, read_f0_csv(csv_path, song_frames(len(wave), rate)))
