"""Re-synthesising an edited F0 curve region by region, and the project file that reopens it.

:meth:`models.convert.converter.VoiceConverter.convert` with ``keep_features=True`` returns an
:class:`EditableResult`: the usual result plus a :class:`SynthesisState` (content features, the
fed F0, the raw synthesis before post-processing, each chunk's crossfade samples, the gate mask
and loudness gain). :class:`EditSession` turns an edited intended curve into new audio by
re-running only the chunks whose frames (context included) overlap the frames whose fed F0
changed (:meth:`~models.convert.converter.VoiceConverter.resynthesize`), after making the edit
phase-neutral (:func:`models.convert.f0_edit.phase_neutral`); the audio equals a full synthesis
of the edited curve. Post-processing keeps the conversion's own gate mask and loudness gain.

:func:`save_project` / :func:`load_project`: the project file next to an output
(``<output stem>.voicecraft.json``: source path and SHA-256, voice, options, key and the edited
F0 curve), one JSON file written atomically; :func:`reopen_project` converts the source again and
applies the saved curve, which gives the same audio.

Qt-free.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.atomic import atomic_write_text
from models.convert.f0_edit import changed_frames, fed_curve, phase_neutral
from models.convert.options import ConvertError, ConvertOptions, ConvertResult
from models.convert.post import apply_gate

PROJECT_SUFFIX = ".voicecraft.json"
PROJECT_FORMAT = "voicecraft-convert-project"
PROJECT_VERSION = 1


@dataclass
class SynthesisState:
    """What re-synthesis needs of a conversion (kept by ``convert(keep_features=True)``).

    Attributes:
        ppg, vec: content features as :meth:`VoiceConverter.synthesize` takes them.
        repeat: model frames per content row.
        options: the conversion's options (chunk plan, seed, noise, unvoiced mode).
        fed_f0: (N,) the F0 the current audio was synthesised from.
        raw: (N · hop,) the synthesis before trimming and post-processing.
        edges: chunk index -> (weighted fade-in samples, weighted fade-out samples).
        out_len: samples of the output (the input's length at the model's rate).
        gate_mask: (N,) frames the silence gate keeps open, or ``None`` (no gate).
        gain: the loudness match's gain (1 without it), kept for every re-synthesis.
        source_16k: (N · 320,) the source as the conversion read it, at 16 kHz (the quality report
            of an edit compares the edited audio with it), or ``None``.
    """

    ppg: np.ndarray
    vec: np.ndarray
    repeat: int
    options: ConvertOptions
    fed_f0: np.ndarray
    raw: np.ndarray
    edges: dict[int, tuple[np.ndarray, np.ndarray]]
    out_len: int
    gate_mask: np.ndarray | None
    gain: float
    hop: int
    sample_rate: int
    source_16k: np.ndarray | None = None


@dataclass
class EditableResult(ConvertResult):
    """A :class:`ConvertResult` that can be re-synthesised after an F0 edit."""

    features: SynthesisState | None = None


@dataclass
class Update:
    """One re-synthesis, computed off the GUI thread and applied with :meth:`EditSession.apply`.

    Attributes:
        curve: the intended F0 it renders.
        audio: the whole new output.
        lo, hi: output samples that changed (``lo == hi``: nothing did).
        frames: (first, stop) frames whose fed F0 changed, or ``None``.
        chunks: how many synthesis chunks were re-run.
        seconds: wall time of the re-synthesis.
    """

    curve: np.ndarray
    fed: np.ndarray
    audio: np.ndarray
    raw: np.ndarray
    edges: dict[int, tuple[np.ndarray, np.ndarray]]
    lo: int
    hi: int
    frames: tuple[int, int] | None
    chunks: int
    seconds: float


@dataclass
class EditSession:
    """Edits of one conversion's intended F0 and the audio they give.

    Args:
        converter: the :class:`~models.convert.converter.VoiceConverter` that made ``result``.
        result: an :class:`EditableResult`.
    """

    converter: Any
    result: EditableResult
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if getattr(self.result, "features", None) is None:
            raise ConvertError("this conversion kept no features, so its pitch cannot be edited; convert again")

    @property
    def state(self) -> SynthesisState:
        assert self.result.features is not None
        return self.result.features

    @property
    def curve(self) -> np.ndarray:
        """The intended F0 the current audio sings (Hz per frame, 0 unvoiced)."""
        return self.result.intended_f0

    def neutral(self, new: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """``new`` (an edit of the current curve over ``[lo, hi)``) made phase-neutral."""
        s = self.state
        return phase_neutral(self.curve, new, lo, hi, s.options.unvoiced, s.hop, s.sample_rate)

    def render(self, curve: np.ndarray, cancel: threading.Event | None = None) -> Update:
        """The audio of ``curve``: only the chunks around the frames whose fed F0 changes are
        re-run. Changes nothing (see :meth:`apply`); safe in a worker thread."""
        t0 = time.perf_counter()
        s = self.state
        curve = np.asarray(curve, np.float32).copy()
        if curve.shape != self.curve.shape:
            raise ConvertError(f"the pitch curve has {len(curve)} frames, the song {len(self.curve)}")
        fed = fed_curve(curve, s.options.unvoiced)
        frames = changed_frames(s.fed_f0, fed)
        if frames is None:
            return Update(curve, fed, self.result.audio, s.raw, s.edges, 0, 0, None, 0, time.perf_counter() - t0)
        with self.lock:  # one re-synthesis at a time on the generator
            raw, lo, hi, edges = self.converter.resynthesize(s, fed, frames[0], frames[1], cancel)
        chunks = self.converter.chunk_plan(len(fed), s.options)
        ran = sum(1 for c in chunks if c.start < frames[1] and c.stop > frames[0])
        audio = self.result.audio.copy()
        hi = min(hi, s.out_len)
        if lo < hi:
            audio[lo:hi] = post_segment(s, raw, lo, hi)
        return Update(curve, fed, audio, raw, edges, lo, hi, frames, ran, time.perf_counter() - t0)

    def apply(self, update: Update) -> None:
        """Makes ``update`` the session's current curve and audio."""
        s = self.state
        s.raw, s.edges, s.fed_f0 = update.raw, update.edges, update.fed
        self.result.audio = update.audio
        self.result.target_f0 = update.fed
        self.result.intended_f0 = update.curve

    def set_curve(self, curve: np.ndarray, cancel: threading.Event | None = None) -> Update:
        """:meth:`render` then :meth:`apply` (tests, the CLI, reopening a project)."""
        update = self.render(curve, cancel)
        self.apply(update)
        return update


def post_segment(state: SynthesisState, raw: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Output samples ``[lo, hi)`` of ``raw`` after the conversion's gate and loudness gain (the
    gate's ramps are computed with two frames of margin, so they equal the whole-song gate)."""
    seg = raw[lo:hi]
    if state.gate_mask is not None:
        hop = state.hop
        fa = max(0, lo // hop - 2)
        fb = min(len(state.gate_mask), -(-hi // hop) + 2)
        piece = raw[fa * hop : min(fb * hop, state.out_len)]
        gated = apply_gate(piece, state.gate_mask[fa:fb], hop, state.sample_rate)
        seg = gated[lo - fa * hop : hi - fa * hop]
    if state.gain != 1.0:
        seg = seg * np.float32(state.gain)
    return seg.astype(np.float32)


# ----------------------------------------------------------------------------- project files


class ProjectError(ConvertError):
    """A project file that cannot be opened; the message names the file and the problem."""


@dataclass(frozen=True)
class ConvertProject:
    """A conversion that can be reopened and edited: what went in and the edited pitch."""

    source: Path
    source_sha256: str
    voice: str
    options: ConvertOptions
    key: float
    f0_hz: np.ndarray
    output: str = ""


def project_path(output: str | Path) -> Path:
    """The project file of an output: ``song (Voice).wav`` -> ``song (Voice).voicecraft.json``."""
    output = Path(output)
    return output.with_name(output.stem + PROJECT_SUFFIX)


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_project(path: str | Path, project: ConvertProject) -> Path:
    """Writes the project file atomically (one JSON file; the curve as little-endian float32)."""
    f0 = np.ascontiguousarray(project.f0_hz, dtype="<f4")
    doc = {
        "format": PROJECT_FORMAT,
        "version": PROJECT_VERSION,
        "source": str(Path(project.source).resolve()),
        "source_sha256": project.source_sha256,
        "voice": project.voice,
        "options": project.options.to_dict(),
        "key": float(project.key),
        "output": project.output,
        "frames": int(len(f0)),
        "f0_hz_float32_base64": base64.b64encode(f0.tobytes()).decode("ascii"),
        "f0_sha256": hashlib.sha256(f0.tobytes()).hexdigest(),
    }
    path = Path(path)
    atomic_write_text(path, json.dumps(doc, indent=1) + "\n")
    return path


def load_project(path: str | Path) -> ConvertProject:
    """Reads a project file.

    Raises:
        ProjectError: unreadable, not a project, a newer version, or a damaged curve.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProjectError(f"{path}: cannot read the project file ({getattr(exc, 'strerror', None) or exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != PROJECT_FORMAT:
        raise ProjectError(f"{path}: not a VoiceCraft conversion project")
    if doc.get("version") != PROJECT_VERSION:
        raise ProjectError(f"{path}: project version {doc.get('version')!r} is not one this version reads")
    try:
        raw = base64.b64decode(doc["f0_hz_float32_base64"], validate=True)
        if hashlib.sha256(raw).hexdigest() != doc["f0_sha256"] or len(raw) != 4 * int(doc["frames"]):
            raise ValueError("the pitch curve is damaged")
        f0 = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        if not np.all(np.isfinite(f0)) or np.any(f0 < 0):
            raise ValueError("the pitch curve has invalid values")
        return ConvertProject(
            source=Path(doc["source"]),
            source_sha256=str(doc["source_sha256"]),
            voice=str(doc["voice"]),
            options=ConvertOptions.from_dict(doc["options"]),
            key=float(doc["key"]),
            f0_hz=f0,
            output=str(doc.get("output", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProjectError(f"{path}: {exc.args[0] if exc.args else exc}") from None


def source_state(project: ConvertProject) -> str:
    """``"missing"``, ``"changed"`` (its SHA-256 is not the saved one) or ``"ok"``: whether the
    project's source audio is still the file the project was made from."""
    if not project.source.is_file():
        return "missing"
    return "changed" if sha256_of(project.source) != project.source_sha256 else "ok"


def reopen_project(
    project: ConvertProject, converter: Any, cancel: threading.Event | None = None
) -> Iterator[Any]:
    """Converts the project's source again (checked against its SHA-256) and applies its curve.

    Yields:
        the conversion's progress.

    Returns:
        an :class:`EditSession` whose audio is the saved project's.
    """
    from models.features.audio import load_audio

    state = source_state(project)
    if state == "missing":
        raise ProjectError(f"{project.source}: the project's source audio is missing")
    if state == "changed":
        raise ProjectError(f"{project.source}: the source audio changed since the project was saved")
    wave, rate = load_audio(project.source, max_seconds=project.options.max_input_s)
    result = yield from converter.convert(
        wave, rate, project.options, cancel, name=project.source.name, keep_features=True
    )
    if len(result.intended_f0) != len(project.f0_hz):
        raise ProjectError(f"{project.source}: the project's pitch curve is not this song's length")
    session = EditSession(converter, result)
    session.set_curve(project.f0_hz, cancel)
    return session
