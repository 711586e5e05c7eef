"""Discriminators (training only): multi-resolution, multi-period and multi-scale.

Each sub-discriminator returns ``(feature_maps, score)``; :class:`Discriminator` returns
the list MRD + MPD + MSD in that order, as the reference does (state-dict keys ``MRD.*``,
``MPD.*``, ``MSD.*``).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from models.config import DiscriminatorConfig
from models.nets.nn.layers import WNConv1d, WNConv2d

DiscOutput = tuple[list[torch.Tensor], torch.Tensor]


def _run(convs: nn.ModuleList, post: nn.Module, x: torch.Tensor, slope: float) -> DiscOutput:
    fmap = []
    for conv in convs:
        x = F.leaky_relu(conv(x), slope)
        fmap.append(x)
    x = post(x)
    fmap.append(x)
    return fmap, torch.flatten(x, 1, -1)


class ResolutionDiscriminator(nn.Module):
    """2-D convolutions over a magnitude spectrogram (rectangular window, as the reference)."""

    def __init__(self, resolution: tuple[int, int, int], channels: int, slope: float) -> None:
        super().__init__()
        self.n_fft, self.hop, self.win = resolution
        self.slope = slope
        c = channels
        self.convs = nn.ModuleList([
            WNConv2d(1, c, (3, 9), padding=(1, 4)),
            WNConv2d(c, c, (3, 9), stride=(1, 2), padding=(1, 4)),
            WNConv2d(c, c, (3, 9), stride=(1, 2), padding=(1, 4)),
            WNConv2d(c, c, (3, 9), stride=(1, 2), padding=(1, 4)),
            WNConv2d(c, c, (3, 3), padding=(1, 1)),
        ])
        self.conv_post = WNConv2d(c, 1, (3, 3), padding=(1, 1))

    def spectrogram(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 1, L) -> (B, n_fft // 2 + 1, frames) magnitudes."""
        pad = (self.n_fft - self.hop) // 2
        x = F.pad(x, (pad, pad), mode="reflect").squeeze(1)
        window = torch.ones(self.win, device=x.device, dtype=x.dtype)
        spec = torch.stft(x, self.n_fft, hop_length=self.hop, win_length=self.win, window=window,
                          center=False, return_complex=True)
        return spec.abs()

    def forward(self, x: torch.Tensor) -> DiscOutput:
        return _run(self.convs, self.conv_post, self.spectrogram(x).unsqueeze(1), self.slope)


class PeriodDiscriminator(nn.Module):
    """2-D convolutions over the signal folded by ``period``."""

    def __init__(self, period: int, cfg: DiscriminatorConfig) -> None:
        super().__init__()
        self.period = period
        self.slope = cfg.lrelu_slope
        k, s = cfg.mpd_kernel_size, cfg.mpd_stride
        chans = (1, *cfg.mpd_channels)
        last = len(cfg.mpd_channels) - 1
        self.convs = nn.ModuleList(
            WNConv2d(chans[i], chans[i + 1], (k, 1), (s if i < last else 1, 1), padding=(k // 2, 0))
            for i in range(len(cfg.mpd_channels)))
        self.conv_post = WNConv2d(chans[-1], 1, (3, 1), 1, padding=(1, 0))

    def forward(self, x: torch.Tensor) -> DiscOutput:
        b, c, t = x.shape
        if t % self.period:
            pad = self.period - t % self.period
            x = F.pad(x, (0, pad), mode="reflect")
            t += pad
        return _run(self.convs, self.conv_post, x.view(b, c, t // self.period, self.period), self.slope)


class ScaleDiscriminator(nn.Module):
    """Grouped strided 1-D convolutions on the raw waveform."""

    def __init__(self, cfg: DiscriminatorConfig) -> None:
        super().__init__()
        self.slope = cfg.msd_lrelu_slope
        chans = (1, *cfg.msd_channels)
        n = len(cfg.msd_channels)
        specs = [(15, 1, 7)] + [(41, 4, 20)] * (n - 2) + [(5, 1, 2)]
        self.convs = nn.ModuleList(
            WNConv1d(chans[i], chans[i + 1], k, s, groups=cfg.msd_groups[i], padding=p)
            for i, (k, s, p) in enumerate(specs))
        self.conv_post = WNConv1d(chans[-1], 1, 3, 1, padding=1)

    def forward(self, x: torch.Tensor) -> DiscOutput:
        return _run(self.convs, self.conv_post, x, self.slope)


class MultiResolutionDiscriminator(nn.Module):
    def __init__(self, cfg: DiscriminatorConfig) -> None:
        super().__init__()
        self.discriminators = nn.ModuleList(
            ResolutionDiscriminator(r, cfg.mrd_channels, cfg.lrelu_slope) for r in cfg.mrd_resolutions)

    def forward(self, x: torch.Tensor) -> list[DiscOutput]:
        return [d(x) for d in self.discriminators]


class MultiPeriodDiscriminator(nn.Module):
    def __init__(self, cfg: DiscriminatorConfig) -> None:
        super().__init__()
        self.discriminators = nn.ModuleList(PeriodDiscriminator(p, cfg) for p in cfg.mpd_periods)

    def forward(self, x: torch.Tensor) -> list[DiscOutput]:
        return [d(x) for d in self.discriminators]


class Discriminator(nn.Module):
    """All discriminators: audio (B, 1, L) -> [(feature maps, score (B, N))] MRD + MPD + MSD."""

    def __init__(self, cfg: DiscriminatorConfig) -> None:
        super().__init__()
        self.MRD = MultiResolutionDiscriminator(cfg)
        self.MPD = MultiPeriodDiscriminator(cfg)
        self.MSD = ScaleDiscriminator(cfg)

    def forward(self, x: torch.Tensor) -> list[DiscOutput]:
        return self.MRD(x) + self.MPD(x) + [self.MSD(x)]
