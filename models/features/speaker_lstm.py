"""The so-vits-svc-5.0 speaker encoder: its LSTM d-vector, front end and averages, as the reference.

so-vits-svc-5.0 conditions its pretrain on a 256-d vector from its own speaker encoder
(``speaker/`` there, weights ``speaker_pretrain/best_model.pth.tar``), not resemblyzer's; voices
made for or from the pretrain must use this one. Everything here follows the reference's code
(see ``shared/reference/README.md``, "Speaker encoder and feature retrieval"):

- :func:`reference_mel`: 16 kHz mono -> drop 10 ms at each end, ``librosa.effects.trim``'s rule (60 dB,
  frame 1024, hop 256) -> peak normalise to 0.95 -> pre-emphasis 0.98 -> STFT magnitude (n_fft 1024,
  hop 256, periodic Hann, reflect padding) -> slaney mel (80 bands, 0-8 kHz) -> dB -> symmetric
  normalisation to [-4, 4]. float64 from the pre-emphasis on, float32 at the end, like the reference.
  Written with numpy/scipy only: librosa's effects module imports scikit-learn, which the frozen app
  leaves out; the tests check trim, filterbank and STFT against librosa itself.
- :class:`LSTMSpeakerNet`: 3 x [LSTM(768) -> Linear(768 -> 256, no bias)], the reference's key names
  (``layers.{i}.lstm.weight_ih_l0``, ``layers.{i}.linear.weight``), so its state dict loads strictly.
- :meth:`LSTMSpeakerNet.compute_embedding`: 10 windows of up to 250 frames, each the L2-normalised
  last step of the last projection; the clip vector is their mean, **not** renormalised.
- :func:`singer_average`: the singer's vector, the plain float32 mean of the clip vectors, **not**
  renormalised (``prepare/preprocess_speaker_ave.py``).

:class:`Sovits5SpeakerEncoder` puts these behind the interface of
:class:`models.features.speaker.SpeakerEncoder` (``embed``, ``average``, ``describe``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from models.features.spectral import mel_filterbank

SAMPLE_RATE = 16000
N_MELS = 80
PROJ_DIM = 256
LSTM_DIM = 768
NUM_LAYERS = 3
NUM_FRAMES = 250
NUM_EVAL = 10
ASSET_NAME = "sovits5-speaker-encoder"


@dataclass(frozen=True)
class FrontEnd:
    """The reference AudioProcessor's settings that matter (``speaker_pretrain/config.json``)."""

    sample_rate: int = SAMPLE_RATE
    fft_size: int = 1024
    win_length: int = 1024
    hop_length: int = 256
    num_mels: int = N_MELS
    mel_fmin: float = 0.0
    mel_fmax: float = 8000.0
    preemphasis: float = 0.98
    trim_margin: int = 160  # int(sample_rate * 0.01): dropped from each end before trimming
    trim_db: float = 60.0
    peak: float = 0.95
    ref_level_db: float = 20.0
    min_level_db: float = -100.0
    max_norm: float = 4.0
    min_amp: float = 1e-5


FRONT_END = FrontEnd()


@dataclass(frozen=True)
class MelTrace:
    """Every step of :func:`reference_mel` (for the parity checks and debugging).

    Attributes:
        trim_start, trim_end: kept = wave[trim_start:trim_end] (indices include the 10 ms margin).
        loaded: (L,) float32, trimmed and peak-normalised.
        preemph: (L,) float64.
        stft_mag: (513, T) float64, T = 1 + L // 256.
        mel_amp: (80, T) float64.
        mel_db: (80, T) float64, 20·log10(max(1e-5, mel_amp)).
        mel: (1, T, 80) float32, the encoder's input.
    """

    trim_start: int
    trim_end: int
    loaded: np.ndarray
    preemph: np.ndarray
    stft_mag: np.ndarray
    mel_amp: np.ndarray
    mel_db: np.ndarray
    mel: np.ndarray




def mel_basis(fe: FrontEnd = FRONT_END) -> np.ndarray:
    """(80, 513) float32 slaney-scale, slaney-normalised triangular filterbank, bit-equal to
    ``librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax)`` (librosa's effects module imports
    scikit-learn, which the frozen app leaves out). Cached by :func:`spectral.mel_filterbank`."""
    return mel_filterbank(fe.sample_rate, fe.fft_size, fe.num_mels, fe.mel_fmin, fe.mel_fmax)


def _frames(x: np.ndarray, frame: int, hop: int) -> np.ndarray:
    """(1 + (len(x) - frame) // hop, frame) view of ``x``'s frames."""
    return np.lib.stride_tricks.sliding_window_view(x, frame)[::hop]


def trim_silence(wave: np.ndarray, fe: FrontEnd = FRONT_END) -> tuple[int, int]:
    """The reference's silence trim: 10 ms off each end, then ``librosa.effects.trim(top_db=60,
    frame_length=1024, hop_length=256)`` (same computation, in float32 like librosa's).

    Frame power = mean(y²) over 1024-sample frames of the signal zero-padded by 512 each side, hop
    256; a frame is kept when 10·log10(max(1e-10, p)) − 10·log10(max(1e-10, max p)) > −60 dB.

    Args:
        wave: (N,) float32 at 16 kHz.

    Returns:
        (start, end): the kept samples are ``wave[start:end]`` (start == end when all is silent).
    """
    m = fe.trim_margin
    y = np.asarray(wave[m:-m] if m else wave, dtype=np.float32)
    half = fe.win_length // 2
    padded = np.pad(y, (half, half), mode="constant")
    power = np.mean(np.abs(_frames(padded, fe.win_length, fe.hop_length)) ** 2, axis=-1)
    rms = np.sqrt(power)
    ref = np.max(rms) if len(rms) else np.float32(0.0)
    db = 10.0 * np.log10(np.maximum(1e-10, rms ** 2)) - 10.0 * np.log10(np.maximum(1e-10, ref ** 2))
    keep = np.flatnonzero(db > -fe.trim_db)
    if keep.size == 0:
        return m, m
    start = int(keep[0]) * fe.hop_length
    end = min(len(y), (int(keep[-1]) + 1) * fe.hop_length)
    return m + start, m + end


def stft_magnitude(y: np.ndarray, fe: FrontEnd = FRONT_END) -> np.ndarray:
    """|STFT| as ``librosa.stft(center=True, pad_mode="reflect", window="hann")`` computes it.

    Args:
        y: (L,) float64.

    Returns:
        (513, 1 + L // 256) float64.
    """
    import scipy.signal

    half = fe.fft_size // 2
    padded = np.pad(y, (half, half), mode="reflect")
    window = scipy.signal.get_window("hann", fe.win_length, fftbins=True)  # periodic
    frames = _frames(padded, fe.fft_size, fe.hop_length)
    return np.abs(np.fft.rfft(window * frames, axis=-1)).T


def reference_mel(wave: np.ndarray, fe: FrontEnd = FRONT_END) -> MelTrace:
    """The encoder's input from a 16 kHz clip, step by step as the reference computes it.

    Args:
        wave: (N,) mono at 16 kHz (cast to float32, as ``librosa.load`` gives).

    Returns:
        :class:`MelTrace`; ``.mel`` is (1, T, 80) float32 with T = 1 + L // 256.

    Raises:
        ValueError: the clip is silent after trimming (the reference divides by zero: NaN).
    """
    import scipy.signal

    wave = np.ascontiguousarray(wave, dtype=np.float32)
    if wave.ndim != 1 or len(wave) <= 2 * fe.trim_margin + 1:
        raise ValueError(f"a speaker clip must be mono with more than {2 * fe.trim_margin + 1} samples")
    start, end = trim_silence(wave, fe)
    x = wave[start:end]
    peak = float(np.abs(x).max()) if len(x) else 0.0
    if not peak > 0.0:
        raise ValueError("cannot embed a silent clip")
    x = x / np.abs(x).max() * np.float32(fe.peak)  # float32, divide then scale, as the reference
    y = scipy.signal.lfilter([1.0, -fe.preemphasis], [1.0], x)  # float64 from here
    mag = stft_magnitude(y, fe)
    mel_amp = np.dot(mel_basis(fe), mag)
    mel_db = 20.0 * np.log10(np.maximum(fe.min_amp, mel_amp))
    s = mel_db - fe.ref_level_db
    s = ((2 * fe.max_norm) * ((s - fe.min_level_db) / (-fe.min_level_db))) - fe.max_norm
    s = np.clip(s, -fe.max_norm, fe.max_norm)
    mel = np.ascontiguousarray(s.astype(np.float32).T[None])
    return MelTrace(start, end, x, y, mag, mel_amp, mel_db, mel)


class LSTMWithProjection(nn.Module):
    """One reference layer: LSTM (1 layer, batch first, zero initial state) -> Linear without bias.

    Shapes: (B, T, in) -> (B, T, proj).
    """

    def __init__(self, input_size: int, hidden_size: int, proj_size: int) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.linear = nn.Linear(hidden_size, proj_size, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.linear(out)


class LSTMSpeakerNet(nn.Module):
    """The reference's ``LSTMSpeakerEncoder`` (with projection), in its key layout.

    Keys: ``layers.{0,1,2}.lstm.{weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0}``,
    ``layers.{0,1,2}.linear.weight``; 9,504,768 values at the default sizes.
    """

    def __init__(self, input_dim: int = N_MELS, proj_dim: int = PROJ_DIM, lstm_dim: int = LSTM_DIM,
                 num_lstm_layers: int = NUM_LAYERS) -> None:
        super().__init__()
        dims = [input_dim] + [proj_dim] * (num_lstm_layers - 1)
        self.layers = nn.Sequential(*[LSTMWithProjection(d, lstm_dim, proj_dim) for d in dims])

    def layer_outputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Each layer's projection output. x: (B, T, 80) -> 3 tensors (B, T, 256)."""
        outs = []
        for layer in self.layers:
            x = layer(x)
            outs.append(x)
        return outs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, T, 80) mel -> (B, 256): the last step of the last projection, L2-normalised."""
        return torch.nn.functional.normalize(self.layers(x)[:, -1], p=2, dim=1)

    @staticmethod
    def window_starts(frames: int, num_frames: int = NUM_FRAMES,
                      num_eval: int = NUM_EVAL) -> tuple[np.ndarray, int]:
        """The reference's window offsets: (num_eval,) int64 starts and the window length."""
        nf = min(num_frames, frames)
        starts = np.linspace(0, frames - nf, num=num_eval).astype(np.int64)  # float64, truncated
        return starts, nf

    @torch.no_grad()
    def compute_embedding(self, mel: torch.Tensor, num_frames: int = NUM_FRAMES, num_eval: int = NUM_EVAL,
                          return_windows: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """The clip's d-vector from its mel.

        Args:
            mel: (1, T, 80) float32.
            return_windows: also return the (num_eval, 256) unit window vectors.

        Returns:
            (256,) mean of the unit window vectors (not renormalised), and the windows if asked.
        """
        starts, nf = self.window_starts(int(mel.shape[1]), num_frames, num_eval)
        batch = torch.cat([mel[:, int(s): int(s) + nf] for s in starts], dim=0)
        windows = self(batch)
        mean = windows.mean(dim=0)
        return (mean, windows) if return_windows else mean


def state_from_checkpoint(obj: Any, where: str) -> dict[str, torch.Tensor]:
    """The network's state dict from what ``best_model.pth.tar`` unpickles to.

    The reference saves ``{"model": state_dict, "optimizer": ..., "step": ..., ...}``; a bare
    state dict is accepted too.

    Raises:
        models.formats.safeload.LoadError: neither layout.
    """
    from models.formats.safeload import LoadError

    state = obj.get("model", obj) if isinstance(obj, Mapping) else None
    if not isinstance(state, Mapping) or not state or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        raise LoadError(f"{where} is not a so-vits-svc-5.0 speaker encoder file "
                        "(no 'model' state dict of tensors in it)")
    return dict(state)


def load_speaker_net(path: str | os.PathLike[str], device: torch.device | str = "cpu") -> LSTMSpeakerNet:
    """Builds :class:`LSTMSpeakerNet` from ``best_model.pth.tar`` (opened with ``weights_only=True``).

    Raises:
        models.formats.safeload.LoadError: not a weights file, a pickle with code in it, or weights
            that do not fit (one line naming the file and the problem).
    """
    from models.formats.safeload import check_fits, load_strict, safe_torch_load

    where = os.fspath(path)
    state = state_from_checkpoint(safe_torch_load(path, "so-vits-svc-5.0 speaker encoder"), where)
    check_fits(LSTMSpeakerNet, state, where)
    net = LSTMSpeakerNet()
    load_strict(net, {k: v.float() for k, v in state.items()}, where)
    return net.to(device).eval()


def singer_average(embeddings: Sequence[np.ndarray]) -> np.ndarray:
    """The reference's singer vector: float32 sum in the given order divided by N, not renormalised.

    Args:
        embeddings: N clip vectors (256,).

    Returns:
        (256,) float32.

    Raises:
        ValueError: no embeddings.
    """
    if not embeddings:
        raise ValueError("no speaker embeddings to average")
    total = np.zeros_like(np.asarray(embeddings[0], dtype=np.float32))
    for e in embeddings:
        total = total + np.asarray(e, dtype=np.float32)
    return (total / np.float32(len(embeddings))).astype(np.float32)


class Sovits5SpeakerEncoder:
    """The reference encoder behind :class:`models.features.speaker.SpeakerEncoder`'s interface.

    Args:
        weights: ``best_model.pth.tar`` (the ``sovits5-speaker-encoder`` asset); loaded on first use.
        device: where the LSTM runs.
    """

    name = "sovits5-lstm"
    version = "sovits5-lstm-1"
    dim = PROJ_DIM
    sample_rate = SAMPLE_RATE
    asset = ASSET_NAME

    def __init__(self, weights: str | os.PathLike[str], device: torch.device | str = "cpu") -> None:
        self.weights = os.fspath(weights)
        self.device = torch.device(device)
        self._net: LSTMSpeakerNet | None = None

    def _load(self) -> LSTMSpeakerNet:
        if self._net is None:
            self._net = load_speaker_net(self.weights, self.device)
        return self._net

    def embed(self, wave: np.ndarray) -> np.ndarray:
        """The reference's per-clip vector (what its ``<clip>.spk.npy`` holds).

        Args:
            wave: (T,) float32 mono at 16 kHz.

        Returns:
            (256,) float32, norm <= 1 (the mean of 10 unit window vectors).

        Raises:
            ValueError: the clip is silent, shorter than 0.1 s, not mono, or not finite (the reference
                would give NaN).
        """
        wave = np.asarray(wave, dtype=np.float32)
        if wave.ndim != 1 or not np.all(np.isfinite(wave)):
            raise ValueError("cannot embed a clip that is not mono or holds NaN/infinite samples")
        if len(wave) < SAMPLE_RATE // 10 or not np.any(np.abs(wave) > 1e-4):
            raise ValueError("cannot embed a silent or empty clip")
        mel = torch.from_numpy(reference_mel(wave).mel).to(self.device)
        return self._load().compute_embedding(mel).cpu().numpy().astype(np.float32)

    def average(self, embeddings: Sequence[np.ndarray], weights: Sequence[float] | None = None) -> np.ndarray:
        """The voice's vector as the reference makes it: :func:`singer_average` (``weights`` ignored:
        the reference weighs every clip the same)."""
        return singer_average(embeddings)

    def describe(self) -> dict[str, object]:
        """Name, version and size: what the feature cache keys on."""
        return {"name": self.name, "version": self.version, "dim": self.dim, "sample_rate": self.sample_rate}
