"""The prior's transformer: multi-head self-attention with windowed relative positions.

Relative keys/values (window ``w``, shared across heads) follow Shaw et al. as VITS uses
them: logits gain ``q · r_k[j - i]`` for ``|j - i| <= w``, outputs gain the attention
weights times ``r_v[j - i]``. Masked positions get a logit of -1e4.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from models.nets.nn.layers import ChannelLayerNorm


class RelativeSelfAttention(nn.Module):
    """Self-attention over (B, C, T) with relative position embeddings (window ``window``)."""

    def __init__(self, channels: int, n_heads: int, window: int, p_dropout: float = 0.0) -> None:
        super().__init__()
        if channels % n_heads:
            raise ValueError("channels must be divisible by n_heads")
        self.n_heads = n_heads
        self.head_dim = channels // n_heads
        self.window = window
        self.conv_q = nn.Conv1d(channels, channels, 1)
        self.conv_k = nn.Conv1d(channels, channels, 1)
        self.conv_v = nn.Conv1d(channels, channels, 1)
        self.conv_o = nn.Conv1d(channels, channels, 1)
        self.drop = nn.Dropout(p_dropout)
        std = self.head_dim**-0.5
        self.emb_rel_k = nn.Parameter(torch.randn(1, 2 * window + 1, self.head_dim) * std)
        self.emb_rel_v = nn.Parameter(torch.randn(1, 2 * window + 1, self.head_dim) * std)
        for conv in (self.conv_q, self.conv_k, self.conv_v):
            nn.init.xavier_uniform_(conv.weight)

    def _relative_table(self, table: torch.Tensor, length: int) -> torch.Tensor:
        """Embeddings for offsets -(length-1)..(length-1): (1, 2·length - 1, head_dim)."""
        pad = max(length - (self.window + 1), 0)
        start = max((self.window + 1) - length, 0)
        if pad:
            table = F.pad(table, (0, 0, pad, pad))
        return table[:, start : start + 2 * length - 1]

    @staticmethod
    def _relative_to_absolute(x: torch.Tensor) -> torch.Tensor:
        """(B, H, T, 2T-1) relative logits -> (B, H, T, T) absolute."""
        b, h, t, _ = x.shape
        x = F.pad(x, (0, 1)).reshape(b, h, 2 * t * t)
        x = F.pad(x, (0, t - 1)).reshape(b, h, t + 1, 2 * t - 1)
        return x[:, :, :t, t - 1 :]

    @staticmethod
    def _absolute_to_relative(x: torch.Tensor) -> torch.Tensor:
        """(B, H, T, T) absolute weights -> (B, H, T, 2T-1) relative."""
        b, h, t, _ = x.shape
        x = F.pad(x, (0, t - 1)).reshape(b, h, t * t + t * (t - 1))
        x = F.pad(x, (t, 0)).reshape(b, h, t, 2 * t)
        return x[:, :, :, 1:]

    def forward(self, x: torch.Tensor, attn_mask: torch.Tensor) -> torch.Tensor:
        """x: (B, C, T); attn_mask: (B, 1, T, T) of 0/1 -> (B, C, T)."""
        b, c, t = x.shape
        q = self.conv_q(x).view(b, self.n_heads, self.head_dim, t).transpose(2, 3)
        k = self.conv_k(x).view(b, self.n_heads, self.head_dim, t).transpose(2, 3)
        v = self.conv_v(x).view(b, self.n_heads, self.head_dim, t).transpose(2, 3)
        q = q / math.sqrt(self.head_dim)
        scores = torch.matmul(q, k.transpose(-2, -1))
        rel_k = self._relative_table(self.emb_rel_k, t)
        scores = scores + self._relative_to_absolute(torch.matmul(q, rel_k.unsqueeze(0).transpose(-2, -1)))
        scores = scores.masked_fill(attn_mask == 0, -1e4)
        weights = self.drop(F.softmax(scores, dim=-1))
        out = torch.matmul(weights, v)
        rel_v = self._relative_table(self.emb_rel_v, t)
        out = out + torch.matmul(self._absolute_to_relative(weights), rel_v.unsqueeze(0))
        return self.conv_o(out.transpose(2, 3).reshape(b, c, t))


class FeedForward(nn.Module):
    """Two 'same'-padded convolutions with ReLU, masked: (B, C, T) -> (B, C, T)."""

    def __init__(self, channels: int, filter_channels: int, kernel_size: int, p_dropout: float = 0.0) -> None:
        super().__init__()
        self.pad = ((kernel_size - 1) // 2, kernel_size // 2)
        self.conv_1 = nn.Conv1d(channels, filter_channels, kernel_size)
        self.conv_2 = nn.Conv1d(filter_channels, channels, kernel_size)
        self.drop = nn.Dropout(p_dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.conv_1(F.pad(x * mask, self.pad)))
        x = self.conv_2(F.pad(self.drop(x) * mask, self.pad))
        return x * mask


class TransformerEncoder(nn.Module):
    """Post-norm transformer stack (attention + feed-forward), masked: (B, C, T) -> (B, C, T)."""

    def __init__(self, channels: int, filter_channels: int, n_heads: int, n_layers: int,
                 kernel_size: int, p_dropout: float, window: int) -> None:
        super().__init__()
        self.drop = nn.Dropout(p_dropout)
        self.attn_layers = nn.ModuleList(
            RelativeSelfAttention(channels, n_heads, window, p_dropout) for _ in range(n_layers))
        self.norm_layers_1 = nn.ModuleList(ChannelLayerNorm(channels) for _ in range(n_layers))
        self.ffn_layers = nn.ModuleList(
            FeedForward(channels, filter_channels, kernel_size, p_dropout) for _ in range(n_layers))
        self.norm_layers_2 = nn.ModuleList(ChannelLayerNorm(channels) for _ in range(n_layers))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """x: (B, C, T); mask: (B, 1, T) float."""
        attn_mask = mask.unsqueeze(2) * mask.unsqueeze(-1)
        x = x * mask
        for attn, norm_1, ffn, norm_2 in zip(self.attn_layers, self.norm_layers_1,
                                             self.ffn_layers, self.norm_layers_2):
            x = norm_1(x + self.drop(attn(x, attn_mask)))
            x = norm_2(x + self.drop(ffn(x, mask)))
        return x * mask
