"""The key of a conversion: the automatic shift to a voice's range, and the F0 the model is fed.

Pure functions over (N,) F0 tracks in Hz per 10 ms frame, 0 where unvoiced.
"""

from __future__ import annotations

import math

import numpy as np

from models.features.pitch import interpolate_unvoiced

# The automatic key, when asked for without a mode (``voicecraft convert --auto-key`` and the
# Convert page): whole octaves keep the song in its key, so a backing track still fits.
DEFAULT_AUTO_KEY = "octaves"


def auto_key_shift(source_f0: np.ndarray, voice_median_hz: float, mode: str) -> float:
    """Semitones that move the source's median voiced F0 to the voice's median.

    Args:
        source_f0: (N,) Hz, 0 where unvoiced.
        voice_median_hz: median F0 of the voice's training data.
        mode: "semitones" (round to whole semitones) or "octaves" (round to whole octaves).

    Returns:
        The shift in semitones (0 when the source has no voiced frame).
    """
    voiced = source_f0[source_f0 > 0]
    if voiced.size == 0 or voice_median_hz <= 0:
        return 0.0
    semis = 12.0 * math.log2(voice_median_hz / float(np.median(voiced)))
    return float(12 * round(semis / 12)) if mode == "octaves" else float(round(semis))


def target_f0(source_f0: np.ndarray, key: float, unvoiced: str) -> tuple[np.ndarray, np.ndarray]:
    """Applies the key shift and the unvoiced-frame rule.

    Returns:
        (fed, intended): ``fed`` is what the model gets (interpolated through unvoiced frames in
        "interpolate" mode), ``intended`` is the shifted F0 with 0 where the source is unvoiced.
    """
    intended = (np.asarray(source_f0, np.float64) * 2.0 ** (key / 12.0)).astype(np.float32)
    fed = interpolate_unvoiced(intended) if unvoiced == "interpolate" else intended.copy()
    return fed, intended
