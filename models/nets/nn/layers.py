"""Small layers: weight-normalised convolutions, channel LayerNorm, masks, gradient reversal.

Weight normalisation is stored the way so-vits-svc-5.0 files store it: a magnitude
``weight_g`` (norm over every dimension but the first) and a direction ``weight_v``, so
reference state dicts load key for key. The effective weight is ``g · v / ‖v‖``.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def _norm_except_first(v: torch.Tensor) -> torch.Tensor:
    return v.reshape(v.shape[0], -1).norm(dim=1).reshape((-1,) + (1,) * (v.dim() - 1))


class _WeightNormMixin:
    """Replaces ``weight`` by ``weight_g`` and ``weight_v`` (call right after nn init)."""

    weight_g: nn.Parameter
    weight_v: nn.Parameter

    def _split_weight(self) -> None:
        module: nn.Module = self  # type: ignore[assignment]
        w = module.weight.detach()  # type: ignore[union-attr]
        del module.weight
        module.weight_g = nn.Parameter(_norm_except_first(w).clone())
        module.weight_v = nn.Parameter(w.clone())

    def normalized_weight(self) -> torch.Tensor:
        """The effective weight g · v / ‖v‖ (shape of ``weight_v``)."""
        return self.weight_v * (self.weight_g / _norm_except_first(self.weight_v))

    def reset_weight_(self, std: float) -> None:
        """Re-initialises the direction from N(0, std²) with the matching magnitude."""
        with torch.no_grad():
            self.weight_v.normal_(0.0, std)
            self.weight_g.copy_(_norm_except_first(self.weight_v))


class WNConv1d(_WeightNormMixin, nn.Conv1d):
    """Weight-normalised Conv1d. Input (B, C_in, T) -> (B, C_out, T')."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._split_weight()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._conv_forward(x, self.normalized_weight(), self.bias)


class WNConv2d(_WeightNormMixin, nn.Conv2d):
    """Weight-normalised Conv2d. Input (B, C_in, H, W) -> (B, C_out, H', W')."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._split_weight()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._conv_forward(x, self.normalized_weight(), self.bias)


class WNConvTranspose1d(_WeightNormMixin, nn.ConvTranspose1d):
    """Weight-normalised ConvTranspose1d. Input (B, C_in, T) -> (B, C_out, T')."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._split_weight()

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return F.conv_transpose1d(x, self.normalized_weight(), self.bias, self.stride, self.padding,
                                  self.output_padding, self.groups, self.dilation)


def get_padding(kernel_size: int, dilation: int = 1) -> int:
    """'Same' padding of an odd kernel with the given dilation."""
    return (kernel_size * dilation - dilation) // 2


def sequence_mask(lengths: torch.Tensor, max_length: int | None = None) -> torch.Tensor:
    """Boolean mask (B, T_max): True for frames inside each sequence."""
    max_length = int(lengths.max()) if max_length is None else max_length
    positions = torch.arange(max_length, dtype=lengths.dtype, device=lengths.device)
    return positions.unsqueeze(0) < lengths.unsqueeze(1)


class ChannelLayerNorm(nn.Module):
    """LayerNorm over the channel axis of (B, C, T), parameters ``gamma``/``beta``."""

    def __init__(self, channels: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.eps = eps
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.layer_norm(x.transpose(1, -1), (x.shape[1],), self.gamma, self.beta, self.eps)
        return x.transpose(1, -1)


class _ReverseGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, scale: float) -> torch.Tensor:  # type: ignore[override]
        ctx.scale = scale
        return x.clone()

    @staticmethod
    def backward(ctx, grad: torch.Tensor):  # type: ignore[override]
        return -ctx.scale * grad, None


class GradientReversal(nn.Module):
    """Identity forward; multiplies the gradient by ``-scale`` backward (Ganin & Lempitsky)."""

    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _ReverseGradient.apply(x, self.scale)
