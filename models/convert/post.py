"""Post-processing of converted audio: the silence gate and the loudness match.

- :func:`speech_mask` runs silero-vad (its weights ship in the package) on the 16 kHz source and
  puts its speech regions on the 10 ms frame grid; the converter opens the gate also around
  pitched frames (:func:`dilate`), so long sung vowels a speech VAD may miss stay audible and only
  unpitched non-speech (breaths, hiss, bleed in gaps) is muted.
- :func:`apply_gate` mutes outside the mask with short linear ramps (no clicks).
- :func:`match_loudness` scales the output to the source's RMS over active frames, peak-limited.
"""

from __future__ import annotations

import numpy as np
import torch

GATE_RAMP_S = 0.01  # fade in/out of the silence gate, so muting never clicks
GATE_VOICED_PAD = 10  # frames (100 ms) kept open around pitched frames: sustained sung vowels that a
#                       speech VAD misses stay audible; only unpitched non-speech is muted
LOUDNESS_FLOOR_DB = -50.0  # frames quieter than this (dBFS RMS) do not count for the loudness match
PEAK_LIMIT = 0.99


def match_loudness(audio: np.ndarray, reference: np.ndarray, frame: int = 320) -> np.ndarray:
    """Scales ``audio`` so its RMS over active frames equals ``reference``'s, then limits the peak."""

    def active_rms(x: np.ndarray) -> float:
        n = len(x) // frame
        if n == 0:
            return float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if len(x) else 0.0
        rms = np.sqrt(np.mean(x[: n * frame].astype(np.float64).reshape(n, frame) ** 2, axis=1))
        active = rms[20 * np.log10(np.maximum(rms, 1e-12)) > LOUDNESS_FLOOR_DB]
        return float(np.sqrt(np.mean(active**2))) if active.size else 0.0

    have, want = active_rms(audio), active_rms(reference)
    if have <= 0 or want <= 0:
        return audio
    out = audio * (want / have)
    peak = float(np.max(np.abs(out)))
    if peak > PEAK_LIMIT:
        out = out * (PEAK_LIMIT / peak)
    return out.astype(np.float32)


def speech_mask(wave_16k: np.ndarray, frames: int, threshold: float) -> np.ndarray:
    """(frames,) bool: silero-vad's speech regions on the 10 ms grid (weights ship with the package)."""
    from silero_vad import get_speech_timestamps, load_silero_vad

    model = load_silero_vad()
    stamps = get_speech_timestamps(
        torch.from_numpy(np.ascontiguousarray(wave_16k, dtype=np.float32)),
        model,
        threshold=threshold,
        sampling_rate=16000,
        min_silence_duration_ms=200,
        speech_pad_ms=60,
    )
    mask = np.zeros(frames, dtype=bool)
    for s in stamps:
        mask[int(s["start"]) // 160 : -(-int(s["end"]) // 160)] = True
    return mask


def dilate(mask: np.ndarray, pad: int) -> np.ndarray:
    """(N,) bool grown by ``pad`` frames on each side."""
    if pad <= 0 or not mask.any():
        return mask.copy()
    return np.convolve(mask.astype(np.float32), np.ones(2 * pad + 1, np.float32), mode="same") > 0


def apply_gate(audio: np.ndarray, mask: np.ndarray, hop: int, sample_rate: int) -> np.ndarray:
    """Mutes audio outside ``mask`` (frames), with linear ramps of ``GATE_RAMP_S`` at every edge."""
    gain = np.repeat(mask.astype(np.float32), hop)[: len(audio)]
    if len(gain) < len(audio):
        gain = np.concatenate(
            [gain, np.full(len(audio) - len(gain), gain[-1] if len(gain) else 1.0, np.float32)]
        )
    ramp = max(1, int(GATE_RAMP_S * sample_rate))
    padded = np.pad(gain, (ramp // 2, ramp - 1 - ramp // 2), mode="edge")
    smooth = np.convolve(padded, np.ones(ramp, np.float32) / ramp, mode="valid")
    return (audio * np.clip(smooth, 0.0, 1.0)).astype(np.float32)
