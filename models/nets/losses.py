"""Training losses of whisper-vits-svc, with the reference's formulas.

Generator total (weights from :class:`models.config.TrainConfig`):
``adv + fm + c_mel·mel + c_stft·(sc + mag) + c_kl·kl_f + c_kl·c_kl_reverse·kl_r + c_spk·spk``.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from models.nets.discriminators import DiscOutput


def generator_adversarial_loss(fake: list[DiscOutput]) -> torch.Tensor:
    """LSGAN generator score: mean over discriminators of mean((D(G(x)) - 1)²)."""
    return sum(torch.mean((score.float() - 1.0) ** 2) for _, score in fake) / len(fake)


def feature_matching_loss(fake: list[DiscOutput], real: list[DiscOutput]) -> torch.Tensor:
    """2 · Σ_maps mean|f_fake - f_real| / number of discriminators (real maps detached)."""
    total = sum(torch.mean(torch.abs(f.float() - r.float().detach()))
                for (f_maps, _), (r_maps, _) in zip(fake, real) for f, r in zip(f_maps, r_maps))
    return 2.0 * total / len(fake)


def discriminator_loss(fake: list[DiscOutput], real: list[DiscOutput]) -> torch.Tensor:
    """LSGAN discriminator loss: mean over discriminators of mean((D(x)-1)²) + mean(D(G(x))²)."""
    total = sum(torch.mean((r.float() - 1.0) ** 2) + torch.mean(f.float() ** 2)
                for (_, f), (_, r) in zip(fake, real))
    return total / len(fake)


def _stft_magnitude(x: torch.Tensor, n_fft: int, hop: int, win: int) -> torch.Tensor:
    window = torch.hann_window(win, device=x.device, dtype=x.dtype)
    spec = torch.stft(x, n_fft, hop_length=hop, win_length=win, window=window, return_complex=True)
    return torch.sqrt(torch.clamp(spec.real.square() + spec.imag.square(), min=1e-7)).transpose(2, 1)


def multi_resolution_stft_loss(fake: torch.Tensor, real: torch.Tensor,
                               resolutions: tuple[tuple[int, int, int], ...]) -> tuple[torch.Tensor, torch.Tensor]:
    """Spectral convergence and log-magnitude L1, averaged over STFT resolutions.

    Args:
        fake, real: (B, L) audio.
        resolutions: (n_fft, hop, win) triples (Hann windows, centred frames).

    Returns:
        (spectral convergence, log-magnitude loss), both scalars.
    """
    sc = fake.new_zeros(())
    mag = fake.new_zeros(())
    for n_fft, hop, win in resolutions:
        x = _stft_magnitude(fake.float(), n_fft, hop, win)
        y = _stft_magnitude(real.float(), n_fft, hop, win)
        sc = sc + torch.linalg.norm(y - x) / torch.linalg.norm(y)
        mag = mag + F.l1_loss(torch.log(y), torch.log(x))
    return sc / len(resolutions), mag / len(resolutions)


def kl_loss(z: torch.Tensor, logs_q: torch.Tensor, m_p: torch.Tensor, logs_p: torch.Tensor,
            logdet: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """KL through the flow, per masked frame and channel.

    ``Σ(logs_p - logs_q - ½ + ½ (z - m_p)² e^(-2 logs_p)) · mask - Σ logdet``, over ``Σ mask``.
    Used both ways: forward (z = flow(z_q) against the prior) and reverse
    (z = flow⁻¹(z_p) against the posterior, with the roles of the two swapped).
    All tensors (B, C, T) except logdet (B,) and mask (B, 1, T).
    """
    z, logs_q, m_p, logs_p, mask = (t.float() for t in (z, logs_q, m_p, logs_p, mask))
    kl = logs_p - logs_q - 0.5 + 0.5 * (z - m_p) ** 2 * torch.exp(-2.0 * logs_p)
    return (torch.sum(kl * mask) - torch.sum(logdet.float())) / torch.sum(mask)


def speaker_loss(spk: torch.Tensor, spk_pred: torch.Tensor) -> torch.Tensor:
    """Cosine embedding loss with target +1: mean(1 - cos(spk, spk_pred))."""
    return torch.mean(1.0 - F.cosine_similarity(spk.float(), spk_pred.float(), dim=-1, eps=1e-8))


def mel_loss(mel_fake: torch.Tensor, mel_real: torch.Tensor) -> torch.Tensor:
    """L1 between log-mel spectrograms."""
    return F.l1_loss(mel_fake, mel_real)
