"""Dataset preparation: a folder of recordings -> sliced, normalised 32 kHz clips + manifest.

Every file under the folder (recursively; hidden files ignored) is either used or listed with
the reason it was not. A usable recording is analysed in 10 ms frames while streaming (memory
stays bounded for hour-long files), cut at silences into clips of about 2-15 s, and each clip
is read back, mixed to mono, resampled to 32 kHz with soxr, peak-normalised to 0.6 (the
reference's level) and written as 16-bit WAV. Nothing is dropped silently: audio that ends
up in no clip (pieces under 1 s between silences, clipped passages) is listed too.

Rules (constants here and in :mod:`models.features.levels`, which measures the levels and plans the
cuts): silence is a frame below ``max(-60 dBFS, loud level - 35 dB)``, the
loud level being the 95th percentile of the frames that stand out from the background (more than
10 dB above its 10th percentile; all frames when none do), so hours of near-silence around a few
minutes of singing do not pull it down; a file is silent only when no frame anywhere in it
reaches -60 dBFS. A pause of 0.3 s or more is a cut candidate; a passage longer than
15 s without one is cut at its quietest frame between 8 and 15 s; pieces under 2 s are merged with a
neighbour at most 1 s away when the result stays within 15 s; pieces still under 1 s are reported.
A clip with more than 0.1 % of its samples in clipped runs is rejected as clipped. A clipped run
is 3+ equal samples of one channel at the integer format's rail (16-bit: -32768 or 32767), or,
in a float file (whose values may exceed 1 without clipping), at the file's own peak; in lossy
formats, 3+ samples at |x| >= 0.999. Files below 16 kHz are rejected (no content above 8 kHz to
learn a 32 kHz voice from); files below 32 kHz are used with a note.

The output folder is only ever created or replaced when it is absent, empty, or a dataset made
by this module (only our files in it): a file, a folder with anything else, the recordings
folder or a folder inside or around it is refused with :class:`DatasetTargetError`, and an
existing dataset is replaced only with ``overwrite``. The dataset is built under a temporary
name beside it and swapped in at the end (an atomic exchange where the OS has one), so a crash,
a cancel or a failure never leaves a half-written dataset nor touches the previous one; a
preparation without any usable clip writes nothing.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from models.atomic import atomic_write_text
from models.errors import Message
from models.features.audio import (
    MODEL_SAMPLE_RATE,
    AudioLoadError,
    audio_info,
    normalise_peak,
    resample,
    save_wav,
)
from models.features.levels import FRAME_S, HARD_MIN_CLIP_S, frame_levels, plan_clips

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
SILENT_FILE_DB = -60.0  # a file with no frame at or above this is "silent"
CLIPPED_FRACTION = 0.001
MIN_SOURCE_RATE = 16000
FULL_BAND_RATE = MODEL_SAMPLE_RATE
# Fine-tuning the pretrain on less than ~10 minutes of singing tends to leave the base
# model's timbre audible and to break on notes the data never reached; the so-vits-svc
# family's guides ask for 10-30 minutes. Below the threshold we warn, but still prepare.
RECOMMENDED_TOTAL_S = 600.0
AUDIO_EXTENSIONS = frozenset({".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff",
                              ".aifc", ".w64", ".rf64", ".caf", ".au", ".snd", ".wv", ".voc", ".sd2"})


@dataclass(frozen=True)
class Clip:
    """One prepared clip (an entry of the manifest)."""

    file: str
    source: str
    offset_s: float
    duration_s: float
    source_sample_rate: int
    source_channels: int


@dataclass(frozen=True)
class Rejection:
    """A file (or part of one) that was not used, and why."""

    source: str
    code: str
    reason: str
    offset_s: float | None = None
    duration_s: float | None = None


@dataclass
class DatasetReport:
    """What preparation produced; written as ``manifest.json``."""

    voice: str
    source_dir: str
    clips: list[Clip] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files_seen: int = 0
    files_used: int = 0

    @property
    def total_s(self) -> float:
        """Seconds of audio in the clips."""
        return float(sum(c.duration_s for c in self.clips))

    @property
    def usable(self) -> bool:
        """At least one clip was produced."""
        return bool(self.clips)

    def to_dict(self) -> dict[str, object]:
        """JSON form (the manifest)."""
        return {
            "format_version": MANIFEST_VERSION, "voice": self.voice, "source_dir": self.source_dir,
            "sample_rate": MODEL_SAMPLE_RATE, "total_s": round(self.total_s, 3), "files_seen": self.files_seen,
            "files_used": self.files_used, "clips": [asdict(c) for c in self.clips],
            "rejected": [asdict(r) for r in self.rejected], "notes": self.notes, "warnings": self.warnings,
        }

    def summary(self) -> str:
        """A human-readable report: totals, warnings, every rejection with its reason."""
        lines = [f"{len(self.clips)} clips, {self.total_s / 60:.1f} min of audio from {self.files_used} of "
                 f"{self.files_seen} files."]
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"note: {n}" for n in self.notes]
        for r in self.rejected:
            where = f" at {r.offset_s:.1f}-{r.offset_s + (r.duration_s or 0):.1f} s" if r.offset_s is not None else ""
            lines.append(f"not used: {r.source}{where}: {r.reason}")
        return "\n".join(lines)


@dataclass(frozen=True)
class PrepareProgress:
    """Progress of :func:`prepare_dataset`: files done of total, the file just handled."""

    done: int
    total: int
    source: str
    clips_so_far: int


class PrepareCancelled(RuntimeError):
    """Preparation stopped by the cancel event; the previous dataset (if any) is untouched."""


class DatasetTargetError(ValueError):
    """The output path is not ours to create or replace; nothing was written or moved."""


FEATURES_NAME = "features.json"
SPEAKER_NAME = "speaker.npy"
_OWN_ENTRIES = frozenset({MANIFEST_NAME, "clips", FEATURES_NAME, SPEAKER_NAME,
                          f".{MANIFEST_NAME}.tmp", f".{FEATURES_NAME}.tmp"})


def find_files(folder: Path) -> list[Path]:
    """Every non-hidden regular file under ``folder``, sorted (recursive)."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out += [Path(root) / f for f in sorted(files) if not f.startswith(".")]
    return out


def _read_segment(path: Path, start: int, stop: int) -> np.ndarray:
    import soundfile

    data, _ = soundfile.read(os.fspath(path), start=start, stop=stop, dtype="float32", always_2d=True)
    return data.mean(axis=1, dtype=np.float32)


def _prepare_file(path: Path, rel: str, clip_dir: Path, report: DatasetReport) -> None:
    try:
        rate, channels, frames = audio_info(path)
        if frames <= 0:
            raise AudioLoadError(path, "contains no audio (0 samples)")
    except AudioLoadError as exc:
        code = "empty" if "empty" in exc.reason or "no audio" in exc.reason else "unreadable"
        report.rejected.append(Rejection(rel, code, exc.reason))
        return
    if rate < MIN_SOURCE_RATE:
        report.rejected.append(Rejection(rel, "low_rate", Message(
            f"sample rate {rate} Hz is below {MIN_SOURCE_RATE} Hz: no content above {rate // 2} Hz to learn "
            f"a {MODEL_SAMPLE_RATE // 1000} kHz voice from", "reject_low_rate", rate=rate,
            minimum=MIN_SOURCE_RATE, top=rate // 2, model_khz=MODEL_SAMPLE_RATE // 1000)))
        return
    try:
        levels, clipped, total = frame_levels(path, rate)
    except AudioLoadError as exc:
        report.rejected.append(Rejection(rel, "corrupt", exc.reason))
        return
    except (RuntimeError, ValueError, OSError) as exc:
        report.rejected.append(Rejection(rel, "corrupt", Message(f"the audio data cannot be decoded ({exc})",
                                                                  "reject_undecodable", detail=str(exc))))
        return
    if total == 0:
        report.rejected.append(
            Rejection(rel, "empty", Message("contains no audio (0 samples)", "reject_empty")))
        return
    if len(levels) == 0 or float(np.max(levels)) < SILENT_FILE_DB:  # judged over the whole file
        report.rejected.append(Rejection(rel, "silent", Message("silent (no passage louder than -60 dBFS)",
                                                                 "reject_silent")))
        return
    hop = max(1, int(round(rate * FRAME_S)))
    plans, short = plan_clips(levels)
    for a, b in short:
        report.rejected.append(Rejection(rel, "too_short", Message(
            f"a sounding piece of {(b - a) * FRAME_S:.2f} s between silences is shorter than "
            f"{HARD_MIN_CLIP_S:.0f} s",
            "reject_too_short", seconds=(b - a) * FRAME_S, minimum=HARD_MIN_CLIP_S), a * FRAME_S,
                                         (b - a) * FRAME_S))
    used = 0
    for a, b in plans:
        n_clipped = int(clipped[a:b].sum())
        if n_clipped > CLIPPED_FRACTION * (b - a) * hop:
            report.rejected.append(Rejection(rel, "clipped", Message(
                f"clipped: {100 * n_clipped / ((b - a) * hop):.1f} % of samples in flat runs at full scale",
                "reject_clipped", percent=100 * n_clipped / ((b - a) * hop)),
                a * FRAME_S,
                (b - a) * FRAME_S))
            continue
        wave = _read_segment(path, a * hop, min(b * hop, total))
        wave = normalise_peak(resample(wave, rate, MODEL_SAMPLE_RATE))
        name = f"{len(report.clips) + 1:05d}.wav"
        save_wav(clip_dir / name, wave, MODEL_SAMPLE_RATE)
        report.clips.append(Clip(f"clips/{name}", rel, round(a * hop / rate, 4), round(len(wave) / MODEL_SAMPLE_RATE, 4),
                                 rate, channels))
        used += 1
    if used:
        report.files_used += 1
        if rate < FULL_BAND_RATE:
            report.notes.append(Message(
                f"{rel}: recorded at {rate} Hz, so the voice learns nothing above {rate // 2} Hz",
                "note_low_rate", file=rel, rate=rate, top=rate // 2))
        if channels > 1:
            report.notes.append(Message(
                f"{rel}: {channels} channels mixed down to mono", "note_mixed_down", file=rel,
                channels=channels))
    elif not plans and not short:
        report.rejected.append(Rejection(rel, "silent", Message("no passage stands out from the background",
                                                                 "reject_no_passage")))


def prepare_dataset(source_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str], voice: str,
                    cancel: threading.Event | None = None, *,
                    overwrite: bool = False) -> Iterator[PrepareProgress]:
    """Prepares a dataset folder (``clips/*.wav`` + ``manifest.json``) from recordings.

    Args:
        source_dir: folder searched recursively for recordings.
        out_dir: the dataset folder to create: absent, empty, or (with ``overwrite``) a dataset.
        voice: the voice's display name (recorded in the manifest).
        cancel: set it to stop between files; nothing is written then.
        overwrite: replace ``out_dir`` when it already holds a dataset (atomically, at the end).

    Yields:
        :class:`PrepareProgress` after each file.

    Returns:
        (via ``StopIteration.value``) the :class:`DatasetReport`; also written as the manifest when
        it has usable clips (without any, nothing is written and ``out_dir`` is left as it was).

    Raises:
        NotADirectoryError: ``source_dir`` is not a folder.
        DatasetTargetError: ``out_dir`` is not ours to create or replace (checked before any work).
        PrepareCancelled: ``cancel`` was set.
    """
    source, out = Path(source_dir), Path(out_dir)
    if not source.is_dir():
        raise NotADirectoryError(f"{source}: not a folder")
    check_target(out, source, overwrite=overwrite)
    staging = new_staging(out)
    try:
        report = yield from slice_into(source, staging, voice, cancel)
        if report.usable:
            swap_into_place(staging, out, source, overwrite=overwrite)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def slice_into(source_dir: str | os.PathLike[str], folder: str | os.PathLike[str], voice: str,
               cancel: threading.Event | None = None) -> Iterator[PrepareProgress]:
    """Slices the recordings into ``folder`` (a fresh staging folder: ``clips/`` + the manifest).

    Yields :class:`PrepareProgress` after each file; returns the :class:`DatasetReport`. The caller
    owns ``folder`` (and removes it on failure).
    """
    source, staging = Path(source_dir), Path(folder)
    files = find_files(source)
    report = DatasetReport(voice=voice, source_dir=os.fspath(source.absolute()), files_seen=len(files))
    (staging / "clips").mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(files):
        if cancel is not None and cancel.is_set():
            raise PrepareCancelled(f"preparation cancelled after {i} of {len(files)} files")
        rel = path.relative_to(source).as_posix()
        if path.suffix.lower() not in AUDIO_EXTENSIONS:
            report.rejected.append(
                Rejection(rel, "not_audio", Message(f"not an audio file (extension {path.suffix or 'none'})",
                                                    "reject_not_audio", extension=path.suffix)))
        else:
            _prepare_file(path, rel, staging / "clips", report)
        yield PrepareProgress(i + 1, len(files), rel, len(report.clips))
    if not files:
        report.warnings.append(Message(f"no files found in {source}", "warn_no_files", folder=str(source)))
    elif not report.clips:
        report.warnings.append(
            Message("no usable audio: every file was rejected (reasons below)", "warn_no_usable"))
    elif report.total_s < RECOMMENDED_TOTAL_S:
        report.warnings.append(Message(
            f"only {report.total_s / 60:.1f} min of audio; at least {RECOMMENDED_TOTAL_S / 60:.0f} min is "
            "recommended (with less, the base model's timbre stays audible and unseen notes break)",
            "warn_too_little", minutes=report.total_s / 60, recommended=RECOMMENDED_TOTAL_S / 60))
    write_manifest(staging, report)
    return report


def is_dataset_folder(folder: str | os.PathLike[str]) -> bool:
    """True when ``folder`` is a dataset this module made: a readable manifest and nothing but our files."""
    return _foreign_entry(Path(folder)) is None


def _foreign_entry(folder: Path) -> str | None:
    """The first entry of ``folder`` that makes it not (only) a dataset, or None when it is one."""
    try:
        read_manifest(folder)
    except ValueError:
        return f"it has no readable {MANIFEST_NAME}"
    for entry in sorted(os.listdir(folder)):
        path = folder / entry
        if entry not in _OWN_ENTRIES or path.is_symlink() or path.is_dir() != (entry == "clips"):
            return f"it holds {entry}"
    clips = folder / "clips"
    if clips.is_dir():
        for entry in sorted(os.listdir(clips)):
            if not (entry.endswith(".wav") and entry[:-4].isdigit()) or not (clips / entry).is_file():
                return f"it holds clips/{entry}"
    return None


def check_target(out: str | os.PathLike[str], source: str | os.PathLike[str] | None = None, *,
                 overwrite: bool = False) -> bool:
    """Checks that ``out`` may become a dataset; True when an existing dataset will be replaced.

    Raises:
        DatasetTargetError: ``out`` is a file or link, a folder holding anything but a dataset, an
            existing dataset without ``overwrite``, or the recordings folder / inside it / around it.
    """
    out = Path(out)
    if source is not None:
        src, dst = Path(source).resolve(), out.resolve()
        if dst == src:
            raise DatasetTargetError(f"{out} is the recordings folder; choose another folder for the dataset")
        if src in dst.parents:
            raise DatasetTargetError(
                f"{out} is inside the recordings folder {source}; choose a folder outside it")
        if dst in src.parents:
            raise DatasetTargetError(
                f"the recordings folder {source} is inside {out}; replacing it would erase the recordings")
    if out.is_symlink():
        raise DatasetTargetError(f"{out} is a link; not replacing it (give the folder it points to)")
    if not out.exists():
        return False
    if not out.is_dir():
        raise DatasetTargetError(f"{out} exists and is not a folder; not replacing it")
    try:
        if not os.listdir(out):
            return False
    except OSError as exc:
        raise DatasetTargetError(f"{out}: cannot be read ({exc.strerror})") from None
    foreign = _foreign_entry(out)
    if foreign is not None:
        raise DatasetTargetError(
            f"{out} is not a VoiceCraft dataset ({foreign}); not touching it: choose a new or empty folder")
    if not overwrite:
        raise DatasetTargetError(f"{out} already holds a dataset")
    return True


def new_staging(out: str | os.PathLike[str]) -> Path:
    """A fresh hidden folder beside ``out`` (same file system) to build its replacement in."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.partial-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    staging.mkdir()
    return staging


def remove_stale_staging(out: str | os.PathLike[str]) -> list[Path]:
    """Removes the hidden staging / previous-dataset folders of ``out`` left by a killed preparation.

    Only our own names (``.NAME.partial-PID[-HEX]``, ``.NAME.old-PID[-HEX]``) whose process is gone;
    never anything on Windows, where a pid cannot be probed safely. Returns the folders removed.
    """
    import re
    import sys

    out = Path(out)
    if sys.platform.startswith("win") or not out.parent.is_dir():
        return []
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(?:partial|old)-(\d+)(?:-[0-9a-f]{{8}})?")
    removed = []
    for entry in out.parent.iterdir():
        match = pattern.fullmatch(entry.name)
        if not match or not entry.is_dir() or entry.is_symlink() or _alive(int(match.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def swap_into_place(staging: str | os.PathLike[str], out: str | os.PathLike[str],
                    source: str | os.PathLike[str] | None = None, *, overwrite: bool = False) -> None:
    """Moves the finished ``staging`` folder to ``out``, replacing the dataset there (checked again first).

    Where the OS can exchange two paths atomically (Linux ``renameat2``), ``out`` is never absent;
    elsewhere it is absent between two renames. The previous dataset is erased afterwards.
    """
    staging, out = Path(staging), Path(out)
    if check_target(out, source, overwrite=overwrite):
        if _exchange(staging, out):
            shutil.rmtree(staging, ignore_errors=True)  # now holds the previous dataset
            return
        old = out.with_name(f".{out.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        os.replace(out, old)
        os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
        return
    if out.is_dir():  # empty: nothing of the user's to lose
        out.rmdir()
    os.replace(staging, out)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchanges two paths (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), os.fspath(b))


def write_manifest(folder: Path, report: DatasetReport) -> Path:
    """Writes ``manifest.json`` atomically; returns its path."""
    path = folder / MANIFEST_NAME
    atomic_write_text(path, json.dumps({**report.to_dict(), "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")},
                                       indent=1, ensure_ascii=False))
    return path


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, object]:
    """Reads a dataset's manifest.

    Raises:
        ValueError: missing, unreadable, or of an unknown format version.
    """
    path = Path(folder) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable dataset manifest ({exc})") from None
    if data.get("format_version") != MANIFEST_VERSION:
        raise ValueError(f"{path}: manifest format {data.get('format_version')!r} is not supported")
    return data
