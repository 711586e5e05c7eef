"""F0 to the coarse pitch bins that the prior encoder embeds (the model's pitch input).

It belongs to the network, not to pitch extraction: every F0 curve, whichever extractor made it,
reaches the synthesizer through this one quantisation, exactly as the reference does.
"""

from __future__ import annotations

import math

import torch

from models.config import PitchConfig


def hz_to_mel(f0_hz: torch.Tensor) -> torch.Tensor:
    """The O'Shaughnessy mel scale used for pitch bins: 1127 · ln(1 + f / 700)."""
    return 1127.0 * torch.log1p(f0_hz / 700.0)


def f0_to_coarse(f0_hz: torch.Tensor, pitch: PitchConfig | None = None) -> torch.Tensor:
    """Quantises F0 to the prior encoder's embedding index.

    Voiced frames map linearly in mel between ``coarse_min_hz`` (bin 1) and
    ``coarse_max_hz`` (bin 255), clamped to [1, 255] and rounded half up; unvoiced
    frames (f0 = 0) get bin 1, exactly as the reference does.

    Args:
        f0_hz: (B, T) or (T,) F0 in Hz, 0 where unvoiced.
        pitch: bin limits (defaults: 50 and 1100 Hz, 256 bins).

    Returns:
        int64 tensor of the same shape with values in [1, coarse_bins - 1].
    """
    pitch = pitch or PitchConfig()
    top = pitch.coarse_bins - 1
    mel_min = 1127.0 * math.log(1.0 + pitch.coarse_min_hz / 700.0)
    mel_max = 1127.0 * math.log(1.0 + pitch.coarse_max_hz / 700.0)
    mel = hz_to_mel(f0_hz.float())
    voiced = mel > 0
    mel = torch.where(voiced, (mel - mel_min) * (top - 1) / (mel_max - mel_min) + 1.0, mel)
    mel = torch.clamp(mel, min=1.0, max=float(top))
    return torch.floor(mel + 0.5).long()
