"""Configuration: frozen dataclasses, their (de)serialisation and the presets.

Every number the model, the features and the training recipe depend on lives here, once.
Derived values are properties, never stored twice. ``to_dict``/``from_dict`` round-trip
through plain JSON types; ``from_dict`` raises on unknown keys (a typo must not pass
silently) and fills missing keys with defaults (older files stay loadable).

Presets:
- ``VoiceConfig.sovits5()``: the reference's defaults (so-vits-svc-5.0, branch bigvgan-mix-v2).
- ``VoiceConfig.tiny()``: the same architecture at toy width, for tests (seconds on a CPU).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

from models.errors import UserError

CONFIG_VERSION = 1

T = TypeVar("T", bound="Serialisable")

MAX_CHANNELS = 8192  # 6x the widest layer of any published so-vits-svc-5.0 model (1280)
MAX_DEPTH = 64  # layers, heads, flow steps
MAX_KERNEL = 127  # convolution kernels, upsampling rates, dilations

# ModelConfig field -> (lowest, highest) allowed value (for tuples: of every item). A file that
# asks for more is refused before any model is built: 40000 channels would allocate many GB.
MODEL_LIMITS: dict[str, tuple[float, float]] = {
    **{name: (1, MAX_CHANNELS) for name in (
        "ppg_dim", "vec_dim", "spk_dim", "gin_channels", "inter_channels", "hidden_channels",
        "filter_channels", "upsample_initial_channel")},
    **{name: (1, MAX_DEPTH) for name in (
        "n_heads", "n_layers", "posterior_layers", "flow_steps", "flow_layers")},
    **{name: (1, MAX_KERNEL) for name in (
        "kernel_size", "content_kernel_size", "posterior_kernel_size", "flow_kernel_size", "upsample_rates",
        "upsample_kernel_sizes", "resblock_kernel_sizes", "resblock_dilation_sizes")},
    "attention_window": (0, 4096),
    "nsf_harmonics": (0, 64),
    "p_dropout": (0.0, 0.99),
}


class ConfigError(ValueError, UserError):
    """A configuration dictionary that cannot be turned into a config (the message names the key)."""


def check_limit(name: str, value: Any, where: str | None = None) -> None:
    """Raises :class:`ConfigError` when a :class:`ModelConfig` value lies outside :data:`MODEL_LIMITS`.

    Args:
        name: the ``ModelConfig`` field.
        value: a number, or a (nested) tuple of numbers: every item is checked.
        where: how the message names the key (default: ``model.<name>``).
    """
    low, high = MODEL_LIMITS[name]
    items = list(value) if isinstance(value, (tuple, list)) else [value]
    flat = [v for item in items for v in (item if isinstance(item, (tuple, list)) else [item])]
    if not flat and isinstance(value, (tuple, list)) and name != "resblock_dilation_sizes":
        raise ConfigError(f"{where or 'model.' + name}: must not be empty")
    for v in flat:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not low <= v <= high:
            raise ConfigError(f"{where or 'model.' + name}: {value!r} is out of range ({low} to {high})")


def field_value(cls: type, name: str, value: Any, where: str) -> Any:
    """``value`` checked and converted to the type of field ``name`` of config class ``cls``.

    Lists become tuples; a wrong type raises :class:`ConfigError` naming ``where``.
    """
    return _convert(value, typing.get_type_hints(cls)[name], where)


def _convert(value: Any, annotation: Any, where: str) -> Any:
    """Turns a JSON value into the type ``annotation`` names (tuples, nested configs)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        return _convert(value, non_none[0], where)
    if isinstance(annotation, type) and issubclass(annotation, Serialisable):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {type(value).__name__}")
        return annotation.from_dict(value, _where=where)
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))
        if len(args) != len(value):
            raise ConfigError(f"{where}: expected {len(args)} items, got {len(value)}")
        return tuple(_convert(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
    if annotation is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if annotation is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true/false, got {value!r}")
        return value
    if annotation is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Serialisable):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


class Serialisable:
    """Base of every serialisable frozen dataclass (configs, conversion options): ``to_dict``/``from_dict``
    (unknown keys raise) and ``replace``."""

    def to_dict(self) -> dict[str, Any]:
        """Returns the config as JSON-compatible nested dicts and lists."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any], _where: str | None = None) -> T:
        """Builds the config from ``data``; unknown keys raise ``ConfigError``."""
        where = _where or cls.__name__
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: expected a mapping, got {type(data).__name__}")
        hints = typing.get_type_hints(cls)
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
        kwargs = {k: _convert(v, hints[k], f"{where}.{k}") for k, v in data.items()}
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: {exc}") from exc

    def replace(self: T, **changes: Any) -> T:
        """Returns a copy with ``changes`` applied (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


@dataclass(frozen=True)
class AudioConfig(Serialisable):
    """Sample rates and the STFT/mel front end of the model.

    One model frame is ``hop_length`` samples at ``sample_rate``: 320 / 32000 = 10 ms.
    Content features run at ``feature_sample_rate`` (16 kHz) with a 20 ms hop, i.e. two
    model frames per content frame.
    """

    sample_rate: int = 32000
    hop_length: int = 320
    n_fft: int = 1024
    win_length: int = 1024
    n_mels: int = 100
    mel_fmin: float = 50.0
    mel_fmax: float = 16000.0
    feature_sample_rate: int = 16000
    content_hop_length: int = 320  # at feature_sample_rate: 20 ms

    def __post_init__(self) -> None:
        if self.win_length > self.n_fft:
            raise ValueError("win_length must not exceed n_fft")
        if (self.n_fft - self.hop_length) % 2:
            raise ValueError("n_fft - hop_length must be even (symmetric reflect padding)")
        if (self.content_hop_length * self.sample_rate) % (self.hop_length * self.feature_sample_rate):
            raise ValueError("the content frame must be a whole number of model frames")

    @property
    def spec_channels(self) -> int:
        """Bins of the linear spectrogram: n_fft // 2 + 1 (513)."""
        return self.n_fft // 2 + 1

    @property
    def frame_s(self) -> float:
        """Seconds per model frame (0.01)."""
        return self.hop_length / self.sample_rate

    @property
    def content_frame_s(self) -> float:
        """Seconds per content (PPG/vec) frame (0.02)."""
        return self.content_hop_length / self.feature_sample_rate

    @property
    def content_repeat(self) -> int:
        """Model frames per content frame (2): content features are repeated this often."""
        return round(self.content_frame_s / self.frame_s)

    @property
    def feature_hop_length(self) -> int:
        """Samples per model frame at the feature rate (160 at 16 kHz): the F0 hop."""
        return round(self.frame_s * self.feature_sample_rate)


@dataclass(frozen=True)
class ContentConfig(Serialisable):
    """Which content encoders produce the prior's input (names from the extractor registry)."""

    ppg_encoder: str = "whisper-large-v2"
    vec_encoder: str = "hubert-soft"


@dataclass(frozen=True)
class PitchConfig(Serialisable):
    """F0 range and method. ``coarse_min_hz``/``coarse_max_hz`` define the 255 coarse bins."""

    method: str = "auto"
    f0_min_hz: float = 50.0
    f0_max_hz: float = 1100.0
    coarse_min_hz: float = 50.0
    coarse_max_hz: float = 1100.0
    coarse_bins: int = 256


@dataclass(frozen=True)
class ModelConfig(Serialisable):
    """Dimensions of the VITS generator (prior, posterior, flow, decoder)."""

    ppg_dim: int = 1280
    vec_dim: int = 256
    spk_dim: int = 256
    gin_channels: int = 256
    inter_channels: int = 192
    hidden_channels: int = 192
    filter_channels: int = 640
    # prior encoder: relative-position transformer
    n_heads: int = 2
    n_layers: int = 6
    kernel_size: int = 3
    p_dropout: float = 0.1
    attention_window: int = 4
    content_kernel_size: int = 5
    # posterior encoder: WaveNet on the linear spectrogram
    posterior_layers: int = 16
    posterior_kernel_size: int = 5
    # flow: residual coupling layers with speaker-normalised affine coupling
    flow_steps: int = 4
    flow_layers: int = 4
    flow_kernel_size: int = 5
    # decoder: BigVGAN with NSF source
    upsample_rates: tuple[int, ...] = (5, 4, 4, 2, 2)
    upsample_kernel_sizes: tuple[int, ...] = (15, 8, 8, 4, 4)
    upsample_initial_channel: int = 320
    resblock_kernel_sizes: tuple[int, ...] = (3, 7, 11)
    resblock_dilation_sizes: tuple[tuple[int, ...], ...] = ((1, 3, 5), (1, 3, 5), (1, 3, 5))
    nsf_harmonics: int = 10
    nsf_sine_amp: float = 0.1
    nsf_noise_std: float = 0.003

    def __post_init__(self) -> None:
        for name in MODEL_LIMITS:
            check_limit(name, getattr(self, name))
        if self.hidden_channels % self.n_heads:
            raise ValueError("hidden_channels must be divisible by n_heads")
        if self.inter_channels % 2:
            raise ValueError("inter_channels must be even (the flow splits it in halves)")
        if len(self.upsample_rates) != len(self.upsample_kernel_sizes):
            raise ValueError("upsample_rates and upsample_kernel_sizes differ in length")
        if len(self.resblock_kernel_sizes) != len(self.resblock_dilation_sizes):
            raise ValueError("resblock_kernel_sizes and resblock_dilation_sizes differ in length")
        if self.upsample_initial_channel % (2 ** len(self.upsample_rates)):
            raise ValueError("upsample_initial_channel must halve cleanly at every upsampling")

    @property
    def upsample_factor(self) -> int:
        """Audio samples per frame produced by the decoder (must equal the hop length)."""
        factor = 1
        for rate in self.upsample_rates:
            factor *= rate
        return factor


@dataclass(frozen=True)
class DiscriminatorConfig(Serialisable):
    """Multi-resolution, multi-period and multi-scale discriminators."""

    mrd_resolutions: tuple[tuple[int, int, int], ...] = (
        (1024, 120, 600),
        (2048, 240, 1200),
        (4096, 480, 2400),
        (512, 50, 240),
    )
    mrd_channels: int = 32
    mpd_periods: tuple[int, ...] = (2, 3, 5, 7, 11)
    mpd_kernel_size: int = 5
    mpd_stride: int = 3
    mpd_channels: tuple[int, ...] = (64, 128, 256, 512, 1024)
    msd_channels: tuple[int, ...] = (16, 64, 256, 1024, 1024, 1024)
    msd_groups: tuple[int, ...] = (1, 4, 16, 64, 256, 1)
    lrelu_slope: float = 0.2
    msd_lrelu_slope: float = 0.1

    def __post_init__(self) -> None:
        if len(self.msd_channels) != len(self.msd_groups):
            raise ValueError("msd_channels and msd_groups differ in length")
        c_in = 1
        for c_out, groups in zip(self.msd_channels, self.msd_groups):
            if c_in % groups or c_out % groups:
                raise ValueError(f"msd: {c_in}->{c_out} channels cannot use {groups} groups")
            c_in = c_out


@dataclass(frozen=True)
class TrainConfig(Serialisable):
    """The training recipe (reference defaults) and run cadence."""

    seed: int = 1234
    learning_rate: float = 5e-5
    betas: tuple[float, float] = (0.8, 0.99)
    eps: float = 1e-9
    lr_decay: float = 0.999875  # per epoch
    batch_size: int = 8
    accum_steps: int = 2  # generator gradient accumulation; D's lr is divided by it
    segment_samples: int = 8000  # decoder training window (0.25 s at 32 kHz)
    clip_min_s: float = 1.0
    clip_max_s: float = 4.0
    # loss weights
    c_mel: float = 1.0
    c_stft: float = 9.0
    c_kl: float = 0.2
    c_kl_reverse: float = 0.5  # extra factor on the reverse KL
    c_spk: float = 2.0
    # perturbations (standard deviations)
    ppg_noise: float = 1.0
    vec_noise: float = 2.0
    decoder_noise: float = 1.0
    # run cadence
    max_steps: int = 100_000
    log_every: int = 10
    eval_every: int = 1000
    save_every: int = 1000
    keep_last: int = 3
    precision: str = "auto"  # auto | fp32 | bf16 | fp16
    # validation: held-out clips, audio samples logged, evaluations without improvement = plateau
    val_clips: int = 4
    val_audio_samples: int = 2
    plateau_patience: int = 5

    def __post_init__(self) -> None:
        if self.precision not in ("auto", "fp32", "bf16", "fp16"):
            raise ValueError(f"precision must be auto, fp32, bf16 or fp16, not {self.precision!r}")
        if self.accum_steps < 1 or self.batch_size < 1:
            raise ValueError("batch_size and accum_steps must be at least 1")


@dataclass(frozen=True)
class VoiceConfig(Serialisable):
    """Everything that defines a voice model and how it was trained."""

    version: int = CONFIG_VERSION
    preset: str = "sovits5"
    audio: AudioConfig = field(default_factory=AudioConfig)
    content: ContentConfig = field(default_factory=ContentConfig)
    pitch: PitchConfig = field(default_factory=PitchConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    discriminator: DiscriminatorConfig = field(default_factory=DiscriminatorConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def __post_init__(self) -> None:
        if self.version != CONFIG_VERSION:
            raise ValueError(f"config version {self.version} is not supported (expected {CONFIG_VERSION})")
        if self.model.upsample_factor != self.audio.hop_length:
            raise ValueError(
                f"the decoder upsamples by {self.model.upsample_factor} but the hop length is "
                f"{self.audio.hop_length}"
            )
        if self.train.segment_samples % self.audio.hop_length:
            raise ValueError("train.segment_samples must be a whole number of hops")

    @property
    def segment_frames(self) -> int:
        """Frames of latent cut for the decoder in training (25 = 8000 / 320)."""
        return self.train.segment_samples // self.audio.hop_length

    @classmethod
    def sovits5(cls) -> VoiceConfig:
        """The reference's default configuration (the published pretrain's shapes)."""
        return cls()

    @classmethod
    def tiny(cls) -> VoiceConfig:
        """Same architecture at toy width: every forward and a train step in seconds on CPU."""
        return cls(
            preset="tiny",
            model=ModelConfig(
                ppg_dim=64,
                vec_dim=32,
                spk_dim=256,
                gin_channels=32,
                inter_channels=16,
                hidden_channels=16,
                filter_channels=32,
                n_layers=2,
                posterior_layers=2,
                flow_steps=2,
                flow_layers=2,
                upsample_initial_channel=64,
                resblock_kernel_sizes=(3,),
                resblock_dilation_sizes=((1, 3, 5),),
            ),
            discriminator=DiscriminatorConfig(
                mrd_resolutions=((512, 50, 240), (256, 64, 128)),
                mrd_channels=8,
                mpd_periods=(2, 3),
                mpd_channels=(8, 16, 16, 16, 16),
                msd_channels=(8, 16, 16, 16, 16, 16),
                msd_groups=(1, 4, 4, 4, 4, 1),
            ),
            train=TrainConfig(batch_size=2, accum_steps=1, segment_samples=3200, max_steps=30,
                              log_every=1, eval_every=10, save_every=10, val_clips=1, val_audio_samples=1),
        )

    @classmethod
    def preset_names(cls) -> tuple[str, ...]:
        """Names accepted by :meth:`from_preset`."""
        return tuple(PRESETS)

    @classmethod
    def from_preset(cls, name: str) -> VoiceConfig:
        """Returns the named preset (``sovits5`` or ``tiny``)."""
        try:
            return PRESETS[name]()
        except KeyError:
            raise ConfigError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}") from None


PRESETS: dict[str, typing.Callable[[], VoiceConfig]] = {
    "sovits5": VoiceConfig.sovits5,
    "tiny": VoiceConfig.tiny,
}
