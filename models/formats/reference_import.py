"""Import of so-vits-svc-5.0 (whisper-vits-svc) files into our model.

Handles the three kinds of file users have:

- a training checkpoint (``model_g`` training generator, ``model_d``, optimisers, ``hp_str``),
- the published pretrain ``sovits5.0.pretrain.pth`` (``model_g`` training generator, ``model_d``),
- an exported voice (``model_g`` of the inference generator) plus the singer's ``.npy``.

Files are opened with :func:`models.formats.safeload.safe_torch_load` only: a pickle that needs
anything beyond tensors and plain containers is refused, never executed. Weight norm may be stored
old-style (``weight_g``/``weight_v``, the reference) or new-style
(``parametrizations.weight.original0/1``); both map onto our keys. Loading is strict: a
missing, unexpected or mis-shaped key is an error naming the file and the key.
"""

from __future__ import annotations

import json
import math
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.config import (
    MAX_KERNEL,
    AudioConfig,
    ConfigError,
    DiscriminatorConfig,
    ModelConfig,
    TrainConfig,
    VoiceConfig,
    check_limit,
    field_value,
)
from models.formats.safeload import LoadError, check_fits, load_strict, safe_torch_load
from models.nets.discriminators import Discriminator
from models.nets.synthesizer import SynthesizerInfer, SynthesizerTrain


class ImportError_(LoadError):
    """A reference file that cannot be imported (message names the file and the problem)."""


@contextmanager
def _as_import_error() -> Iterator[None]:
    """Re-raises a safe-load or fit refusal (:class:`LoadError`) as this module's :class:`ImportError_`,
    message unchanged, so every failure of an import is one error type."""
    try:
        yield
    except ImportError_:
        raise
    except LoadError as exc:
        raise ImportError_(str(exc)) from None


# ModelConfig / AudioConfig / TrainConfig / DiscriminatorConfig field <- (hp_str section, reference key)
_MODEL_KEYS = {
    "ppg_dim": ("vits", "ppg_dim"), "vec_dim": ("vits", "vec_dim"), "spk_dim": ("vits", "spk_dim"),
    "gin_channels": ("vits", "gin_channels"), "inter_channels": ("vits", "inter_channels"),
    "hidden_channels": ("vits", "hidden_channels"), "filter_channels": ("vits", "filter_channels"),
    "upsample_rates": ("gen", "upsample_rates"), "upsample_kernel_sizes": ("gen", "upsample_kernel_sizes"),
    "upsample_initial_channel": ("gen", "upsample_initial_channel"),
    "resblock_kernel_sizes": ("gen", "resblock_kernel_sizes"),
    "resblock_dilation_sizes": ("gen", "resblock_dilation_sizes"),
}
_AUDIO_KEYS = {
    "sample_rate": ("data", "sampling_rate"), "hop_length": ("data", "hop_length"),
    "n_fft": ("data", "filter_length"), "win_length": ("data", "win_length"),
    "n_mels": ("data", "mel_channels"), "mel_fmin": ("data", "mel_fmin"), "mel_fmax": ("data", "mel_fmax"),
}
# sane bounds for the audio front end (the posterior's input width is n_fft // 2 + 1)
_AUDIO_LIMITS = {"sample_rate": (1000, 192000), "hop_length": (1, 4096), "n_fft": (2, 16384),
                 "win_length": (2, 16384), "n_mels": (1, 1024), "mel_fmin": (0.0, 96000.0),
                 "mel_fmax": (0.0, 96000.0)}
_TRAIN_KEYS = {
    "seed": ("train", "seed"), "learning_rate": ("train", "learning_rate"), "betas": ("train", "betas"),
    "eps": ("train", "eps"), "lr_decay": ("train", "lr_decay"), "batch_size": ("train", "batch_size"),
    "accum_steps": ("train", "accum_step"), "c_stft": ("train", "c_stft"), "c_mel": ("train", "c_mel"),
    "c_kl": ("train", "c_kl"), "segment_samples": ("data", "segment_size"),
}
_DISC_KEYS = {
    "mpd_periods": ("mpd", "periods"), "mpd_kernel_size": ("mpd", "kernel_size"),
    "mpd_stride": ("mpd", "stride"), "lrelu_slope": ("mpd", "lReLU_slope"),
}
_DISC_LIMITS = {"mpd_periods": (1, 1024), "mpd_kernel_size": (1, MAX_KERNEL), "mpd_stride": (1, MAX_KERNEL)}


def _yaml_number(value: Any) -> Any:
    """PyYAML reads ``5e-5`` (no dot) as a string; accept such numbers where a float is expected."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _sections(hp: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(hp, dict):
        raise ImportError_(f"config: expected a mapping of sections, got {type(hp).__name__}")
    out: dict[str, dict[str, Any]] = {}
    for name in ("data", "vits", "gen", "mpd", "mrd", "train"):
        section = hp.get(name)
        if section is None:
            section = {}
        if not isinstance(section, dict):
            raise ImportError_(f"config: section {name!r} must be a mapping, got {type(section).__name__}")
        out[name] = section
    return out


def _take(sections: dict[str, dict[str, Any]], keys: dict[str, tuple[str, str]], cls: type,
          limits: dict[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """The fields of ``cls`` the hp_str sets, each converted to the field's type and bounds-checked.

    Raises:
        ImportError_: a wrong type or an out-of-range value, naming the reference key.
    """
    changes: dict[str, Any] = {}
    hints = typing.get_type_hints(cls)
    for name, (section, key) in keys.items():
        if key not in sections[section]:
            continue
        raw = sections[section][key]
        if hints[name] is float:
            raw = _yaml_number(raw)
        elif typing.get_origin(hints[name]) is tuple and isinstance(raw, (list, tuple)):
            raw = [_yaml_number(v) for v in raw] if typing.get_args(hints[name])[0] is float else raw
        where = f"{section}.{key}"
        try:
            value = field_value(cls, name, raw, where)
            if limits is not None and name in limits:
                low, high = limits[name]
                for v in value if isinstance(value, tuple) else (value,):
                    if not low <= v <= high:
                        raise ConfigError(f"{where}: {raw!r} is out of range ({low} to {high})")
            elif limits is None:
                check_limit(name, value, where)
        except ConfigError as exc:
            raise ImportError_(f"config: {exc}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise ImportError_(f"config: {where}: {raw!r} is not a finite number")
        changes[name] = value
    return changes


def config_from_reference(hp: dict[str, Any], base: VoiceConfig | None = None) -> VoiceConfig:
    """Our :class:`VoiceConfig` from the reference's config sections (data, vits, gen, mpd, mrd, train).

    Every value is checked for its type and for sane bounds (:data:`models.config.MODEL_LIMITS`)
    before anything is built; errors name the reference key (``vits.hidden_channels``).

    Raises:
        ImportError_: ``"config: <section.key>: <problem>"``.
    """
    base = base or VoiceConfig.sovits5()
    sections = _sections(hp)
    vits, gen, mpd, mrd = sections["vits"], sections["gen"], sections["mpd"], sections["mrd"]
    model_changes = _take(sections, _MODEL_KEYS, ModelConfig)
    if "upsample_input" in gen and "inter_channels" in vits and gen["upsample_input"] != vits["inter_channels"]:
        raise ImportError_("config: gen.upsample_input must equal vits.inter_channels")
    audio_changes = _take(sections, _AUDIO_KEYS, AudioConfig, _AUDIO_LIMITS)
    train_limits = {"seed": (0, 2**63 - 1), "batch_size": (1, 4096), "accum_steps": (1, 4096),
                    "segment_samples": (1, 10_000_000)}
    train_changes = _take(sections, _TRAIN_KEYS, TrainConfig, train_limits)
    disc_changes = _take(sections, _DISC_KEYS, DiscriminatorConfig, _DISC_LIMITS)
    if "resolutions" in mrd:
        resolutions = mrd["resolutions"]
        if isinstance(resolutions, str):
            resolutions = _parse_resolutions(resolutions)
        try:
            disc_changes["mrd_resolutions"] = field_value(DiscriminatorConfig, "mrd_resolutions",
                                                          resolutions, "mrd.resolutions")
        except ConfigError as exc:
            raise ImportError_(f"config: {exc}") from None
        if not all(1 <= v <= 65536 for r in disc_changes["mrd_resolutions"] for v in r):
            raise ImportError_(f"config: mrd.resolutions: {resolutions!r} is out of range (1 to 65536)")
    if mpd.get("use_spectral_norm") or mrd.get("use_spectral_norm"):
        raise ImportError_("config: spectral-norm discriminators are not supported")
    try:
        return base.replace(
            preset="imported",
            audio=base.audio.replace(**audio_changes),
            model=base.model.replace(**model_changes),
            discriminator=base.discriminator.replace(**disc_changes),
            train=base.train.replace(**train_changes),
        )
    except (ConfigError, ValueError, TypeError) as exc:
        raise ImportError_(f"config: inconsistent sizes: {exc}") from None


def _parse_resolutions(text: str) -> list[tuple[int, ...]]:
    """The reference stores MRD resolutions as a Python-literal string; parse it without eval."""
    cleaned = text.replace("(", "[").replace(")", "]")
    try:
        value = json.loads(cleaned)
        return [tuple(int(v) for v in r) for r in value]
    except (json.JSONDecodeError, TypeError, ValueError) as exc:
        raise ImportError_(f"config: cannot parse mrd.resolutions {text!r}") from exc


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


def build_generator(config: VoiceConfig, state: dict[str, Any], where: str,
                    kind: str | None = None) -> SynthesizerTrain | SynthesizerInfer:
    """Builds and loads a reference generator; ``kind`` 'train'/'infer' or None to detect.

    The keys and shapes are checked on the meta device first: nothing is allocated for a config
    that does not fit the weights.
    """
    state = normalize_state_dict(state, where)
    if kind is None:
        kind = "train" if any(k.startswith("enc_q.") for k in state) else "infer"
    cls = SynthesizerTrain if kind == "train" else SynthesizerInfer
    with _as_import_error():
        check_fits(lambda: cls(config), state, where)
        model: SynthesizerTrain | SynthesizerInfer = cls(config)
        load_strict(model, state, where)
    return model


def build_discriminator(config: VoiceConfig, state: dict[str, Any], where: str) -> Discriminator:
    """Builds and loads a reference discriminator (``model_d``), shapes checked on the meta device first."""
    state = normalize_state_dict(state, where)
    with _as_import_error():
        check_fits(lambda: Discriminator(config.discriminator), state, where)
        model = Discriminator(config.discriminator)
        load_strict(model, state, where)
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


def _config_from_hp_str(hp_str: str, where: str, base: VoiceConfig | None = None) -> VoiceConfig:
    """The file's own config (YAML in ``hp_str``), every value checked; errors name the file and key."""
    import yaml  # a dependency of transformers; only needed for reference checkpoints

    try:
        hp = yaml.safe_load(hp_str)
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImportError_(f"{where}: unreadable hp_str config ({problem})") from None
    try:
        return config_from_reference(hp, base)
    except ImportError_ as exc:
        raise ImportError_(f"{where}: hp_str {exc}") from None


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
                          config: VoiceConfig | None = None,
                          base: VoiceConfig | None = None) -> ImportedModel:
    """Imports a so-vits-svc-5.0 training checkpoint, pretrain or exported voice.

    Args:
        path: the ``.pth``/``.pt`` file.
        speaker_npy: the singer's vector for an exported voice (optional otherwise).
        config: the configuration to build (default: the file's ``hp_str`` if present,
            else the reference defaults).
        base: where ``config`` is None, the values the ``hp_str`` does not set (default: the
            reference defaults).

    Raises:
        ImportError_: one line naming the file and the problem: not a valid file (random bytes, a
            pickle that would run code, truncated), an ``hp_str`` value of the wrong type or out of
            bounds (naming the key), weights that do not fit (checked before any model is built).
    """
    path = Path(path)
    where = str(path)
    with _as_import_error():
        data = safe_torch_load(path, "so-vits-svc-5.0")
    if not isinstance(data, dict) or "model_g" not in data:
        raise ImportError_(f"{where}: not a so-vits-svc-5.0 file (no 'model_g' entry)")
    if config is None:
        hp_str = data.get("hp_str")
        if hp_str is not None and not isinstance(hp_str, str):
            raise ImportError_(f"{where}: hp_str must be YAML text, got {type(hp_str).__name__}")
        config = _config_from_hp_str(hp_str, where, base) if hp_str else (base or VoiceConfig.sovits5())
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
