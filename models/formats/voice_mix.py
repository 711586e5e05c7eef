"""Voices made without training: on the so-vits-svc-5.0 pretrain's generator, from a speaker vector.

The pretrain is a multi-singer model conditioned on a 256-d speaker vector in the space of the
reference's LSTM speaker encoder (``sovits5-lstm``), so a voice can be the pretrain's inference
generator plus a vector: one of the 56 singers the reference ships (a *base singer*), a weighted
mix of vectors (a *timbre mix*), or the vector of the user's own recording (an *instant* voice).
The reference's model merge (``svc_merge.py``: ``rate * model1 + (1 - rate) * model2`` for every
generator weight of two models with the same architecture) is here too.

Every voice made here is a normal voice artifact (:mod:`models.formats.artifact`); its manifest's
``source`` says how it was made (:data:`KIND_BASE_SINGER`, ...) and ``training["recipe"]`` records
the ingredients (names, ids, weights), so a mix can be read back and made again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.config import VoiceConfig
from models.errors import UserError
from models.formats.artifact import F0Stats, Voice, VoiceManifest

KIND_BASE_SINGER = "base singer"
KIND_MIX = "timbre mix"
KIND_INSTANT = "instant"
KIND_MERGE = "model merge"
MADE_WITHOUT_TRAINING = (KIND_BASE_SINGER, KIND_MIX, KIND_INSTANT, KIND_MERGE)
PRETRAIN_SPACE = "sovits5-lstm"  # the speaker space the pretrain is conditioned in
IMPORT_SOURCE = "so-vits-svc-5.0 import"


class MixError(ValueError, UserError):
    """A mix, merge or pretrain voice that cannot be made (one line: what and why)."""


@dataclass(frozen=True)
class Ingredient:
    """One vector of a timbre mix.

    Attributes:
        kind: ``"base singer"``, ``"voice"`` or ``"recording"``.
        name: what the user sees (singer name, voice name, file name).
        vector: (spk_dim,) float32 speaker vector in the pretrain's space.
        weight: non-negative share (normalised over the mix).
        ref: the voice id, singer asset or file it came from (recorded in the recipe).
        f0_stats: its pitch statistics where known (a mix's automatic key uses them).
    """

    kind: str
    name: str
    vector: np.ndarray
    weight: float
    ref: str = ""
    f0_stats: F0Stats | None = None


def speaker_space(manifest: VoiceManifest) -> str:
    """The speaker encoder a voice's vector comes from: the recorded one, else ``sovits5-lstm`` for
    voices from so-vits-svc-5.0 or made here (their vectors are the reference's), else resemblyzer."""
    recorded = (manifest.content_encoders.get("speaker") or {}).get("name")
    if isinstance(recorded, str) and recorded:
        return recorded
    if manifest.source == IMPORT_SOURCE or manifest.source in MADE_WITHOUT_TRAINING:
        return PRETRAIN_SPACE
    return "resemblyzer"


def normalised_weights(weights: Sequence[float]) -> np.ndarray:
    """Weights divided by their sum (float64).

    Raises:
        MixError: no weights, a negative or non-finite one, or all zero.
    """
    w = np.asarray([float(v) for v in weights], dtype=np.float64)
    if w.size == 0:
        raise MixError("a mix needs at least one voice")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise MixError("mix weights must be numbers of 0 or more")
    if w.sum() <= 0:
        raise MixError("all mix weights are zero: give at least one voice a weight above 0")
    return w / w.sum()


def mix_vectors(vectors: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """The weighted mean of speaker vectors (weights normalised to sum 1), float32, not renormalised:
    the reference's singer vectors are plain means, so a weight of 1 gives that vector exactly.

    Raises:
        MixError: weights as :func:`normalised_weights` refuses, or vectors of different sizes.
    """
    if len(vectors) != len(weights):
        raise MixError("one weight per voice is needed")
    w = normalised_weights(weights)
    stack = [np.asarray(v, dtype=np.float32).reshape(-1) for v in vectors]
    if len({v.shape for v in stack}) != 1:
        raise MixError("the voices' speaker vectors have different sizes and cannot be mixed")
    if np.count_nonzero(w) == 1:  # exactly the one vector (no float round trip)
        return stack[int(np.flatnonzero(w)[0])].copy()
    out = np.zeros_like(stack[0], dtype=np.float64)
    for v, share in zip(stack, w):
        out += share * v.astype(np.float64)
    return out.astype(np.float32)


def mix_f0_stats(stats: Sequence[F0Stats | None], weights: Sequence[float]) -> F0Stats | None:
    """Pitch statistics of a mix: log-domain weighted means of the known ones (None if none known)."""
    known = [(s, w) for s, w in zip(stats, weights) if s is not None and w > 0]
    if not known:
        return None
    total = sum(w for _, w in known)

    def mean(values: list[float]) -> float:
        return sum(v * w for v, (_, w) in zip(values, known)) / total

    def hz(values: list[float]) -> float:
        return float(2 ** mean([math.log2(v) for v in values]))

    return F0Stats(
        median_hz=hz([s.median_hz for s, _ in known]),
        mean_log2=mean([s.mean_log2 for s, _ in known]),
        std_log2=mean([s.std_log2 for s, _ in known]),
        p05_hz=hz([s.p05_hz for s, _ in known]),
        p95_hz=hz([s.p95_hz for s, _ in known]),
        voiced_frames=int(sum(s.voiced_frames for s, _ in known)),
    )


def pretrain_weights(path: str | Path, config: VoiceConfig) -> tuple[VoiceConfig, dict[str, torch.Tensor]]:
    """The pretrain's config and inference generator weights (``enc_p``, ``flow``, ``dec``).

    Args:
        path: ``sovits5.0.pretrain.pth`` (or a so-vits-svc-5.0 checkpoint).
        config: the architecture to read it with where the file carries no config of its own (the
            published pretrain: ``VoiceConfig.sovits5()``); its content encoders are kept.

    Raises:
        MixError: the file is not a so-vits-svc-5.0 model that fits (one line naming the file).
    """
    from models.formats.reference_import import ImportError_, import_reference_file
    from models.nets.synthesizer import SynthesizerTrain

    try:
        imported = import_reference_file(path, base=config)
    except ImportError_ as exc:
        raise MixError(str(exc)) from None
    generator = imported.generator
    weights = (
        generator.inference_state_dict()
        if isinstance(generator, SynthesizerTrain)
        else generator.state_dict()
    )
    cfg = imported.config.replace(content=config.content, pitch=config.pitch, preset=config.preset)
    return cfg, {k: v.detach().clone() for k, v in weights.items()}


def pretrain_voice(
    config: VoiceConfig,
    weights: Mapping[str, torch.Tensor],
    speaker: np.ndarray,
    name: str,
    kind: str,
    recipe: Mapping[str, Any],
    *,
    f0_stats: F0Stats | None = None,
    app_version: str = "",
    seconds: float | None = None,
) -> tuple[VoiceManifest, dict[str, torch.Tensor]]:
    """The parts of a voice on the pretrain's generator with ``speaker`` as its vector.

    Returns:
        (manifest, weights) for :func:`models.formats.artifact.save_voice`; ``source`` is ``kind``
        and ``training`` holds ``steps 0`` and the ``recipe``.

    Raises:
        MixError: a vector of the wrong size or not finite, or an unknown kind.
    """
    if kind not in MADE_WITHOUT_TRAINING:
        raise MixError(f"unknown kind of voice {kind!r}")
    vector = np.asarray(speaker, dtype=np.float32).reshape(-1)
    if vector.shape != (config.model.spk_dim,) or not np.all(np.isfinite(vector)):
        raise MixError(
            f"voice {name!r}: the speaker vector must be {config.model.spk_dim} finite numbers, "
            f"got {vector.size}"
        )
    manifest = VoiceManifest(
        name=name,
        config=config,
        speaker=vector,
        app_version=app_version,
        source=kind,
        content_encoders={"speaker": {"name": PRETRAIN_SPACE}},
        f0_stats=f0_stats,
        training={"steps": 0, "dataset_seconds": seconds, "recipe": dict(recipe)},
    )
    return manifest, dict(weights)


def mix_recipe(ingredients: Sequence[Ingredient], generator: str) -> dict[str, Any]:
    """The recipe a mix records: its generator and each ingredient's kind, name, ref and share."""
    shares = normalised_weights([i.weight for i in ingredients])
    return {
        "generator": generator,
        "speaker_encoder": PRETRAIN_SPACE,
        "ingredients": [
            {"kind": i.kind, "name": i.name, "ref": i.ref, "weight": float(i.weight), "share": float(s)}
            for i, s in zip(ingredients, shares)
        ],
    }


def check_same_architecture(a: Voice, b: Voice) -> None:
    """Two voices can be merged only when their generators have the same architecture and inputs.

    Raises:
        MixError: naming both voices and what differs.
    """
    ca, cb = a.config, b.config
    for part in ("audio", "model", "content"):
        if getattr(ca, part) != getattr(cb, part):
            raise MixError(
                f"voices {a.manifest.name!r} and {b.manifest.name!r} cannot be merged: their "
                f"{'model sizes' if part == 'model' else part + ' settings'} differ"
            )


def merge_state(
    state_a: Mapping[str, torch.Tensor], state_b: Mapping[str, torch.Tensor], rate: float
) -> dict[str, torch.Tensor]:
    """The reference's ``merge_model``: ``rate * a + (1 - rate) * b`` for every key of ``a``
    (``rate`` 1 gives ``a`` exactly, 0 gives ``b``).

    Raises:
        MixError: ``rate`` outside 0-1, or the two states do not have the same keys and shapes.
    """
    if not 0.0 <= rate <= 1.0 or not math.isfinite(rate):
        raise MixError(f"the merge ratio must be between 0 and 1, got {rate}")
    if set(state_a) != set(state_b):
        raise MixError("the two generators do not have the same weights")
    out: dict[str, torch.Tensor] = {}
    for key, ta in state_a.items():
        tb = state_b[key]
        if ta.shape != tb.shape:
            raise MixError(f"the two generators differ in the shape of {key}")
        if rate == 1.0:
            out[key] = ta.detach().clone()
        elif rate == 0.0:
            out[key] = tb.detach().clone()
        else:
            out[key] = rate * ta.detach().float() + (1.0 - rate) * tb.detach().float()
    return out


def merge_voices(
    a: Voice, b: Voice, rate: float, name: str, app_version: str = ""
) -> tuple[VoiceManifest, dict[str, torch.Tensor]]:
    """A new voice from two voices' generators (``rate`` of ``a``, the rest of ``b``) and the same mix of
    their speaker vectors and pitch statistics; the recipe names both voices and the ratio.

    Raises:
        MixError: different architectures, or a ratio outside 0-1.
    """
    check_same_architecture(a, b)
    if speaker_space(a.manifest) != speaker_space(b.manifest):
        raise MixError(
            f"voices {a.manifest.name!r} and {b.manifest.name!r} cannot be merged: their speaker "
            f"vectors come from different speaker encoders"
        )
    state = merge_state(a.generator.state_dict(), b.generator.state_dict(), rate)
    weights = [rate, 1.0 - rate]
    speaker = mix_vectors([a.manifest.speaker, b.manifest.speaker], weights)
    manifest = VoiceManifest(
        name=name,
        config=a.config,
        speaker=speaker,
        app_version=app_version,
        source=KIND_MERGE,
        content_encoders={
            k: dict(v)
            for k, v in a.manifest.content_encoders.items()
            if a.manifest.content_encoders.get(k) == b.manifest.content_encoders.get(k)
        },
        pitch_extractor=a.manifest.pitch_extractor,
        f0_stats=mix_f0_stats([a.manifest.f0_stats, b.manifest.f0_stats], weights),
        training={
            "steps": 0,
            "recipe": {
                "merge": [
                    {"name": a.manifest.name, "ref": a.manifest.id, "rate": float(rate)},
                    {"name": b.manifest.name, "ref": b.manifest.id, "rate": float(1.0 - rate)},
                ]
            },
        },
    )
    manifest.content_encoders.setdefault("speaker", {"name": speaker_space(a.manifest)})
    return manifest, state
