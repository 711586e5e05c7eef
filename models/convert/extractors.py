"""The feature extractors a conversion uses, and the check that they are the ones a voice was
trained with (content encoder name, output size, weights hash; a different pitch extractor is noted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.convert.options import ConvertError
from models.errors import Message
from models.features.pitch import PitchExtractor


@dataclass
class Extractors:
    """The feature extractors conversion uses (loaded by the caller, e.g. from an AssetStore).

    Attributes:
        pitch: F0 extractor.
        ppg: PPG encoder (``None`` only if the voice takes no PPG; ours always do).
        vec: unit encoder.
        speaker: resemblyzer encoder for the report's similarity, or ``None`` (no similarity).
        weights_sha256: role ("ppg"/"vec") -> sha256 of the loaded weights, where known; checked
            against the hashes a voice recorded.
    """

    pitch: PitchExtractor
    ppg: Any
    vec: Any
    speaker: Any = None
    weights_sha256: dict[str, str] = field(default_factory=dict)


def voice_encoder_names(voice: Any) -> dict[str, str]:
    """The content encoders a voice was trained with: role ("ppg"/"vec") -> registry name.

    The manifest's record of the dataset's encoders wins when it names a known encoder; otherwise
    (imported voices record descriptive names) the voice config's ``content`` section does.
    """
    from models.features.content import ENCODERS

    cfg = voice.config.content
    names = {"ppg": cfg.ppg_encoder, "vec": cfg.vec_encoder}
    for role in names:
        recorded = (voice.manifest.content_encoders.get(role) or {}).get("name")
        if isinstance(recorded, str) and recorded in ENCODERS:
            names[role] = recorded
    return names


def check_extractors(voice: Any, extractors: Extractors) -> list[str]:
    """Refuses content encoders other than the voice's; returns notes on softer mismatches.

    Checked: the encoder's registry name against :func:`voice_encoder_names`, its output size
    against the model's input size, and (where both are known) the weights' sha256 against the
    voice's record. A different encoder code version, or a pitch extractor other than the
    training one, is allowed (F0 is in Hz either way) but noted.

    Raises:
        ConvertError: naming the voice, the role, what it was trained with and what is installed.
    """
    manifest = voice.manifest
    cfg = voice.config
    name = manifest.name
    dims = {"ppg": cfg.model.ppg_dim, "vec": cfg.model.vec_dim}
    notes = []
    for role, want_name in voice_encoder_names(voice).items():
        want_dim = dims[role]
        enc = getattr(extractors, role)
        if enc is None:
            raise ConvertError(f"voice {name!r} needs a {role} encoder ({want_name}) but none is loaded")
        if enc.name != want_name:
            raise ConvertError(
                f"voice {name!r} was trained with {role} encoder {want_name!r}, but {enc.name!r} "
                f"is installed; convert with the encoder the voice was trained with"
            )
        if int(enc.dim) != int(want_dim):
            raise ConvertError(
                f"voice {name!r} expects {want_dim}-d {role} features from {want_name!r}, but the "
                f"installed {enc.name!r} gives {enc.dim}-d (a different model size)"
            )
        record = manifest.content_encoders.get(role) or {}
        recorded, have = record.get("sha256"), extractors.weights_sha256.get(role)
        if recorded and have and recorded != have:
            raise ConvertError(
                f"voice {name!r} was trained with {want_name!r} weights sha256 {recorded[:12]}…, "
                f"but the installed file has {have[:12]}…; features would not match"
            )
        version = record.get("version")
        if version and getattr(enc, "version", None) and version != enc.version:
            notes.append(Message(
                f"{role}: voice {name!r} was trained with {want_name} {version}; installed {enc.version}",
                "encoder_version", role=role, voice=name, model=want_name, trained=version,
                installed=enc.version,
            ))
    trained = manifest.pitch_extractor
    if trained and trained != extractors.pitch.name:
        notes.append(Message(
            f"pitch: voice {name!r} was trained with {trained}; converting with {extractors.pitch.name}",
            "pitch_method_differs", voice=name, trained=trained, used=extractors.pitch.name,
        ))
    return notes
