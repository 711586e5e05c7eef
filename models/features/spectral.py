"""Spectral front ends of the model: the linear spectrogram and the log-mel spectrogram.

Both follow the reference exactly: reflect-pad the waveform by (n_fft - hop) / 2 on both
sides, STFT with a periodic Hann window and ``center=False``, so ``T`` samples give
``T // hop`` frames. The linear spectrogram (posterior-encoder input) uses the magnitude
``sqrt(re² + im² + 1e-6)``; the mel (loss only) uses ``+ 1e-9``, Slaney mel filters and
``log(clamp(x, 1e-5))``.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from models.config import AudioConfig

SPEC_EPS = 1e-6
MEL_EPS = 1e-9
LOG_CLAMP = 1e-5


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    f_sp = 200.0 / 3
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / f_sp
    above = hz >= min_log_hz
    mel[above] = min_log_mel + np.log(hz[above] / min_log_hz) / logstep
    return mel


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    f_sp = 200.0 / 3
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    mel = np.asarray(mel, dtype=np.float64)
    hz = f_sp * mel
    above = mel >= min_log_mel
    hz[above] = min_log_hz * np.exp(logstep * (mel[above] - min_log_mel))
    return hz


@functools.lru_cache(maxsize=8)
def mel_filterbank(sample_rate: int, n_fft: int, n_mels: int, fmin: float, fmax: float) -> np.ndarray:
    """Slaney-normalised triangular mel filters, shape (n_mels, n_fft // 2 + 1), float32.

    Equal to ``librosa.filters.mel(sr=..., n_fft=..., n_mels=..., fmin=..., fmax=...)`` with
    its defaults (``htk=False``, ``norm='slaney'``), computed without librosa.
    """
    fft_freqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sample_rate)
    mel_points = _mel_to_hz(np.linspace(_hz_to_mel(np.array([fmin]))[0], _hz_to_mel(np.array([fmax]))[0],
                                        n_mels + 2))
    fdiff = np.diff(mel_points)
    ramps = np.subtract.outer(mel_points, fft_freqs)
    # Row by row into float32, then normalised in place: librosa's own steps and roundings, so the
    # filters are bit-equal to its (the speaker encoder's parity with the reference depends on it).
    weights = np.zeros((n_mels, len(fft_freqs)), dtype=np.float32)
    for i in range(n_mels):
        weights[i] = np.maximum(0.0, np.minimum(-ramps[i] / fdiff[i], ramps[i + 2] / fdiff[i + 1]))
    weights *= (2.0 / (mel_points[2 : n_mels + 2] - mel_points[:n_mels]))[:, None]
    weights.setflags(write=False)
    return weights


def _stft_power(wav: torch.Tensor, audio: AudioConfig) -> torch.Tensor:
    """|STFT|² of reflect-padded audio: (B, T) -> (B, n_fft // 2 + 1, T // hop)."""
    pad = (audio.n_fft - audio.hop_length) // 2
    x = torch.nn.functional.pad(wav.unsqueeze(1), (pad, pad), mode="reflect").squeeze(1)
    window = torch.hann_window(audio.win_length, dtype=wav.dtype, device=wav.device)
    spec = torch.stft(x, audio.n_fft, hop_length=audio.hop_length, win_length=audio.win_length,
                      window=window, center=False, return_complex=True)
    return spec.real.square() + spec.imag.square()


def linear_spectrogram(wav: torch.Tensor, audio: AudioConfig) -> torch.Tensor:
    """Magnitude spectrogram fed to the posterior encoder.

    Args:
        wav: (B, T) float waveform at ``audio.sample_rate`` in [-1, 1].
        audio: the front-end configuration.

    Returns:
        (B, n_fft // 2 + 1, T // hop) magnitudes, ``sqrt(power + 1e-6)``.
    """
    return torch.sqrt(_stft_power(wav, audio) + SPEC_EPS)


def mel_spectrogram(wav: torch.Tensor, audio: AudioConfig) -> torch.Tensor:
    """Log-mel spectrogram used by the mel L1 loss.

    Args:
        wav: (B, T) float waveform at ``audio.sample_rate``.
        audio: the front-end configuration.

    Returns:
        (B, n_mels, T // hop) natural-log mel magnitudes.
    """
    magnitude = torch.sqrt(_stft_power(wav, audio) + MEL_EPS)
    basis = torch.tensor(mel_filterbank(audio.sample_rate, audio.n_fft, audio.n_mels,
                                            audio.mel_fmin, audio.mel_fmax)).to(wav)
    mel = torch.matmul(basis, magnitude)
    return torch.log(torch.clamp(mel, min=LOG_CLAMP))
