"""Anti-aliased periodic activation (BigVGAN): upsample ×2, SnakeBeta, low-pass and decimate.

SnakeBeta is ``x + sin²(α·x) / β`` with per-channel ``α = exp(a)``, ``β = exp(b)``. The
×2 resampling filters are Kaiser-windowed sincs (12 taps, cutoff a quarter of the
doubled rate); they are buffers saved with the weights, as in the reference files.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

ALIAS_KERNEL = 12
ALIAS_RATIO = 2


def kaiser_sinc_filter(cutoff: float, half_width: float, kernel_size: int) -> torch.Tensor:
    """Kaiser-windowed sinc low-pass (cutoff and transition half-width in cycles/sample).

    Returns:
        (1, 1, kernel_size) filter normalised to unit DC gain.
    """
    even = kernel_size % 2 == 0
    half = kernel_size // 2
    attenuation = 2.285 * (half - 1) * math.pi * (4 * half_width) + 7.95
    if attenuation > 50.0:
        beta = 0.1102 * (attenuation - 8.7)
    elif attenuation >= 21.0:
        beta = 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21.0)
    else:
        beta = 0.0
    window = torch.kaiser_window(kernel_size, beta=beta, periodic=False)
    time = (torch.arange(-half, half) + 0.5) if even else (torch.arange(kernel_size) - half)
    filt = 2 * cutoff * window * torch.sinc(2 * cutoff * time)
    return (filt / filt.sum()).view(1, 1, kernel_size)


class UpSample1d(nn.Module):
    """×ratio polyphase upsampling with replicate padding: (B, C, T) -> (B, C, ratio·T)."""

    def __init__(self, ratio: int = ALIAS_RATIO, kernel_size: int = ALIAS_KERNEL) -> None:
        super().__init__()
        self.ratio = ratio
        self.pad = kernel_size // ratio - 1
        self.crop_left = self.pad * ratio + (kernel_size - ratio) // 2
        self.crop_right = self.pad * ratio + (kernel_size - ratio + 1) // 2
        self.register_buffer("filter", kaiser_sinc_filter(0.5 / ratio, 0.6 / ratio, kernel_size))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c = x.shape[1]
        x = F.pad(x, (self.pad, self.pad), mode="replicate")
        x = self.ratio * F.conv_transpose1d(x, self.filter.expand(c, -1, -1), stride=self.ratio, groups=c)
        return x[..., self.crop_left : -self.crop_right]


class LowPassFilter1d(nn.Module):
    """Low-pass and decimate by ``stride`` with replicate padding: (B, C, T) -> (B, C, T/stride)."""

    def __init__(self, cutoff: float, half_width: float, stride: int, kernel_size: int) -> None:
        super().__init__()
        even = kernel_size % 2 == 0
        self.pad_left = kernel_size // 2 - int(even)
        self.pad_right = kernel_size // 2
        self.stride = stride
        self.register_buffer("filter", kaiser_sinc_filter(cutoff, half_width, kernel_size))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c = x.shape[1]
        x = F.pad(x, (self.pad_left, self.pad_right), mode="replicate")
        return F.conv1d(x, self.filter.expand(c, -1, -1), stride=self.stride, groups=c)


class DownSample1d(nn.Module):
    """÷ratio decimation behind a Kaiser low-pass."""

    def __init__(self, ratio: int = ALIAS_RATIO, kernel_size: int = ALIAS_KERNEL) -> None:
        super().__init__()
        self.lowpass = LowPassFilter1d(0.5 / ratio, 0.6 / ratio, ratio, kernel_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lowpass(x)


class SnakeBeta(nn.Module):
    """``x + sin²(exp(a)·x) / (exp(b) + 1e-9)`` per channel of (B, C, T); a, b start at 0."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.alpha = nn.Parameter(torch.zeros(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        alpha = torch.exp(self.alpha).view(1, -1, 1)
        beta = torch.exp(self.beta).view(1, -1, 1)
        return x + (1.0 / (beta + 1e-9)) * torch.sin(x * alpha).pow(2)


class SnakeAlias(nn.Module):
    """Anti-aliased SnakeBeta: (B, C, T) -> (B, C, T)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.act = SnakeBeta(channels)
        self.upsample = UpSample1d()
        self.downsample = DownSample1d()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.downsample(self.act(self.upsample(x)))
