"""The waveform decoder: BigVGAN with anti-aliased AMP blocks and an NSF harmonic source.

Latent frames (B, inter, T) become audio (B, 1, T · hop):
speaker adapter (channel LayerNorm with speaker-predicted scale/bias) → conv_pre → Mish →
for each upsampling stage: transposed conv, + strided conv of the harmonic source,
mean of the AMP residual blocks → anti-aliased SnakeBeta → conv_post → tanh.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from models.config import ModelConfig
from models.nets.nn.alias import SnakeAlias
from models.nets.nn.layers import WNConv1d, WNConvTranspose1d, get_padding
from models.nets.nn.nsf import HarmonicSource


class SpeakerAdapter(nn.Module):
    """Normalises each frame over channels, then scales and shifts it from the speaker vector.

    x: (B, C, T), spk: (B, spk_dim) -> (B, C, T). Initialised to identity scale, zero shift.
    """

    def __init__(self, spk_dim: int, channels: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.eps = eps
        self.W_scale = nn.Linear(spk_dim, channels)
        self.W_bias = nn.Linear(spk_dim, channels)
        nn.init.zeros_(self.W_scale.weight)
        nn.init.ones_(self.W_scale.bias)
        nn.init.zeros_(self.W_bias.weight)
        nn.init.zeros_(self.W_bias.bias)

    def forward(self, x: torch.Tensor, spk: torch.Tensor) -> torch.Tensor:
        x = x.transpose(1, -1)
        mean = x.mean(dim=-1, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
        y = (x - mean) / torch.sqrt(var + self.eps)
        y = y * self.W_scale(spk).unsqueeze(1) + self.W_bias(spk).unsqueeze(1)
        return y.transpose(1, -1)


class AMPBlock(nn.Module):
    """Three (SnakeAlias → dilated conv → SnakeAlias → conv) residual units: (B, C, T) -> (B, C, T)."""

    def __init__(self, channels: int, kernel_size: int, dilations: tuple[int, ...]) -> None:
        super().__init__()
        self.convs1 = nn.ModuleList(
            WNConv1d(channels, channels, kernel_size, dilation=d, padding=get_padding(kernel_size, d))
            for d in dilations)
        self.convs2 = nn.ModuleList(
            WNConv1d(channels, channels, kernel_size, padding=get_padding(kernel_size)) for _ in dilations)
        for conv in (*self.convs1, *self.convs2):
            conv.reset_weight_(0.01)
        self.activations = nn.ModuleList(SnakeAlias(channels) for _ in range(2 * len(dilations)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Unit j uses activations 2j (before convs1[j]) and 2j+1 (before convs2[j]); spelled
        # out because a nested next() would fetch them in call order, i.e. swapped.
        for j, (c1, c2) in enumerate(zip(self.convs1, self.convs2)):
            xt = c1(self.activations[2 * j](x))
            xt = c2(self.activations[2 * j + 1](xt))
            x = x + xt
        return x


class Decoder(nn.Module):
    """BigVGAN-NSF decoder. See the module docstring for the signal path."""

    def __init__(self, model: ModelConfig, sample_rate: int) -> None:
        super().__init__()
        self.upsample_factor = model.upsample_factor
        self.num_kernels = len(model.resblock_kernel_sizes)
        self.adapter = SpeakerAdapter(model.spk_dim, model.inter_channels)
        self.conv_pre = nn.Conv1d(model.inter_channels, model.upsample_initial_channel, 7, 1, padding=3)
        self.m_source = HarmonicSource(sample_rate, model.nsf_harmonics, model.nsf_sine_amp, model.nsf_noise_std)
        self.ups = nn.ModuleList()
        self.noise_convs = nn.ModuleList()
        self.resblocks = nn.ModuleList()
        rates = model.upsample_rates
        channels = model.upsample_initial_channel
        for i, (rate, kernel) in enumerate(zip(rates, model.upsample_kernel_sizes)):
            out = model.upsample_initial_channel // 2 ** (i + 1)
            up = WNConvTranspose1d(channels, out, kernel, rate, padding=(kernel - rate) // 2)
            up.reset_weight_(0.01)
            self.ups.append(up)
            # The source enters every stage at that stage's rate: a strided conv decimates it.
            stride = 1
            for later in rates[i + 1 :]:
                stride *= later
            if stride > 1:
                self.noise_convs.append(nn.Conv1d(1, out, stride * 2, stride=stride, padding=stride // 2))
            else:
                self.noise_convs.append(nn.Conv1d(1, out, 1))
            for k, d in zip(model.resblock_kernel_sizes, model.resblock_dilation_sizes):
                self.resblocks.append(AMPBlock(out, k, d))
            channels = out
        self.activation_post = SnakeAlias(channels)
        self.conv_post = nn.Conv1d(channels, 1, 7, 1, padding=3, bias=False)

    def source(self, f0: torch.Tensor, deterministic: bool = False,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """Harmonic excitation for frame-rate F0: (B, T) Hz -> (B, 1, T · hop)."""
        f0_audio = torch.repeat_interleave(f0, self.upsample_factor, dim=1)
        return self.m_source(f0_audio, deterministic=deterministic, generator=generator)

    def synthesize(self, z: torch.Tensor, spk: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
        """Decodes latents with a given excitation.

        Args:
            z: (B, inter, T) latent frames.
            spk: (B, spk_dim) speaker vector.
            source: (B, 1, T · hop) harmonic excitation (see :meth:`source`).

        Returns:
            (B, 1, T · hop) audio in (-1, 1).
        """
        x = self.conv_pre(self.adapter(z, spk))
        x = x * torch.tanh(F.softplus(x))
        for i, (up, noise_conv) in enumerate(zip(self.ups, self.noise_convs)):
            x = up(x) + noise_conv(source)
            blocks = self.resblocks[i * self.num_kernels : (i + 1) * self.num_kernels]
            x = sum(block(x) for block in blocks) / self.num_kernels
        return torch.tanh(self.conv_post(self.activation_post(x)))

    def forward(self, z: torch.Tensor, spk: torch.Tensor, f0: torch.Tensor, noise_scale: float = 0.0,
                deterministic: bool = False, generator: torch.Generator | None = None) -> torch.Tensor:
        """z: (B, inter, T), spk: (B, spk_dim), f0: (B, T) Hz -> audio (B, 1, T · hop).

        ``noise_scale`` adds N(0, noise_scale²) to ``z`` first (the reference trains with 1).
        """
        if noise_scale:
            z = z + noise_scale * torch.randn(z.shape, device=z.device, dtype=z.dtype, generator=generator)
        return self.synthesize(z, spk, self.source(f0, deterministic, generator))
