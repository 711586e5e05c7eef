"""Voices without training, for the app and the command line: base singers, timbre mixes, model
merges and instant voices, made on the so-vits-svc-5.0 pretrain and added to the voice library.

Qt-free glue over :mod:`models.formats.voice_mix` (the voice parts and recipes) and
:mod:`models.features.instant` (a take's speaker vector):

- :func:`base_singers` lists the pretrain's 56 singers (``models.formats.assets.SINGER_ASSETS``) with
  whether each vector is downloaded; :func:`singer_vector` fetches one (pinned URL, digest recorded on
  first download) and reads it without pickle;
- :func:`make_base_singer`, :func:`make_mix`, :func:`make_merge` add a voice to the library;
  :func:`make_instant` is a generator (checking and embedding the takes) that returns the new voice;
- :func:`preview_converter` + :func:`preview_phrase` convert a short phrase with any speaker vector
  on the pretrain without saving anything (the mixer's live preview, a base singer's preview).

The pretrain's inference weights are read once per file and kept (:class:`PretrainCache`): the
published pretrain holds a discriminator too, and reading it again for every new voice would cost
seconds each time.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import Message, UserError, as_message

PRETRAIN_ASSET = "sovits5-pretrain"
SPEAKER_ASSET = "sovits5-speaker-encoder"
PREVIEW_SECONDS = 6.0


class VoiceMakingError(ValueError, UserError):
    """A voice that cannot be made here (one line: what is missing or wrong, and what to do).

    ``missing``: the model files (asset names) whose absence is the problem; the app offers its
    setup for them."""

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = tuple(missing)


@dataclass(frozen=True)
class BaseSinger:
    """One of the pretrain's singers: its number, asset name, display name and local file (or None)."""

    number: int
    asset: str
    name: str
    path: Path | None


def singer_name(number: int) -> str:
    """``"Base singer 07"``: what the Library shows."""
    return f"Base singer {number:02d}"


def singer_store(cache_dir: str | os.PathLike[str]) -> Any:
    """An ``AssetStore`` over the singers' registry in the app's asset cache folder."""
    from models.formats.assets import SINGER_ASSETS, AssetStore

    return AssetStore(cache_dir, registry=SINGER_ASSETS)


def base_singers(store: Any) -> list[BaseSinger]:
    """The 56 base singers, each with its downloaded file where there is one (never downloads)."""
    from models.formats.assets import SINGER_ASSETS, AssetError

    out = []
    for number, name in enumerate(SINGER_ASSETS, start=1):
        try:
            path = store.locate(name)
        except AssetError:
            path = None
        out.append(BaseSinger(number, name, singer_name(number), path))
    return out


def singer_vector(store: Any, number: int, spk_dim: int, cancel: threading.Event | None = None) -> np.ndarray:
    """The vector of base singer ``number`` (downloaded into the cache on first use).

    Raises:
        VoiceMakingError: no such singer. AssetError: the download failed (message with instructions).
    """
    from models.formats.assets import SINGER_ASSETS
    from models.formats.reference_import import ImportError_, load_speaker_npy

    name = f"sovits5-singer{number:04d}"
    if name not in SINGER_ASSETS:
        raise VoiceMakingError(
            f"there is no base singer {number} (the pretrain has 1 to {len(SINGER_ASSETS)})"
        )
    path = store.ensure(name, cancel)
    try:
        return load_speaker_npy(path, spk_dim)
    except ImportError_ as exc:
        raise VoiceMakingError(as_message(exc)) from None


def pretrain_config() -> Any:
    """The architecture the published pretrain is read with (it carries no config of its own)."""
    from models.config import VoiceConfig

    return VoiceConfig.sovits5()


class PretrainCache:
    """The pretrain's (config, inference weights), read once per file (keyed by path, size and mtime)."""

    def __init__(self) -> None:
        self._key: tuple[str, int, int, str] | None = None
        self._value: tuple[Any, dict[str, Any]] | None = None
        self._lock = threading.Lock()

    def get(self, path: str | os.PathLike[str], config: Any) -> tuple[Any, dict[str, Any]]:
        from models.formats.voice_mix import pretrain_weights

        stat = os.stat(path)
        key = (os.fspath(path), stat.st_size, stat.st_mtime_ns, repr(config))
        with self._lock:
            if self._key != key or self._value is None:
                self._value = pretrain_weights(path, config)
                self._key = key
            return self._value


PRETRAIN = PretrainCache()


def require_pretrain(store: Any) -> Path:
    """The located pretrain file.

    Raises:
        VoiceMakingError: not downloaded (say where to get it).
    """
    path = store.locate(PRETRAIN_ASSET)
    if path is None:
        raise VoiceMakingError(
            "the so-vits-svc-5.0 pretrain is not downloaded yet: voices without training are made "
            "on it. Download it first (Settings).",
            missing=(PRETRAIN_ASSET,),
        )
    return Path(path)


def _pretrain(store: Any, config: Any | None) -> tuple[Any, dict[str, Any], str]:
    from models.formats.voice_mix import MixError

    path = require_pretrain(store)
    try:
        cfg, weights = PRETRAIN.get(path, config or pretrain_config())
    except MixError as exc:
        raise VoiceMakingError(as_message(exc)) from None
    return cfg, weights, path.name


def _add(library: Any, manifest: Any, weights: Any) -> Any:
    return library.add_voice(manifest, weights)


def make_base_singer(
    library: Any,
    store: Any,
    singers: Any,
    number: int,
    name: str | None = None,
    config: Any | None = None,
    cancel: threading.Event | None = None,
) -> Any:
    """Adds base singer ``number`` to the library as a voice (the pretrain's generator + its vector).

    Returns:
        The library's new ``VoiceEntry``.
    """
    from models.formats.voice_mix import KIND_BASE_SINGER, pretrain_voice
    from voicecraft_desktop import __version__

    cfg, weights, generator = _pretrain(store, config)
    vector = singer_vector(singers, number, cfg.model.spk_dim, cancel)
    manifest, state = pretrain_voice(
        cfg,
        weights,
        vector,
        name or singer_name(number),
        KIND_BASE_SINGER,
        {"generator": generator, "singer": number, "asset": f"sovits5-singer{number:04d}"},
        app_version=__version__,
    )
    return _add(library, manifest, state)


def voice_ingredient(library: Any, voice: Any, weight: float) -> Any:
    """An ingredient from a library voice (its vector must be in the pretrain's speaker space).

    Raises:
        VoiceMakingError: the voice's vector comes from another speaker encoder (a voice trained with
            resemblyzer vectors cannot be mixed on the pretrain).
    """
    from models.formats.artifact import read_manifest
    from models.formats.voice_mix import PRETRAIN_SPACE, Ingredient, speaker_space

    entry = library.resolve(voice)
    manifest = read_manifest(entry.folder)
    space = speaker_space(manifest)
    if space != PRETRAIN_SPACE:
        raise VoiceMakingError(Message(
            f"voice {entry.name!r} was made with the {space} speaker encoder, not the pretrain's "
            f"({PRETRAIN_SPACE}); it cannot be mixed. Mix base singers, instant voices, or voices "
            f"trained from a dataset prepared with the pretrain's encoder", "mix_other_encoder",
            voice=entry.name,
        ))
    return Ingredient("voice", entry.name, manifest.speaker, float(weight), entry.id, manifest.f0_stats)


def singer_ingredient(
    singers: Any, number: int, weight: float, spk_dim: int = 256, cancel: threading.Event | None = None
) -> Any:
    """An ingredient from base singer ``number``."""
    from models.formats.voice_mix import Ingredient

    vector = singer_vector(singers, number, spk_dim, cancel)
    return Ingredient(
        "base singer", singer_name(number), vector, float(weight), f"sovits5-singer{number:04d}"
    )


def speaker_encoder(store: Any, device: Any = "cpu") -> Any:
    """The reference's speaker encoder (``sovits5-lstm``) from the located weights.

    Raises:
        VoiceMakingError: its weights are not located yet (say what to do, in plain words).
    """
    from models.features.speaker import create_speaker_encoder
    from models.formats.assets import AssetError

    try:
        path = store.locate(SPEAKER_ASSET)
    except AssetError as exc:  # a located copy gone: the app offers its setup (``missing``)
        raise VoiceMakingError(as_message(exc), missing=tuple(exc.missing or ())) from None
    if path is None:
        raise VoiceMakingError(
            "the so-vits-svc-5.0 speaker encoder (best_model.pth.tar) is not set up: it turns a "
            "recording into the pretrain's voice vector. Download it from the so-vits-svc-5.0 page "
            "and locate it on the Settings page.",
            missing=(SPEAKER_ASSET,),
        )
    return create_speaker_encoder("sovits5-lstm", path, device)


def recording_ingredient(
    files: Sequence[str | os.PathLike[str]],
    weight: float,
    store: Any,
    device: Any = "cpu",
    cancel: threading.Event | None = None,
) -> Generator[Any, None, Any]:
    """An ingredient from recordings (generator: the takes' progress; returns the ``Ingredient``)."""
    from models.features.instant import instant_vector
    from models.features.pitch import create_pitch_extractor
    from models.formats.voice_mix import Ingredient

    encoder = speaker_encoder(store, device)
    took = yield from instant_vector(files, encoder, create_pitch_extractor("dio"), cancel)
    return Ingredient(
        "recording",
        ", ".join(Path(f).name for f in files),
        took.vector,
        float(weight),
        ";".join(took.files),
        took.f0_stats,
    )


def make_mix(
    library: Any, store: Any, ingredients: Sequence[Any], name: str, config: Any | None = None
) -> Any:
    """Adds a timbre mix of ``ingredients`` to the library; its recipe is recorded in the manifest.

    Raises:
        models.formats.voice_mix.MixError: all weights zero, negative weights, vectors of another size.
    """
    from models.formats.voice_mix import KIND_MIX, mix_f0_stats, mix_recipe, mix_vectors, pretrain_voice
    from voicecraft_desktop import __version__

    vector = mix_vectors([i.vector for i in ingredients], [i.weight for i in ingredients])  # checks first
    cfg, weights, generator = _pretrain(store, config)
    manifest, state = pretrain_voice(
        cfg,
        weights,
        vector,
        name,
        KIND_MIX,
        mix_recipe(ingredients, generator),
        f0_stats=mix_f0_stats([i.f0_stats for i in ingredients], [i.weight for i in ingredients]),
        app_version=__version__,
    )
    return _add(library, manifest, state)


def make_merge(library: Any, a: Any, b: Any, rate: float, name: str) -> Any:
    """Adds the reference's model merge of voices ``a`` and ``b`` (``rate`` of ``a``) to the library."""
    from models.formats.voice_mix import merge_voices
    from voicecraft_desktop import __version__

    va, vb = library.load(a), library.load(b)
    manifest, state = merge_voices(va, vb, rate, name, app_version=__version__)
    return _add(library, manifest, state)


def make_instant(
    files: Sequence[str | os.PathLike[str]],
    name: str,
    library: Any,
    store: Any,
    *,
    device: Any = "cpu",
    config: Any | None = None,
    pitch: str = "dio",
    cancel: threading.Event | None = None,
) -> Generator[Any, None, Any]:
    """An instant voice from recordings: checked, embedded with the reference encoder, on the pretrain.

    Everything that can be missing (the pretrain, the encoder's weights, a free name) is checked
    before the takes are read. Yields :class:`models.features.instant.TakeProgress`; returns the
    library's new ``VoiceEntry``; its recipe lists the recordings ("Improve by training" prepares a
    dataset from them).
    """
    from models.features.instant import instant_vector
    from models.features.pitch import create_pitch_extractor
    from models.formats.voice_mix import KIND_INSTANT, pretrain_voice
    from voicecraft_desktop import __version__

    library._check_new_name(name)  # noqa: SLF001 - the same rule add_voice applies, before any work
    require_pretrain(store)
    encoder = speaker_encoder(store, device)
    took = yield from instant_vector(files, encoder, create_pitch_extractor(pitch, device=device), cancel)
    cfg, weights, generator = _pretrain(store, config)
    manifest, state = pretrain_voice(
        cfg,
        weights,
        took.vector,
        name,
        KIND_INSTANT,
        {
            "generator": generator,
            "speaker_encoder": encoder.name,
            "recordings": took.files,
            "seconds": round(took.seconds, 2),
        },
        f0_stats=took.f0_stats,
        app_version=__version__,
        seconds=took.seconds,
    )
    return _add(library, manifest, state)


def preview_voice(store: Any, vector: np.ndarray, config: Any | None = None) -> Any:
    """A voice on the pretrain with ``vector``, in memory only (for previews; nothing is saved)."""
    from models.formats.artifact import Voice
    from models.formats.voice_mix import KIND_MIX, pretrain_voice
    from models.nets.synthesizer import SynthesizerInfer

    cfg, weights, generator = _pretrain(store, config)
    manifest, state = pretrain_voice(cfg, weights, vector, "Preview", KIND_MIX, {"generator": generator})
    net = SynthesizerInfer(cfg)
    net.load_state_dict(state)
    return Voice(manifest, require_pretrain(store).parent, net.eval())


def preview_phrase(path: str | os.PathLike[str], seconds: float = PREVIEW_SECONDS) -> tuple[np.ndarray, int]:
    """The first ``seconds`` of a recording (mono), for previews."""
    from models.features.audio import load_audio

    wave, rate = load_audio(path)
    return wave[: int(seconds * rate)], rate


@dataclass
class PreviewCache:
    """The converter of the last preview (the pretrain's generator and the content encoders), reused by
    the next one: only the speaker vector changes between previews."""

    converter: Any = None
    key: Any = None


def preview(
    store: Any,
    vector_of: Any,
    phrase: str | os.PathLike[str],
    *,
    device: Any = "cpu",
    config: Any | None = None,
    cache: PreviewCache | None = None,
    cancel: threading.Event | None = None,
) -> Generator[Any, None, Any]:
    """Converts the first seconds of ``phrase`` on the pretrain with the vector ``vector_of(cancel)``
    gives (nothing is saved). Yields the conversion's progress; returns its ``ConvertResult``.

    Raises:
        VoiceMakingError: no pretrain. AssetError: a content encoder is missing.
    """
    from voicecraft_desktop.core.convert_jobs import converter_for

    key = (str(require_pretrain(store)), str(device), repr(config))
    vector = vector_of(cancel)
    converter = cache.converter if cache is not None and cache.key == key else None
    if converter is None:
        converter = converter_for(preview_voice(store, vector, config), store, report=False, device=device)
        if cache is not None:
            cache.converter, cache.key = converter, key
    wave, rate = preview_phrase(phrase)
    return (yield from convert_preview(converter, vector, wave, rate, cancel))


def convert_preview(
    converter: Any, vector: np.ndarray, wave: np.ndarray, rate: int, cancel: threading.Event | None = None
) -> Generator[Any, None, Any]:
    """Converts ``wave`` with ``converter``'s generator and ``vector`` as the speaker (automatic key from
    the vector's voice where known is not used: the phrase keeps its key). Returns the ConvertResult."""
    from models.convert.options import ConvertOptions

    converter.voice.manifest.speaker = np.asarray(vector, dtype=np.float32)
    result = yield from converter.convert(wave, rate, ConvertOptions(report=False), cancel, name="preview")
    return result
