"""The VITS generator of whisper-vits-svc: prior, posterior, flow, decoder, speaker classifier.

Two assemblies share the same parts and state-dict key names as the reference files:

- :class:`SynthesizerTrain` (training generator; ``model_g`` of training checkpoints and of
  the published pretrain): ``emb_g``, ``enc_p``, ``speaker_classifier``, ``enc_q``, ``flow``,
  ``dec``.
- :class:`SynthesizerInfer` (inference generator; ``model_g`` of exported voices):
  ``enc_p``, ``flow``, ``dec``.

Shapes: content features are channels-first, ppg (B, ppg_dim, T) and vec (B, vec_dim, T),
already at the model's frame rate (100 Hz); F0 (B, T) in Hz; speaker (B, spk_dim).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from models.config import VoiceConfig
from models.nets.coarse_pitch import f0_to_coarse
from models.nets.decoder import Decoder
from models.nets.nn.attention import TransformerEncoder
from models.nets.nn.flow import ResidualCouplingFlow
from models.nets.nn.layers import GradientReversal, WNConv1d, sequence_mask
from models.nets.nn.wavenet import WaveNet


def frame_mask(lengths: torch.Tensor, frames: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """(B,) lengths -> (B, 1, frames) float mask."""
    return sequence_mask(lengths, frames).unsqueeze(1).to(dtype)


@dataclass
class PriorOutput:
    """Prior encoder results: mean/log-σ (B, inter, T), mask (B, 1, T), hidden (B, hidden, T)."""

    mean: torch.Tensor
    logs: torch.Tensor
    mask: torch.Tensor
    hidden: torch.Tensor

    def sample(self, noise_scale: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
        """z = (mean + noise_scale · N(0, 1) · exp(logs)) · mask."""
        if not noise_scale:
            return self.mean * self.mask
        eps = torch.randn(self.mean.shape, device=self.mean.device, dtype=self.mean.dtype, generator=generator)
        return (self.mean + noise_scale * eps * torch.exp(self.logs)) * self.mask


class PriorEncoder(nn.Module):
    """Content (PPG + vec) and coarse pitch -> prior distribution over the latent."""

    def __init__(self, config: VoiceConfig) -> None:
        super().__init__()
        m = config.model
        self.pitch_config = config.pitch
        self.out_channels = m.inter_channels
        k = m.content_kernel_size
        self.pre = nn.Conv1d(m.ppg_dim, m.hidden_channels, k, padding=k // 2)
        self.hub = nn.Conv1d(m.vec_dim, m.hidden_channels, k, padding=k // 2)
        self.pit = nn.Embedding(config.pitch.coarse_bins, m.hidden_channels)
        self.enc = TransformerEncoder(m.hidden_channels, m.filter_channels, m.n_heads, m.n_layers,
                                      m.kernel_size, m.p_dropout, m.attention_window)
        self.proj = nn.Conv1d(m.hidden_channels, 2 * m.inter_channels, 1)

    def forward(self, ppg: torch.Tensor, vec: torch.Tensor, f0: torch.Tensor,
                lengths: torch.Tensor) -> PriorOutput:
        """ppg (B, ppg_dim, T), vec (B, vec_dim, T), f0 (B, T) Hz, lengths (B,) frames."""
        mask = frame_mask(lengths, ppg.shape[-1], ppg.dtype)
        x = self.pre(ppg) * mask
        x = x + self.hub(vec) * mask + self.pit(f0_to_coarse(f0, self.pitch_config)).transpose(1, 2)
        hidden = self.enc(x * mask, mask)
        stats = self.proj(hidden) * mask
        mean, logs = torch.split(stats, self.out_channels, dim=1)
        return PriorOutput(mean, logs, mask, hidden)


class PosteriorEncoder(nn.Module):
    """Linear spectrogram (B, 513, T) + speaker condition -> posterior mean/log-σ (B, inter, T)."""

    def __init__(self, config: VoiceConfig) -> None:
        super().__init__()
        m = config.model
        self.out_channels = m.inter_channels
        self.pre = nn.Conv1d(config.audio.spec_channels, m.hidden_channels, 1)
        self.enc = WaveNet(m.hidden_channels, m.posterior_kernel_size, 1, m.posterior_layers,
                           gin_channels=m.gin_channels)
        self.proj = nn.Conv1d(m.hidden_channels, 2 * m.inter_channels, 1)

    def forward(self, spec: torch.Tensor, lengths: torch.Tensor,
                g: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Returns (mean, logs, mask (B, 1, T)); g is (B, gin, 1)."""
        mask = frame_mask(lengths, spec.shape[-1], spec.dtype)
        x = self.enc(self.pre(spec) * mask, mask, g=g)
        stats = self.proj(x) * mask
        mean, logs = torch.split(stats, self.out_channels, dim=1)
        return mean, logs, mask


class SpeakerClassifier(nn.Module):
    """Predicts the speaker vector from prior hidden states through gradient reversal.

    Trained with a cosine loss; the reversed gradient pushes speaker identity out of the
    content path. (B, hidden, T) -> (B, spk_dim), averaged over time.
    """

    def __init__(self, hidden_channels: int, spk_dim: int) -> None:
        super().__init__()
        self.classifier = nn.Sequential(
            GradientReversal(1.0),
            WNConv1d(hidden_channels, hidden_channels, 5, padding=2),
            nn.ReLU(),
            WNConv1d(hidden_channels, hidden_channels, 5, padding=2),
            nn.ReLU(),
            WNConv1d(hidden_channels, spk_dim, 5, padding=2),
        )

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.classifier(hidden).mean(dim=-1)


def _build_flow(config: VoiceConfig) -> ResidualCouplingFlow:
    m = config.model
    return ResidualCouplingFlow(m.inter_channels, m.hidden_channels, m.flow_kernel_size, m.flow_layers,
                                m.flow_steps, m.spk_dim)


@dataclass
class TrainOutput:
    """Everything a training step needs from one generator forward pass."""

    audio: torch.Tensor  # (B, 1, segment_frames · hop) decoded segment
    ids_slice: torch.Tensor  # (B,) start frame of each segment
    mask: torch.Tensor  # (B, 1, T)
    z_f: torch.Tensor  # flow(z_q)
    z_r: torch.Tensor  # flow⁻¹(z_p)
    z_p: torch.Tensor
    m_p: torch.Tensor
    logs_p: torch.Tensor
    z_q: torch.Tensor
    m_q: torch.Tensor
    logs_q: torch.Tensor
    logdet_f: torch.Tensor  # (B,)
    logdet_r: torch.Tensor  # (B,)
    spk_pred: torch.Tensor  # (B, spk_dim)


def random_segments(lengths: torch.Tensor, segment_frames: int,
                    generator: torch.Generator | None = None) -> torch.Tensor:
    """Random start frames (B,) so that [start, start + segment) lies inside each sequence."""
    span = (lengths - segment_frames + 1).clamp(min=1)
    rand = torch.rand(lengths.shape, device=lengths.device, generator=generator)
    return (rand * span).long()


def slice_segments(x: torch.Tensor, starts: torch.Tensor, size: int) -> torch.Tensor:
    """Cuts x (B, ..., T) at ``starts`` (B,) to (B, ..., size); zero-pads past the end."""
    if x.shape[-1] < int(starts.max()) + size:
        x = F.pad(x, (0, int(starts.max()) + size - x.shape[-1]))
    index = starts.view(-1, *([1] * (x.dim() - 1))) + torch.arange(size, device=x.device)
    index = index.expand(*x.shape[:-1], size)
    return torch.gather(x, -1, index)


class SynthesizerTrain(nn.Module):
    """Training generator (see module docstring)."""

    def __init__(self, config: VoiceConfig) -> None:
        super().__init__()
        self.config = config
        m = config.model
        self.emb_g = nn.Linear(m.spk_dim, m.gin_channels)
        self.enc_p = PriorEncoder(config)
        self.speaker_classifier = SpeakerClassifier(m.hidden_channels, m.spk_dim)
        self.enc_q = PosteriorEncoder(config)
        self.flow = _build_flow(config)
        self.dec = Decoder(m, config.audio.sample_rate)

    def speaker_condition(self, spk: torch.Tensor) -> torch.Tensor:
        """g = Linear(normalise(spk)): (B, spk_dim) -> (B, gin, 1)."""
        return self.emb_g(F.normalize(spk)).unsqueeze(-1)

    def forward(self, ppg: torch.Tensor, vec: torch.Tensor, f0: torch.Tensor, spec: torch.Tensor,
                spk: torch.Tensor, lengths: torch.Tensor,
                generator: torch.Generator | None = None, deterministic: bool = False) -> TrainOutput:
        """One training pass with the reference's perturbations and sampling.

        Args:
            ppg: (B, ppg_dim, T); vec: (B, vec_dim, T); f0: (B, T) Hz (0 = unvoiced);
            spec: (B, 513, T) linear spectrogram; spk: (B, spk_dim); lengths: (B,) frames.
            generator: optional RNG for every random draw (reproducible runs).
            deterministic: no random draw at all (the reference vectors' ``expected_train``):
                no perturbations, z_p and z_q are the means, segments start at frame 0, no
                decoder-input noise, noiseless zero-phase NSF source. Dropout is the caller's.
        """
        t = self.config.train

        def noise(x: torch.Tensor) -> torch.Tensor:
            if deterministic:
                return torch.zeros_like(x)
            return torch.randn(x.shape, device=x.device, dtype=x.dtype, generator=generator)

        ppg = ppg + noise(ppg) * t.ppg_noise
        vec = vec + noise(vec) * t.vec_noise
        prior = self.enc_p(ppg, vec, f0, lengths)
        z_p = prior.sample(0.0 if deterministic else 1.0, generator)
        m_q, logs_q, mask = self.enc_q(spec, lengths, self.speaker_condition(spk))
        z_q = (m_q + noise(m_q) * torch.exp(logs_q)) * mask

        segment = self.config.segment_frames
        if deterministic:
            ids = torch.zeros_like(lengths, dtype=torch.long)
        else:
            ids = random_segments(lengths, segment, generator)
        z_slice = slice_segments(z_q, ids, segment)
        f0_slice = slice_segments(f0, ids, segment)
        audio = self.dec(z_slice, spk, f0_slice, noise_scale=0.0 if deterministic else t.decoder_noise,
                         deterministic=deterministic, generator=generator)

        z_f, logdet_f = self.flow(z_q, mask, spk)
        z_r, logdet_r = self.flow(z_p, mask, spk, reverse=True)
        spk_pred = self.speaker_classifier(prior.hidden)
        return TrainOutput(audio, ids, mask, z_f, z_r, z_p, prior.mean, prior.logs, z_q, m_q, logs_q,
                           logdet_f, logdet_r, spk_pred)

    def inference_state_dict(self) -> dict[str, torch.Tensor]:
        """The weights an exported voice keeps (``enc_p``, ``flow``, ``dec``)."""
        keep = ("enc_p.", "flow.", "dec.")
        return {k: v for k, v in self.state_dict().items() if k.startswith(keep)}


class SynthesizerInfer(nn.Module):
    """Inference generator: content + F0 + speaker -> audio."""

    def __init__(self, config: VoiceConfig, enc_p: PriorEncoder | None = None, flow: nn.Module | None = None,
                 dec: Decoder | None = None) -> None:
        """Builds fresh modules for ``config``, or uses the given ones (see :meth:`sharing`)."""
        super().__init__()
        self.config = config
        self.enc_p = enc_p if enc_p is not None else PriorEncoder(config)
        self.flow = flow if flow is not None else _build_flow(config)
        self.dec = dec if dec is not None else Decoder(config.model, config.audio.sample_rate)

    @classmethod
    def sharing(cls, generator: SynthesizerTrain) -> SynthesizerInfer:
        """The inference path of a training generator: its prior encoder, flow and decoder, shared
        (no copy; training it trains this view, and nothing is allocated)."""
        return cls(generator.config, enc_p=generator.enc_p, flow=generator.flow, dec=generator.dec)

    def latent(self, ppg: torch.Tensor, vec: torch.Tensor, f0: torch.Tensor, spk: torch.Tensor,
               lengths: torch.Tensor, noise_scale: float = 1.0,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """Decoder input z (B, inter, T): prior sample through the inverse flow, masked."""
        prior = self.enc_p(ppg, vec, f0, lengths)
        z, _ = self.flow(prior.sample(noise_scale, generator), prior.mask, spk, reverse=True)
        return z * prior.mask

    def forward(self, ppg: torch.Tensor, vec: torch.Tensor, f0: torch.Tensor, spk: torch.Tensor,
                lengths: torch.Tensor | None = None, noise_scale: float = 1.0, deterministic: bool = False,
                generator: torch.Generator | None = None) -> torch.Tensor:
        """Converts one batch.

        Args:
            ppg: (B, ppg_dim, T); vec: (B, vec_dim, T); f0: (B, T) Hz; spk: (B, spk_dim).
            lengths: (B,) valid frames (default: all T).
            noise_scale: scale of the prior sample (reference: 1.0).
            deterministic: no random draw at all (prior mean, fixed-phase noiseless source).

        Returns:
            (B, 1, T · hop) audio.
        """
        if lengths is None:
            lengths = torch.full((ppg.shape[0],), ppg.shape[-1], dtype=torch.long, device=ppg.device)
        scale = 0.0 if deterministic else noise_scale
        z = self.latent(ppg, vec, f0, spk, lengths, scale, generator)
        return self.dec(z, spk, f0, deterministic=deterministic, generator=generator)


