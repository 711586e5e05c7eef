"""On-disk formats: the voice artifact and the training checkpoint.

Voice artifact — one folder, self-describing (config and weights travel together)::

    <voice>/voice.json             manifest: format_version, app/config, speaker embedding,
                                   content encoders (+ weight hashes), F0 statistics, training info,
                                   sha256 of the weights file
    <voice>/generator.safetensors  inference generator weights (enc_p, flow, dec), float32
    <voice>/retrieval-*.index, retrieval.json   optional feature-retrieval indexes and their record
                                   (models.features.retrieval; built at export)

Training checkpoint — one file ``*.ckpt`` written by ``torch.save`` and read back with
``weights_only=True``: generator, discriminator, optimisers, schedulers, scaler, step, epoch,
config (JSON text) and RNG states (tensors, or JSON text for Python's and NumPy's).

Every write goes to a temporary sibling and is renamed into place, so a crash or a cancel
leaves the previous file (or nothing), never half a file. Loads are strict: an unknown
format version, a corrupted or truncated file, or weights of another shape raise
:class:`ArtifactError` naming the file and the problem.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.atomic import atomic_path, atomic_write_bytes, fsync_dir
from models.config import ConfigError, VoiceConfig
from models.errors import Message, UserError
from models.formats.safeload import LoadError, check_fits, load_strict, safe_torch_load
from models.nets.synthesizer import SynthesizerInfer

VOICE_FORMAT = "voicecraft-voice"
VOICE_FORMAT_VERSION = 1
SUPPORTED_VOICE_VERSIONS = (1,)
CHECKPOINT_FORMAT = "voicecraft-checkpoint"
CHECKPOINT_FORMAT_VERSION = 1
SUPPORTED_CHECKPOINT_VERSIONS = (1,)
MANIFEST_NAME = "voice.json"
WEIGHTS_NAME = "generator.safetensors"


class ArtifactError(ValueError, UserError):
    """A voice or checkpoint that cannot be written or read (message names the file)."""


def voice_version_problem(data: Mapping[str, Any]) -> str | None:
    """Why a parsed ``voice.json`` is not a voice this VoiceCraft opens, or ``None`` when it is.

    Only a well-formed manifest with a *newer* integer ``format_version`` asks to update VoiceCraft;
    anything else (no ``format`` marker, a missing, non-integer or older version) is simply not a
    VoiceCraft voice.
    """
    if data.get("format") != VOICE_FORMAT:
        return "not a VoiceCraft voice manifest"
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        return f"not a VoiceCraft voice manifest (format_version {version!r} is not a version number)"
    if version > max(SUPPORTED_VOICE_VERSIONS):
        return (f"voice format version {version} is newer than this VoiceCraft reads "
                f"(up to {max(SUPPORTED_VOICE_VERSIONS)}); update VoiceCraft to open it")
    if version not in SUPPORTED_VOICE_VERSIONS:
        return f"not a VoiceCraft voice manifest (format version {version} is not supported)"
    return None


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, streamed."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def atomic_torch_save(obj: Any, path: str | Path) -> None:
    """``torch.save`` through :func:`models.atomic.atomic_path` (temporary sibling, fsync, rename)."""
    with atomic_path(path) as tmp:
        torch.save(obj, tmp)


# ----------------------------------------------------------------------------- voice artifact


@dataclass(frozen=True)
class F0Stats:
    """Pitch statistics of a voice's training data, for automatic key matching (Hz, voiced frames)."""

    median_hz: float
    mean_log2: float
    std_log2: float
    p05_hz: float
    p95_hz: float
    voiced_frames: int

    @classmethod
    def from_f0(cls, f0_hz: np.ndarray) -> F0Stats:
        """Statistics over the voiced (f0 > 0) values of any array of F0 in Hz."""
        voiced = np.asarray(f0_hz, dtype=np.float64).reshape(-1)
        voiced = voiced[voiced > 0]
        if voiced.size == 0:
            raise ValueError("no voiced frames: cannot compute F0 statistics")
        logs = np.log2(voiced)
        return cls(float(np.median(voiced)), float(logs.mean()), float(logs.std()),
                   float(np.percentile(voiced, 5)), float(np.percentile(voiced, 95)), int(voiced.size))

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> F0Stats:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


@dataclass
class VoiceManifest:
    """The content of ``voice.json``."""

    name: str
    config: VoiceConfig
    speaker: np.ndarray  # (spk_dim,) float32
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    app_version: str = ""
    content_encoders: dict[str, dict[str, Any]] = field(default_factory=dict)
    pitch_extractor: str = ""
    f0_stats: F0Stats | None = None
    training: dict[str, Any] = field(default_factory=dict)
    source: str = "voicecraft"  # or "so-vits-svc-5.0 import"
    weights_sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": VOICE_FORMAT,
            "format_version": VOICE_FORMAT_VERSION,
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "source": self.source,
            "config": self.config.to_dict(),
            "speaker_embedding": [float(v) for v in self.speaker],
            "content_encoders": self.content_encoders,
            "pitch_extractor": self.pitch_extractor,
            "f0_stats": self.f0_stats.to_dict() if self.f0_stats else None,
            "training": self.training,
            "weights": {"file": WEIGHTS_NAME, "sha256": self.weights_sha256},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> VoiceManifest:
        problem = voice_version_problem(data)
        if problem:
            raise ArtifactError(f"{where}: {problem}")
        try:
            config = VoiceConfig.from_dict(data["config"])
            speaker = np.asarray(data["speaker_embedding"], dtype=np.float32)
            f0 = data.get("f0_stats")
            manifest = cls(
                name=str(data["name"]), config=config, speaker=speaker, id=str(data["id"]),
                created_at=str(data["created_at"]), app_version=str(data.get("app_version", "")),
                content_encoders=dict(data.get("content_encoders") or {}),
                pitch_extractor=str(data.get("pitch_extractor", "")),
                f0_stats=F0Stats.from_dict(f0) if f0 else None, training=dict(data.get("training") or {}),
                source=str(data.get("source", "voicecraft")),
                weights_sha256=str(data["weights"]["sha256"]),
            )
        except (KeyError, TypeError, ValueError, ConfigError) as exc:
            raise ArtifactError(f"{where}: malformed manifest: {exc}") from None
        if manifest.speaker.shape != (config.model.spk_dim,) or not np.all(np.isfinite(manifest.speaker)):
            raise ArtifactError(f"{where}: speaker_embedding must be {config.model.spk_dim} finite numbers")
        return manifest


@dataclass
class Voice:
    """A loaded voice: manifest, folder and the ready inference generator (eval mode)."""

    manifest: VoiceManifest
    folder: Path
    generator: SynthesizerInfer

    @property
    def config(self) -> VoiceConfig:
        return self.manifest.config

    def speaker_tensor(self, device: torch.device | str = "cpu") -> torch.Tensor:
        """(1, spk_dim) speaker vector."""
        return torch.from_numpy(self.manifest.speaker).unsqueeze(0).to(device)


def save_voice(folder: str | Path, manifest: VoiceManifest, weights: Mapping[str, torch.Tensor],
               overwrite: bool = False) -> Path:
    """Writes a voice folder atomically.

    Args:
        folder: destination folder (created; its parent must exist).
        manifest: everything but the weights (``weights_sha256`` is filled in here).
        weights: the inference generator's state dict (``enc_p.*``, ``flow.*``, ``dec.*``).
        overwrite: replace an existing voice at ``folder``.

    Returns:
        The folder.
    """
    from safetensors.torch import save_file

    folder = Path(folder)
    if folder.exists() and not overwrite:
        raise ArtifactError(Message(f"{folder}: already exists", "voice_folder_exists", path=str(folder)))
    # Refuse weights that do not fit the manifest's config before writing anything.
    load_strict(SynthesizerInfer(manifest.config), dict(weights), f"voice {manifest.name!r}")
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    try:
        tensors = {k: v.detach().to("cpu", torch.float32).contiguous() for k, v in weights.items()}
        save_file(tensors, str(tmp / WEIGHTS_NAME), metadata={"format": VOICE_FORMAT})
        manifest.weights_sha256 = sha256_file(tmp / WEIGHTS_NAME)
        atomic_write_bytes(tmp / MANIFEST_NAME, json.dumps(manifest.to_dict(), indent=2).encode("utf-8"))
        if folder.exists():
            old = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}.old")
            os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, folder)
        fsync_dir(folder.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def read_manifest(folder: str | Path) -> VoiceManifest:
    """Reads and validates ``voice.json`` of a voice folder (weights untouched)."""
    path = Path(folder) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"{path}: missing — {folder} is not a voice folder") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"{path}: unreadable manifest: {exc}") from None
    if not isinstance(data, dict):
        raise ArtifactError(f"{path}: malformed manifest")
    return VoiceManifest.from_dict(data, str(path))


def load_voice(folder: str | Path, device: torch.device | str = "cpu") -> Voice:
    """Loads a voice folder strictly: manifest, weights hash, keys and shapes."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    folder = Path(folder)
    manifest = read_manifest(folder)
    weights_path = folder / WEIGHTS_NAME
    if not weights_path.is_file():
        raise ArtifactError(f"{weights_path}: missing weights file")
    if manifest.weights_sha256 and sha256_file(weights_path) != manifest.weights_sha256:
        raise ArtifactError(f"{weights_path}: checksum mismatch — the file is corrupted or was modified")
    try:
        state = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise ArtifactError(f"{weights_path}: unreadable weights: {exc}") from None
    try:
        check_fits(lambda: SynthesizerInfer(manifest.config), state, str(weights_path))  # before allocating
        generator = SynthesizerInfer(manifest.config)
        load_strict(generator, state, str(weights_path))
    except LoadError as exc:
        raise ArtifactError(str(exc)) from None
    return Voice(manifest, folder, generator.to(device).eval())


# ----------------------------------------------------------------------------- training checkpoint


def save_checkpoint(path: str | Path, state: Mapping[str, Any]) -> Path:
    """Writes a training checkpoint atomically.

    ``state`` holds tensors, state dicts, numbers and strings only (no arbitrary objects),
    so that :func:`load_checkpoint` can read it with ``weights_only=True``. Required keys:
    ``config`` (a :class:`VoiceConfig`), ``model_g``, ``model_d``, ``step``.
    """
    path = Path(path)
    payload = dict(state)
    config = payload.pop("config")
    if not isinstance(config, VoiceConfig):
        raise ArtifactError(f"{path}: 'config' must be a VoiceConfig")
    payload["format"] = CHECKPOINT_FORMAT
    payload["format_version"] = CHECKPOINT_FORMAT_VERSION
    payload["config_json"] = json.dumps(config.to_dict())
    atomic_torch_save(payload, path)
    return path


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """Reads a training checkpoint safely; ``config`` comes back as a :class:`VoiceConfig`."""
    path = Path(path)

    def damaged(text: str) -> ArtifactError:  # the English names what is wrong; the app says "damaged"
        return ArtifactError(Message(text, "checkpoint_damaged", path=str(path)))

    try:
        data = safe_torch_load(path, "VoiceCraft training checkpoint")
    except LoadError as exc:
        raise damaged(str(exc)) from None
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise damaged(f"{path}: not a VoiceCraft training checkpoint")
    if data.get("format_version") not in SUPPORTED_CHECKPOINT_VERSIONS:
        version = data.get("format_version")
        raise ArtifactError(Message(f"{path}: checkpoint format version {version!r} is not supported",
                                    "checkpoint_version", path=str(path), version=str(version)))
    try:
        data["config"] = VoiceConfig.from_dict(json.loads(data.pop("config_json")))
    except (KeyError, json.JSONDecodeError, ConfigError) as exc:
        raise damaged(f"{path}: malformed checkpoint config: {exc}") from None
    for key in ("model_g", "model_d", "step"):
        if key not in data:
            raise damaged(f"{path}: checkpoint lacks {key!r}")
    return data


def voice_from_reference(imported: Any, name: str, app_version: str = "") -> tuple[VoiceManifest, dict[str, torch.Tensor]]:
    """Turns an imported so-vits-svc-5.0 model (with its singer vector) into our voice artifact parts.

    Args:
        imported: a :class:`models.formats.reference_import.ImportedModel` that carries ``speaker``.
        name: display name of the new voice.

    Returns:
        (manifest, inference weights) ready for :func:`save_voice`.
    """
    from models.nets.synthesizer import SynthesizerTrain

    if imported.speaker is None:
        raise ArtifactError(f"voice {name!r}: a so-vits-svc-5.0 voice needs its singer .npy speaker vector")
    generator = imported.generator
    weights = (generator.inference_state_dict() if isinstance(generator, SynthesizerTrain)
               else generator.state_dict())
    manifest = VoiceManifest(
        name=name, config=imported.config, speaker=np.asarray(imported.speaker, dtype=np.float32),
        app_version=app_version, source="so-vits-svc-5.0 import",
        content_encoders={"ppg": {"name": "whisper-large-v2-24"}, "vec": {"name": "hubert-soft"}},
        pitch_extractor="crepe-full", training={"steps": imported.step, "imported_kind": imported.kind},
    )
    return manifest, weights
