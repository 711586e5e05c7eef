"""Training data: a prepared dataset's clips with their cached features, as reproducible batches.

A prepared dataset (``voicecraft prepare``) is a folder with ``manifest.json`` (the clips),
``clips/*.wav`` (32 kHz), ``features.json`` (which extractors produced the cached features)
and usually ``speaker.npy`` (the voice's averaged d-vector). Features live in the feature
cache (:mod:`models.features.clip`), keyed by each clip's content hash; training reads them from
there and never recomputes content or pitch features (a missing feature is an error that
says to run ``voicecraft prepare`` again).

Order and crops are functions of ``(seed, epoch)`` only, so a resumed run sees exactly the
batches it would have seen: each epoch permutes the training clips, cuts a random crop of at
most ``clip_max_s`` from each, sorts every chunk of :data:`BUCKET` consecutive samples by
length (bucketing: little padding in a batch) and serves consecutive slices as batches. The
position inside an epoch is one integer, so the batch size may change mid-epoch (after an
out-of-memory recovery) without losing or repeating a sample.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.config import AudioConfig, VoiceConfig
from models.errors import Message
from models.features.audio import load_audio
from models.features.clip import AlignedFeatures, FeaturePipeline, content_hash

BUCKET = 64  # samples sorted together by length
FEATURES_NAME = "features.json"
SPEAKER_NAME = "speaker.npy"


class DatasetError(ValueError):
    """A dataset that cannot be trained on (the message names the file and the problem)."""


class FeatureMissing(DatasetError):
    """A clip's feature is not in the cache."""


class _CacheOnly:
    """Stands in for an extractor: the identity it had at preparation, and no computing."""

    def __init__(self, role: str, describe: dict[str, Any], clip: str) -> None:
        self.role, self._describe, self.clip = role, describe, clip
        self.name = str(describe.get("name", role))

    def describe(self) -> dict[str, Any]:
        return self._describe

    def _missing(self, *_: Any) -> Any:
        raise FeatureMissing(
            f"{self.clip}: its {self.role} feature ({self.name}) is not in the feature cache; "
            f"run 'voicecraft prepare' for this dataset again"
        )

    extract = encode = embed = _missing


@dataclass
class Clip:
    """One clip in memory: its audio (cut to whole frames) and aligned features."""

    name: str
    wave: np.ndarray  # (N · hop,) float32 at the model rate
    feats: AlignedFeatures
    speaker: np.ndarray  # (spk_dim,) float32

    @property
    def frames(self) -> int:
        return self.feats.frames


@dataclass
class Batch:
    """Model-ready tensors of one batch (channels first, 100 Hz frames).

    ppg (B, ppg_dim, T), vec (B, vec_dim, T), f0 (B, T) Hz, spec (B, 513, T),
    wave (B, 1, T · hop), spk (B, spk_dim), lengths (B,) valid frames.
    """

    ppg: torch.Tensor
    vec: torch.Tensor
    f0: torch.Tensor
    spec: torch.Tensor
    wave: torch.Tensor
    spk: torch.Tensor
    lengths: torch.Tensor
    names: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return int(self.lengths.shape[0])

    def to(self, device: torch.device) -> Batch:
        move = {
            k: getattr(self, k).to(device, non_blocking=True)
            for k in ("ppg", "vec", "f0", "spec", "wave", "spk", "lengths")
        }
        return Batch(**move, names=self.names)


def collate(items: Sequence[tuple[Clip, int, int]], hop: int, frames: int = 0) -> Batch:
    """Pads (clip, start frame, frames) crops to the longest one (or to ``frames`` if longer)."""
    t = max(frames, *(n for _, _, n in items))
    b = len(items)
    first = items[0][0].feats
    ppg = np.zeros((b, first.ppg.shape[1], t), np.float32)
    vec = np.zeros((b, first.vec.shape[1], t), np.float32)
    spec = np.zeros((b, first.spec.shape[0], t), np.float32)
    f0 = np.zeros((b, t), np.float32)
    wave = np.zeros((b, 1, t * hop), np.float32)
    spk = np.zeros((b, items[0][0].speaker.shape[0]), np.float32)
    lengths = np.zeros(b, np.int64)
    for i, (clip, start, n) in enumerate(items):
        f = clip.feats
        ppg[i, :, :n] = f.ppg[start : start + n].T
        vec[i, :, :n] = f.vec[start : start + n].T
        spec[i, :, :n] = f.spec[:, start : start + n]
        f0[i, :n] = f.f0_hz[start : start + n]
        wave[i, 0, : n * hop] = clip.wave[start * hop : (start + n) * hop]
        spk[i] = clip.speaker
        lengths[i] = n
    return Batch(
        *(torch.from_numpy(a) for a in (ppg, vec, f0, spec, wave, spk, lengths)),
        names=tuple(c.name for c, _, _ in items),
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(Message(f"{path}: missing — prepare the dataset with 'voicecraft prepare' first",
                                  "dataset_missing", path=str(path))) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _damaged(path, f"unreadable ({exc})") from None


def _damaged(path: Path, problem: str) -> DatasetError:
    """``"PATH: problem"``: a prepared dataset whose file ``path`` cannot be used (prepare it again)."""
    return DatasetError(Message(f"{path}: {problem}", "dataset_damaged", path=str(path)))


def _described(folder: Path) -> dict[str, Any]:
    described = _read_json(folder / FEATURES_NAME)
    if not isinstance(described, dict) or not described.get("ppg") or not described.get("vec"):
        raise DatasetError(Message(
            f"{folder / FEATURES_NAME}: the dataset needs both a PPG and a unit (vec) encoder's "
            f"features; prepare it with --content whisper-large-v2,hubert-soft", "dataset_wrong_encoders",
        ))
    return described


def feature_dims(dataset_dir: str | Path) -> tuple[int, int]:
    """(PPG size, vec size) of a prepared dataset's content features, from ``features.json``."""
    folder = Path(dataset_dir)
    described = _described(folder)
    try:
        return int(described["ppg"]["dim"]), int(described["vec"]["dim"])
    except (KeyError, TypeError, ValueError):
        raise _damaged(folder / FEATURES_NAME, "content encoders without a feature size") from None


def load_clips(
    dataset_dir: str | Path, feature_cache: str | Path, config: VoiceConfig
) -> tuple[list[Clip], dict[str, Any]]:
    """Reads every clip of a prepared dataset with its cached features.

    Args:
        dataset_dir: the prepared dataset folder.
        feature_cache: the feature cache root the dataset was prepared into.
        config: the voice's config (frame geometry and the dimensions features must have).

    Returns:
        (clips, features description from ``features.json``).

    Raises:
        DatasetError: missing/invalid manifest, features of the wrong size, no usable clip ...
    """
    from models.features.preprocess import read_manifest

    folder = Path(dataset_dir)
    try:
        manifest = read_manifest(folder)
    except ValueError as exc:
        raise DatasetError(Message(str(exc), "dataset_damaged", path=str(folder / "manifest.json"))) from None
    described = _described(folder)
    audio: AudioConfig = config.audio
    m = config.model
    for role, want in (("ppg", m.ppg_dim), ("vec", m.vec_dim)):
        got = described[role].get("dim")
        if got != want:
            raise DatasetError(Message(
                f"{folder / FEATURES_NAME}: {role} features are {got}-d but the model "
                f"({config.preset}) expects {want}-d; use the matching preset or base model",
                "dataset_preset_mismatch", preset=config.preset,
            ))
    avg_speaker = None
    if (folder / SPEAKER_NAME).is_file():
        try:
            avg_speaker = np.load(folder / SPEAKER_NAME, allow_pickle=False).astype(np.float32).reshape(-1)
        except (OSError, ValueError) as exc:
            raise _damaged(folder / SPEAKER_NAME, f"unreadable speaker vector ({exc})") from None
    entries = manifest.get("clips") or []
    if not entries:
        raise DatasetError(Message(f"{folder / 'manifest.json'}: the dataset has no clips",
                                  "dataset_no_clips", path=str(folder)))
    clips: list[Clip] = []
    for entry in entries:
        path = folder / str(entry["file"])
        try:
            wave, _ = load_audio(path, audio.sample_rate)
        except Exception as exc:  # noqa: BLE001 - any unreadable clip is reported with its name
            raise _damaged(path, f"unreadable clip ({exc})") from None
        wave = np.ascontiguousarray(wave, dtype=np.float32)
        roles = {
            r: (_CacheOnly(r, described[r], str(path)) if described.get(r) else None)
            for r in ("f0", "ppg", "vec", "speaker")
        }
        pipeline = FeaturePipeline(
            pitch=roles["f0"],
            ppg=roles["ppg"],
            vec=roles["vec"],  # type: ignore[arg-type]
            speaker=roles["speaker"],
            cache_dir=Path(feature_cache),
            audio=audio,
        )
        if roles["f0"] is None:
            raise _damaged(folder / FEATURES_NAME, "no pitch extractor recorded")
        try:
            feats, _ = pipeline.clip(wave)
        except ValueError as exc:
            raise _damaged(path, str(exc)) from None
        speaker = feats.speaker if feats.speaker is not None else avg_speaker
        if speaker is None:
            raise _damaged(folder, f"no speaker embedding (neither per clip nor {SPEAKER_NAME})")
        speaker = np.asarray(speaker, np.float32).reshape(-1)
        if speaker.shape[0] != m.spk_dim:
            values = speaker.shape[0]
            raise _damaged(path, f"speaker embedding has {values} values, the model expects {m.spk_dim}")
        n = feats.frames
        # Content features dominate memory (1280 + 256 values per 10 ms: ~0.9 GB per 30 min in
        # float32); they are kept as float16 (training adds N(0, 1) noise to them anyway) and
        # widened to float32 when a batch is assembled.
        feats = dataclasses.replace(feats, ppg=feats.ppg.astype(np.float16), vec=feats.vec.astype(np.float16))
        clips.append(Clip(str(entry["file"]), wave[: n * audio.hop_length], feats, speaker))
    return clips, described


def split_clips(clips: Sequence[Clip], val_clips: int) -> tuple[list[Clip], list[Clip]]:
    """Deterministic held-out split: at most ``val_clips`` and at most a tenth of the clips
    (at least one when there are two or more), chosen by content hash, never by position."""
    if len(clips) < 2 or val_clips <= 0:
        return list(clips), []
    n_val = min(val_clips, max(1, len(clips) // 10))
    ranked = sorted(range(len(clips)), key=lambda i: content_hash(clips[i].wave))
    held = set(ranked[:n_val])
    return [c for i, c in enumerate(clips) if i not in held], [c for i, c in enumerate(clips) if i in held]


class EpochSampler:
    """The reproducible sample stream: (seed, epoch) -> ordered crops; position = samples used."""

    def __init__(self, clips: Sequence[Clip], config: VoiceConfig) -> None:
        t = config.train
        frame_s = config.audio.frame_s
        self.min_frames = max(config.segment_frames, int(round(t.clip_min_s / frame_s)))
        self.max_frames = int(round(t.clip_max_s / frame_s))
        self.clips = [c for c in clips if c.frames >= self.min_frames]
        self.skipped = [c.name for c in clips if c.frames < self.min_frames]
        if not self.clips:
            raise DatasetError(Message(f"no training clip is at least {self.min_frames * frame_s:.2f} s long",
                                      "dataset_clips_too_short", seconds=self.min_frames * frame_s))
        self.seed = t.seed
        self.hop = config.audio.hop_length
        self._cache: tuple[int, list[tuple[int, int, int]]] | None = None

    def __len__(self) -> int:
        return len(self.clips)

    def epoch_order(self, epoch: int) -> list[tuple[int, int, int]]:
        """(clip index, start frame, frames) for every sample of ``epoch``, in serving order."""
        if self._cache is not None and self._cache[0] == epoch:
            return self._cache[1]
        rng = np.random.default_rng([self.seed, epoch])
        perm = rng.permutation(len(self.clips))
        samples = []
        for idx in perm:
            n = self.clips[idx].frames
            length = min(n, self.max_frames)
            start = int(rng.integers(0, n - length + 1))
            samples.append((int(idx), start, length))
        order: list[tuple[int, int, int]] = []
        for k in range(0, len(samples), BUCKET):
            order += sorted(samples[k : k + BUCKET], key=lambda s: -s[2])
        self._cache = (epoch, order)
        return order

    def batch(
        self, epoch: int, position: int, size: int, shard: tuple[int, int] | None = None
    ) -> tuple[Batch, int, int]:
        """The batch at (epoch, position); returns it with the (epoch, position) after it.

        A batch never spans two epochs: the last one of an epoch may be smaller. With ``shard``
        = (rank, processes), ``size`` is the global batch and the result is this process's share,
        as :class:`torch.utils.data.DistributedSampler` shards (unshuffled: every ``processes``-th
        sample from ``rank``; a global batch that does not divide evenly repeats its first samples
        so that every process gets the same number); (epoch, position) stay global.
        """
        order = self.epoch_order(epoch)
        if position >= len(order):  # a resumed run whose dataset shrank
            epoch, position = epoch + 1, 0
            order = self.epoch_order(epoch)
        chosen = order[position : position + size]
        position += len(chosen)
        if position >= len(order):
            epoch, position = epoch + 1, 0
        frames = 0
        if shard is not None and shard[1] > 1:
            from torch.utils.data import DistributedSampler

            rank, processes = shard
            sampler = DistributedSampler(chosen, num_replicas=processes, rank=rank, shuffle=False)
            frames = max(n for _, _, n in chosen)  # padded as the global batch is: same step as one process
            chosen = [chosen[i] for i in sampler]
        return collate([(self.clips[i], s, n) for i, s, n in chosen], self.hop, frames), epoch, position


def iter_full_clips(clips: Sequence[Clip], max_frames: int, hop: int) -> Iterator[Batch]:
    """One-clip batches of whole clips (at most ``max_frames``), for validation."""
    for clip in clips:
        yield collate([(clip, 0, min(clip.frames, max_frames))], hop)
