"""Import of so-vits-svc-5.0 (whisper-vits-svc) files into our model.

Handles the three kinds of file users have:

- a training checkpoint (``model_g`` training generator, ``model_d``, optimisers, ``hp_str``),
- the published pretrain ``sovits5.0.pretrain.pth`` (``model_g`` training generator, ``model_d``),
- an exported voice (``model_g`` of the inference generator) plus the singer's ``.npy``.

Files are opened with ``torch.load(weights_only=True)`` only: a pickle that needs anything
beyond tensors and plain containers is refused, never executed. Weight norm may be stored
old-style (``weight_g``/``weight_v``, the reference) or new-style
(``parametrizations.weight.original0/1``); both map onto our keys. Loading is strict: a
missing, unexpected or mis-shaped key is an error naming the file and the key.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from models.config import VoiceConfig
from models.discriminators import Discriminator
from models.synthesizer import SynthesizerInfer, SynthesizerTrain


class ImportError_(ValueError):
    """A reference file that cannot be imported (message names the file and the problem)."""


def safe_torch_load(path: str | Path) -> Any:
    """``torch.load`` restricted to tensors and plain containers; clear errors otherwise."""
    path = Path(path)
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ImportError_(f"{path}: file not found") from None
    except pickle.UnpicklingError as exc:
        raise ImportError_(
            f"{path}: refused to open — the file contains Python objects other than tensors "
            f"(a safe load only reads weights; it may be corrupt or not a model file): {exc}"
        ) from None
    except (RuntimeError, EOFError, OSError, ValueError) as exc:
        raise ImportError_(f"{path}: not a readable PyTorch file (corrupt or truncated?): {exc}") from None


def config_from_reference(hp: dict[str, Any], base: VoiceConfig | None = None) -> VoiceConfig:
    """Our :class:`VoiceConfig` from the reference's config sections (data, vits, gen, mpd, mrd, train)."""
    base = base or VoiceConfig.sovits5()
    data, vits, gen = hp.get("data", {}), hp.get("vits", {}), hp.get("gen", {})
    mpd, mrd, train = hp.get("mpd", {}), hp.get("mrd", {}), hp.get("train", {})
    m = base.model
    if "upsample_input" in gen and "inter_channels" in vits and gen["upsample_input"] != vits["inter_channels"]:
        raise ImportError_("config: gen.upsample_input must equal vits.inter_channels")
    model = m.replace(**{
        "ppg_dim": vits.get("ppg_dim", m.ppg_dim),
        "vec_dim": vits.get("vec_dim", m.vec_dim),
        "spk_dim": vits.get("spk_dim", m.spk_dim),
        "gin_channels": vits.get("gin_channels", m.gin_channels),
        "inter_channels": vits.get("inter_channels", m.inter_channels),
        "hidden_channels": vits.get("hidden_channels", m.hidden_channels),
        "filter_channels": vits.get("filter_channels", m.filter_channels),
        "upsample_rates": tuple(gen.get("upsample_rates", m.upsample_rates)),
        "upsample_kernel_sizes": tuple(gen.get("upsample_kernel_sizes", m.upsample_kernel_sizes)),
        "upsample_initial_channel": gen.get("upsample_initial_channel", m.upsample_initial_channel),
        "resblock_kernel_sizes": tuple(gen.get("resblock_kernel_sizes", m.resblock_kernel_sizes)),
        "resblock_dilation_sizes": tuple(tuple(d) for d in gen.get("resblock_dilation_sizes",
                                                                    m.resblock_dilation_sizes)),
    })
    d = base.discriminator
    resolutions = mrd.get("resolutions", d.mrd_resolutions)
    if isinstance(resolutions, str):
        resolutions = _parse_resolutions(resolutions)
    disc = d.replace(
        mrd_resolutions=tuple(tuple(int(v) for v in r) for r in resolutions),
        mpd_periods=tuple(mpd.get("periods", d.mpd_periods)),
        mpd_kernel_size=mpd.get("kernel_size", d.mpd_kernel_size),
        mpd_stride=mpd.get("stride", d.mpd_stride),
        lrelu_slope=float(mpd.get("lReLU_slope", d.lrelu_slope)),
    )
    if mpd.get("use_spectral_norm") or mrd.get("use_spectral_norm"):
        raise ImportError_("config: spectral-norm discriminators are not supported")
    t = base.train
    train_cfg = t.replace(**{
        "seed": train.get("seed", t.seed),
        "learning_rate": float(train.get("learning_rate", t.learning_rate)),
        "betas": tuple(float(b) for b in train.get("betas", t.betas)),
        "eps": float(train.get("eps", t.eps)),
        "lr_decay": float(train.get("lr_decay", t.lr_decay)),
        "batch_size": train.get("batch_size", t.batch_size),
        "accum_steps": train.get("accum_step", t.accum_steps),
        "c_stft": float(train.get("c_stft", t.c_stft)),
        "c_mel": float(train.get("c_mel", t.c_mel)),
        "c_kl": float(train.get("c_kl", t.c_kl)),
        "segment_samples": data.get("segment_size", t.segment_samples),
    })
    audio = base.audio.replace(
        sample_rate=data.get("sampling_rate", base.audio.sample_rate),
        hop_length=data.get("hop_length", base.audio.hop_length),
        n_fft=data.get("filter_length", base.audio.n_fft),
        win_length=data.get("win_length", base.audio.win_length),
        n_mels=data.get("mel_channels", base.audio.n_mels),
        mel_fmin=float(data.get("mel_fmin", base.audio.mel_fmin)),
        mel_fmax=float(data.get("mel_fmax", base.audio.mel_fmax)),
    )
    return base.replace(preset="imported", audio=audio, model=model, discriminator=disc, train=train_cfg)


def _parse_resolutions(text: str) -> list[tuple[int, ...]]:
    """The reference stores MRD resolutions as a Python-literal string; parse it without eval."""
    cleaned = text.replace("(", "[").replace(")", "]")
    try:
        value = json.loads(cleaned)
    except json.JSONDecodeError as exc:
        raise ImportError_(f"config: cannot parse mrd.resolutions {text!r}") from exc
    return [tuple(int(v) for v in r) for r in value]


_NEW_STYLE = {".parametrizations.weight.original0": ".weight_g", ".parametrizations.weight.original1": ".weight_v"}


def normalize_state_dict(state: dict[str, Any], where: str) -> dict[str, torch.Tensor]:
    """Maps weight-norm key styles to ours, strips a DataParallel ``module.`` prefix, casts to fp32."""
    if not isinstance(state, dict) or not state:
        raise ImportError_(f"{where}: expected a non-empty state dict")
    out: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise ImportError_(f"{where}: entry {key!r} is not a tensor")
        if key.startswith("module."):
            key = key[len("module."):]
        for old, new in _NEW_STYLE.items():
            if key.endswith(old):
                key = key[: -len(old)] + new
        out[key] = value.float() if value.is_floating_point() else value
    return out


def load_strict(module: nn.Module, state: dict[str, torch.Tensor], where: str) -> None:
    """``load_state_dict(strict=True)`` with one readable message for every problem."""
    own = module.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    mismatched = [f"{k}: file {tuple(state[k].shape)} vs model {tuple(own[k].shape)}"
                  for k in own if k in state and state[k].shape != own[k].shape]
    problems = []
    if missing:
        problems.append(f"missing {len(missing)} key(s), e.g. {', '.join(missing[:3])}")
    if unexpected:
        problems.append(f"unexpected {len(unexpected)} key(s), e.g. {', '.join(unexpected[:3])}")
    if mismatched:
        problems.append(f"{len(mismatched)} shape mismatch(es), e.g. {'; '.join(mismatched[:3])}")
    if problems:
        raise ImportError_(f"{where}: does not fit this model — " + "; ".join(problems))
    module.load_state_dict(state, strict=True)


def build_generator(config: VoiceConfig, state: dict[str, Any], where: str,
                    kind: str | None = None) -> SynthesizerTrain | SynthesizerInfer:
    """Builds and loads a reference generator; ``kind`` 'train'/'infer' or None to detect."""
    state = normalize_state_dict(state, where)
    if kind is None:
        kind = "train" if any(k.startswith("enc_q.") for k in state) else "infer"
    model: SynthesizerTrain | SynthesizerInfer = (
        SynthesizerTrain(config) if kind == "train" else SynthesizerInfer(config))
    load_strict(model, state, where)
    return model


def build_discriminator(config: VoiceConfig, state: dict[str, Any], where: str) -> Discriminator:
    """Builds and loads a reference discriminator (``model_d``)."""
    model = Discriminator(config.discriminator)
    load_strict(model, normalize_state_dict(state, where), where)
    return model


@dataclass
class ImportedModel:
    """What a reference file gave us."""

    config: VoiceConfig
    generator: SynthesizerTrain | SynthesizerInfer
    discriminator: Discriminator | None
    kind: str  # 'training-checkpoint' | 'pretrain' | 'voice'
    step: int
    speaker: np.ndarray | None = None


def _config_from_hp_str(hp_str: str, where: str) -> VoiceConfig:
    import yaml  # a dependency of transformers; only needed for reference checkpoints

    try:
        hp = yaml.safe_load(hp_str)
    except yaml.YAMLError as exc:
        raise ImportError_(f"{where}: unreadable hp_str config: {exc}") from None
    return config_from_reference(hp)


def load_speaker_npy(path: str | Path, spk_dim: int) -> np.ndarray:
    """Reads a reference singer vector (.npy, ``spk_dim`` floats) without pickle."""
    path = Path(path)
    try:
        vec = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ImportError_(f"{path}: not a readable .npy speaker vector: {exc}") from None
    vec = np.asarray(vec, dtype=np.float32).reshape(-1)
    if vec.shape[0] != spk_dim or not np.all(np.isfinite(vec)):
        raise ImportError_(f"{path}: expected {spk_dim} finite floats, got shape {vec.shape}")
    return vec


def import_reference_file(path: str | Path, speaker_npy: str | Path | None = None,
                          config: VoiceConfig | None = None) -> ImportedModel:
    """Imports a so-vits-svc-5.0 training checkpoint, pretrain or exported voice.

    Args:
        path: the ``.pth``/``.pt`` file.
        speaker_npy: the singer's vector for an exported voice (optional otherwise).
        config: the configuration to build (default: the file's ``hp_str`` if present,
            else the reference defaults).
    """
    path = Path(path)
    where = str(path)
    data = safe_torch_load(path)
    if not isinstance(data, dict) or "model_g" not in data:
        raise ImportError_(f"{where}: not a so-vits-svc-5.0 file (no 'model_g' entry)")
    if config is None:
        hp_str = data.get("hp_str")
        config = _config_from_hp_str(hp_str, where) if isinstance(hp_str, str) else VoiceConfig.sovits5()
    generator = build_generator(config, data["model_g"], f"{where} [model_g]")
    discriminator = None
    if "model_d" in data:
        discriminator = build_discriminator(config, data["model_d"], f"{where} [model_d]")
    if isinstance(generator, SynthesizerInfer):
        kind = "voice"
    else:
        kind = "training-checkpoint" if "optim_g" in data else "pretrain"
    speaker = load_speaker_npy(speaker_npy, config.model.spk_dim) if speaker_npy else None
    step = int(data.get("step", 0)) if isinstance(data.get("step", 0), (int, float)) else 0
    return ImportedModel(config, generator, discriminator, kind, step, speaker)
