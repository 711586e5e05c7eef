"""Neural source-filter excitation: a harmonic sine source merged into one channel.

For F0 upsampled to the audio rate, harmonics k = 1..H+1 are ``amp · sin(2π Σ k·f0/sr)``
(random initial phase for overtones), voiced where f0 > 0; unvoiced samples carry
Gaussian noise of std amp/3 and voiced ones std ``noise_std``. A fixed linear layer
(buffers ``merge_w``, ``merge_b``, the reference's values) and tanh merge them.
``deterministic=True`` removes every random draw (phase and noise) for reproducible output.
"""

from __future__ import annotations

import math

import torch
from torch import nn

# The reference's fixed merge of the 11 harmonics; loaded from files, kept here so a fresh
# model produces the same excitation.
_MERGE_W = [0.2942, -0.2243, 0.0033, -0.0056, -0.0020, -0.0046, 0.0221, -0.0083, -0.0241, -0.0036, -0.0581]
_MERGE_B = [0.0008]


class HarmonicSource(nn.Module):
    """F0 (B, L) at the audio rate -> excitation (B, 1, L) in (-1, 1)."""

    def __init__(self, sample_rate: int, harmonics: int = 10, sine_amp: float = 0.1,
                 noise_std: float = 0.003) -> None:
        super().__init__()
        self.sample_rate = sample_rate
        self.dim = harmonics + 1
        self.sine_amp = sine_amp
        self.noise_std = noise_std
        if self.dim != len(_MERGE_W):
            merge_w = torch.full((1, self.dim), 1.0 / self.dim)
            merge_b = torch.zeros(1)
        else:
            merge_w, merge_b = torch.tensor([_MERGE_W]), torch.tensor(_MERGE_B)
        self.register_buffer("merge_w", merge_w)
        self.register_buffer("merge_b", merge_b)

    def sines(self, f0: torch.Tensor, deterministic: bool = False,
              generator: torch.Generator | None = None) -> torch.Tensor:
        """Harmonic sines with voicing and noise: (B, L) -> (B, L, H+1)."""
        f0 = f0.float()
        harmonics = torch.arange(1, self.dim + 1, device=f0.device, dtype=f0.dtype)
        freqs = f0.unsqueeze(-1) * harmonics
        rad = (freqs / self.sample_rate) % 1
        if not deterministic:
            phase = torch.rand(f0.shape[0], self.dim, device=f0.device, generator=generator)
            phase[:, 0] = 0
            rad[:, 0, :] = rad[:, 0, :] + phase
        # Subtract 1 where the running phase wraps, so the cumulative sum stays small
        # (float32 would lose the phase over minutes of audio otherwise).
        wrapped = torch.cumsum(rad, dim=1) % 1
        shift = torch.zeros_like(rad)
        shift[:, 1:, :] = ((wrapped[:, 1:, :] - wrapped[:, :-1, :]) < 0) * -1.0
        sines = torch.sin(torch.cumsum(rad + shift, dim=1) * 2 * math.pi) * self.sine_amp
        uv = (f0 > 0).to(sines.dtype).unsqueeze(-1)
        sines = sines * uv
        if not deterministic:
            noise_amp = uv * self.noise_std + (1 - uv) * self.sine_amp / 3
            noise = torch.randn(sines.shape, device=sines.device, generator=generator)
            sines = sines + noise_amp * noise
        return sines

    def forward(self, f0: torch.Tensor, deterministic: bool = False,
                generator: torch.Generator | None = None) -> torch.Tensor:
        """f0: (B, L) Hz at the audio rate -> (B, 1, L) excitation."""
        merged = torch.nn.functional.linear(self.sines(f0, deterministic, generator), self.merge_w) + self.merge_b
        return torch.tanh(merged).transpose(1, 2)
