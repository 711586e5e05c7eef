"""Level analysis for slicing recordings: per-frame loudness and clipped runs, the loud level, and
where to cut a file into clips (:mod:`models.features.preprocess` applies it and judges the result).

The rules (constants below; the preparation module's docstring states them in words): 10 ms frames;
silence is a frame below ``max(-60 dBFS, loud level - 35 dB)``, the loud level being the 95th
percentile of the frames more than 10 dB above the background (its 10th percentile); a pause of
0.3 s or more is a cut candidate, a passage over 15 s without one is cut at its quietest frame
between 8 and 15 s, pieces under 2 s merge with a neighbour at most 1 s away when the result stays
within 15 s, and pieces still under 1 s are reported. A clipped run is 3+ equal samples of one
channel at the integer format's rail, at a float file's own peak, or 3+ samples at |x| >= 0.999 in
lossy formats.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from models.features.audio import AudioLoadError

FRAME_S = 0.01
MIN_CLIP_S = 2.0
MAX_CLIP_S = 15.0
HARD_MIN_CLIP_S = 1.0  # shorter pieces are reported, not used
MIN_PAUSE_S = 0.3
MAX_MERGE_GAP_S = 1.0  # short pieces merge only across pauses up to this long
CUT_SEARCH_FROM_S = 8.0  # a long passage is cut at its quietest frame after this many seconds
EDGE_SILENCE_S = 0.1  # silence kept at each end of a clip
SILENCE_FLOOR_DB = -60.0
SILENCE_BELOW_LOUD_DB = 35.0
NOISE_PERCENTILE = 10.0  # the background level of a file
STANDS_OUT_DB = 10.0  # frames this far above the background make up the loud level
CLIP_LEVEL = 0.999  # lossy formats: |x| at or above this; float files: this fraction of the peak
CLIP_RUN = 3
READ_BLOCK_S = 30.0
_INTEGER_BITS = {"PCM_S8": 8, "PCM_U8": 8, "PCM_16": 16, "PCM_24": 24, "PCM_32": 32}
_FLOAT_SUBTYPES = frozenset({"FLOAT", "DOUBLE"})


def frame_levels(path: Path, rate: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Streams the file: per 10 ms frame RMS (dBFS) and clipped-run sample counts (see the module rules)."""
    import soundfile

    subtype = soundfile.info(os.fspath(path)).subtype
    is_float = subtype in _FLOAT_SUBTYPES
    bits = _INTEGER_BITS.get(subtype)
    # integer formats: the rail (16-bit: 32767/32768, -1.0); lossy and other formats: CLIP_LEVEL
    level = np.float32((2 ** (bits - 1) - 1) / 2 ** (bits - 1)) if bits else np.float32(CLIP_LEVEL)
    hop = max(1, int(round(rate * FRAME_S)))
    levels: list[np.ndarray] = []
    run_max: list[np.ndarray] = []  # per frame: the largest |x| of a clipped-candidate run
    run_n: list[np.ndarray] = []  # per frame: samples in runs at >= level (float: >= CLIP_LEVEL * run_max)
    carry = np.zeros(0, dtype=np.float32)
    carry_mag = np.zeros(0, dtype=np.float32)
    block = hop * int(READ_BLOCK_S / FRAME_S)
    total = 0
    peak = 0.0

    def add(frames: np.ndarray, mags: np.ndarray) -> None:
        levels.append(10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12))
        biggest = mags.max(axis=1)
        run_max.append(biggest)
        floor = CLIP_LEVEL * biggest[:, None] if is_float else level
        run_n.append(((mags >= floor) & (mags > 0)).sum(axis=1))

    for data in soundfile.blocks(os.fspath(path), blocksize=block, dtype="float32", always_2d=True):
        if not np.all(np.isfinite(data)):
            raise AudioLoadError(path, "contains NaN or infinite samples (corrupt float data)")
        mono = data.mean(axis=1, dtype=np.float32)
        mag = _run_magnitude(data, equal=bits is not None or is_float)
        peak = max(peak, float(np.max(np.abs(data))) if len(data) else 0.0)
        total += len(mono)
        x, m = np.concatenate([carry, mono]), np.concatenate([carry_mag, mag])
        n = len(x) // hop
        add(x[: n * hop].reshape(n, hop), m[: n * hop].reshape(n, hop))
        carry, carry_mag = x[n * hop :], m[n * hop :]
    if len(carry):
        add(carry[None], carry_mag[None])
    if not levels:
        return np.zeros(0), np.zeros(0), total
    counts = np.concatenate(run_n)
    if is_float:  # only runs at the file's own peak are clipping: a float file may be hot, not clipped
        counts = np.where(np.concatenate(run_max) >= CLIP_LEVEL * peak, counts, 0)
    return np.concatenate(levels), counts, total


def _run_magnitude(data: np.ndarray, equal: bool) -> np.ndarray:
    """(N, C) samples -> (N,) for each sample the largest min-|x| of a run of CLIP_RUN samples of one
    channel containing it (runs of equal samples only when ``equal``); 0 outside any such run."""
    n = len(data)
    out = np.zeros(n, dtype=np.float32)
    if n < CLIP_RUN:
        return out
    a = np.abs(data)
    starts = n - CLIP_RUN + 1
    low = a[:starts].copy()  # min |x| over the run starting at each sample
    for k in range(1, CLIP_RUN):
        np.minimum(low, a[k : starts + k], out=low)
    if equal:
        same = np.ones(low.shape, dtype=bool)
        for k in range(1, CLIP_RUN):
            same &= data[k : starts + k] == data[:starts]
        low = np.where(same, low, 0)
    run = low.max(axis=1)
    for k in range(CLIP_RUN):
        np.maximum(out[k : starts + k], run, out=out[k : starts + k])
    return out


def loud_level(levels_db: np.ndarray) -> float:
    """The loud level of a file: the 95th percentile of its frames that stand out from the background.

    Args:
        levels_db: (F,) frame levels in dBFS (not empty).
    """
    noise = float(np.percentile(levels_db, NOISE_PERCENTILE))
    active = levels_db[levels_db > max(noise + STANDS_OUT_DB, SILENCE_FLOOR_DB)]
    return float(np.percentile(active if len(active) else levels_db, 95))


def plan_clips(levels_db: np.ndarray) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Cuts a level curve into clips.

    Args:
        levels_db: (F,) frame levels in dBFS, 10 ms frames.

    Returns:
        (clips, short): frame ranges [start, stop) of clips, and of sounding pieces too short
        to use (reported by the caller).
    """
    if len(levels_db) == 0:
        return [], []
    threshold = max(SILENCE_FLOOR_DB, loud_level(levels_db) - SILENCE_BELOW_LOUD_DB)
    sound = levels_db >= threshold
    pause = int(round(MIN_PAUSE_S / FRAME_S))
    # sounding runs, bridging pauses shorter than MIN_PAUSE_S
    edges = np.flatnonzero(np.diff(np.concatenate([[0], sound.astype(np.int8), [0]])))
    runs = [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]
    merged: list[tuple[int, int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] < pause:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    max_f = int(MAX_CLIP_S / FRAME_S)
    pieces: list[tuple[int, int]] = []
    for a, b in merged:  # split passages longer than MAX_CLIP_S at their quietest frame
        while b - a > max_f:
            lo, hi = a + int(CUT_SEARCH_FROM_S / FRAME_S), a + max_f
            cut = lo + int(np.argmin(levels_db[lo:hi]))
            pieces.append((a, cut))
            a = cut
        pieces.append((a, b))
    # merge neighbours into clips of at least MIN_CLIP_S where the result stays within MAX_CLIP_S
    min_f, hard_f = int(MIN_CLIP_S / FRAME_S), int(HARD_MIN_CLIP_S / FRAME_S)
    gap_f = int(MAX_MERGE_GAP_S / FRAME_S)
    clips: list[tuple[int, int]] = []
    for a, b in pieces:
        if (clips and (clips[-1][1] - clips[-1][0] < min_f or b - a < min_f) and b - clips[-1][0] <= max_f
                and a - clips[-1][1] <= gap_f):
            clips[-1] = (clips[-1][0], b)
        else:
            clips.append((a, b))
    edge = int(EDGE_SILENCE_S / FRAME_S)
    good = [(max(0, a - edge), min(len(levels_db), b + edge)) for a, b in clips if b - a >= hard_f]
    short = [(a, b) for a, b in clips if b - a < hard_f]
    return good, short
