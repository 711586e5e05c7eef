"""Non-causal WaveNet stack (gated tanh·sigmoid units with residual and skip paths)."""

from __future__ import annotations

import torch
from torch import nn

from models.nets.nn.layers import WNConv1d, get_padding


class WaveNet(nn.Module):
    """Dilated gated convolutions, optionally conditioned on a global vector.

    Args:
        channels: hidden width C.
        kernel_size: odd kernel size.
        dilation_rate: layer i uses dilation ``dilation_rate ** i``.
        n_layers: number of gated layers.
        gin_channels: width of the global condition ``g`` (0: unconditioned).
    """

    def __init__(self, channels: int, kernel_size: int, dilation_rate: int, n_layers: int,
                 gin_channels: int = 0, p_dropout: float = 0.0) -> None:
        super().__init__()
        self.channels = channels
        self.n_layers = n_layers
        self.drop = nn.Dropout(p_dropout)
        if gin_channels:
            self.cond_layer = WNConv1d(gin_channels, 2 * channels * n_layers, 1)
        self.in_layers = nn.ModuleList()
        self.res_skip_layers = nn.ModuleList()
        for i in range(n_layers):
            dilation = dilation_rate**i
            self.in_layers.append(WNConv1d(channels, 2 * channels, kernel_size, dilation=dilation,
                                           padding=get_padding(kernel_size, dilation)))
            out = 2 * channels if i < n_layers - 1 else channels
            self.res_skip_layers.append(WNConv1d(channels, out, 1))

    def forward(self, x: torch.Tensor, mask: torch.Tensor, g: torch.Tensor | None = None) -> torch.Tensor:
        """x: (B, C, T); mask: (B, 1, T); g: (B, gin, 1) or None -> (B, C, T) skip sum."""
        output = torch.zeros_like(x)
        cond = self.cond_layer(g) if g is not None else None
        c = self.channels
        for i, (in_layer, res_skip) in enumerate(zip(self.in_layers, self.res_skip_layers)):
            h = in_layer(x)
            if cond is not None:
                h = h + cond[:, i * 2 * c : (i + 1) * 2 * c]
            acts = self.drop(torch.tanh(h[:, :c]) * torch.sigmoid(h[:, c:]))
            rs = res_skip(acts)
            if i < self.n_layers - 1:
                x = (x + rs[:, :c]) * mask
                output = output + rs[:, c:]
            else:
                output = output + rs
        return output * mask
