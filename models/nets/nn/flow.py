"""Normalising flow between the posterior latent and the prior: residual couplings.

Each coupling is mean-only and speaker-normalised ("SNAC"): a 1×1 convolution of the raw
speaker vector gives ``(μ_s, log σ_s)`` that normalise both halves before the coupling and
de-normalise on the way back; the log-determinant accounts for the scale. Couplings
alternate with channel flips.
"""

from __future__ import annotations

import torch
from torch import nn

from models.nets.nn.wavenet import WaveNet


class SpeakerNormalizedCoupling(nn.Module):
    """Mean-only affine coupling on (B, C, T) with speaker normalisation of the halves."""

    def __init__(self, channels: int, hidden_channels: int, kernel_size: int, n_layers: int,
                 spk_dim: int) -> None:
        super().__init__()
        self.half = channels // 2
        self.pre = nn.Conv1d(self.half, hidden_channels, 1)
        self.enc = WaveNet(hidden_channels, kernel_size, 1, n_layers)
        self.post = nn.Conv1d(hidden_channels, self.half, 1)
        nn.init.zeros_(self.post.weight)
        nn.init.zeros_(self.post.bias)
        self.snac = nn.Conv1d(spk_dim, 2 * self.half, 1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, spk: torch.Tensor,
                reverse: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (B, C, T); mask: (B, 1, T); spk: (B, spk_dim) -> (y, log-det (B,))."""
        spk_m, spk_logs = self.snac(spk.unsqueeze(-1)).chunk(2, dim=1)
        x0, x1 = x[:, : self.half], x[:, self.half :]
        h = self.pre((x0 - spk_m) * torch.exp(-spk_logs) * mask) * mask
        m = self.post(self.enc(h, mask)) * mask
        scale_logdet = torch.sum(spk_logs.expand(-1, -1, x.shape[-1]) * mask, dim=(1, 2))
        if not reverse:
            x1 = (m + (x1 - spk_m) * torch.exp(-spk_logs) * mask) * mask
            logdet = -scale_logdet
        else:
            x1 = (spk_m + (x1 - m) * mask * torch.exp(spk_logs)) * mask
            logdet = scale_logdet
        return torch.cat([x0, x1], dim=1), logdet


class Flip(nn.Module):
    """Reverses the channel order; log-det 0."""

    def forward(self, x: torch.Tensor, mask: torch.Tensor, spk: torch.Tensor,
                reverse: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.flip(x, [1]), x.new_zeros(x.shape[0])


class ResidualCouplingFlow(nn.Module):
    """``steps`` × (coupling, flip); ``reverse=True`` runs the inverse."""

    def __init__(self, channels: int, hidden_channels: int, kernel_size: int, n_layers: int,
                 steps: int, spk_dim: int) -> None:
        super().__init__()
        self.flows = nn.ModuleList()
        for _ in range(steps):
            self.flows.append(SpeakerNormalizedCoupling(channels, hidden_channels, kernel_size, n_layers, spk_dim))
            self.flows.append(Flip())

    def forward(self, x: torch.Tensor, mask: torch.Tensor, spk: torch.Tensor,
                reverse: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (B, C, T); mask: (B, 1, T); spk: (B, spk_dim) -> (z, total log-det (B,))."""
        total = x.new_zeros(x.shape[0])
        for flow in (reversed(self.flows) if reverse else self.flows):
            x, logdet = flow(x, mask, spk, reverse=reverse)
            total = total + logdet
        return x, total
