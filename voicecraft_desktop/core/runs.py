"""Training runs as the desktop app sees them: where a dataset's run lives, how far it got, what it logged.

Qt-free glue over :mod:`models.training` (which owns the run format):

- :func:`run_dir_for`: the run folder of a dataset (``paths.runs_dir()/<dataset folder name>``), so
  pressing Start again on the same voice resumes its run.
- :func:`run_status`: the newest checkpoint step and whether the run can be exported (a file scan
  and the checkpoints' info files; ``load=False`` never opens a checkpoint: the GUI thread).
- :func:`read_history`: loss and validation curves back from the run's TensorBoard events (to
  redraw the curves of a resumed run).
- :func:`read_validation_audio`: the validation clips the trainer logged (generated and real), so
  the Train page can play them.
- :func:`export_to_library`: :func:`models.training.export_voice` into the library, plus the
  newest generated validation clip as the voice's ``preview.wav`` (what the Library page plays);
  a voice exported from the same run before is updated in place (:func:`export_target` says which).
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models.errors import Message
from voicecraft_desktop.core import paths
from voicecraft_desktop.core.library import LibraryError, VoiceEntry, VoiceLibrary

if TYPE_CHECKING:
    from models.training.checkpoint_info import CheckpointInfo

TB_DIR = "tb"
PREVIEW_NAME = "preview.wav"
PRETRAIN_ASSET = "sovits5-pretrain"  # the so-vits-svc-5.0 pretrain: new runs fine-tune from it by default


@dataclass(frozen=True)
class RunStatus:
    """What a run folder holds.

    Attributes:
        exists: the folder exists.
        step: newest step checkpoint (0 when none).
        has_best: a ``best.ckpt`` exists.
        best_step: the step of ``best.ckpt`` (0 when none or unreadable).
        preset: the model preset the run trains (from its newest checkpoint; "" when none).
        target: the step the run last set out to reach (its newest checkpoint's ``max_steps``).
        base: the base model the run was started from (``run.json``), None for from scratch.
        started_at: when the run started (``run.json``'s ISO time; "" when unknown).
        pending: read without opening checkpoints, and a checkpoint had no info file: ``best_step``,
            ``preset`` and ``target`` are not known yet (:func:`run_status` with ``load`` in a worker).
        exportable: there is a checkpoint to export.
    """

    exists: bool
    step: int = 0
    has_best: bool = False
    best_step: int = 0
    preset: str = ""
    target: int = 0
    base: str | None = None
    started_at: str = ""
    pending: bool = False

    @property
    def exportable(self) -> bool:
        return self.step > 0 or self.has_best

    @property
    def fixed(self) -> bool:
        """The run has a checkpoint: its preset and base model are fixed (Resume keeps them)."""
        return self.step > 0 or self.has_best


@dataclass
class RunHistory:
    """Curves of a run: tag -> (steps, values); tags as logged (``train/mel``, ``val/mel_l1`` ...)."""

    scalars: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


@dataclass(frozen=True)
class ValidationAudio:
    """One validation clip: ``kind`` is ``generated`` or ``real``; wave (T,) float32."""

    clip: str
    kind: str
    step: int
    wave: np.ndarray
    sample_rate: int


def run_dir_for(dataset_dir: str | os.PathLike[str]) -> Path:
    """The run folder that trains ``dataset_dir``."""
    return paths.runs_dir() / Path(dataset_dir).name


def run_status(run_dir: str | os.PathLike[str], *, load: bool = True) -> RunStatus:
    """Scans ``run_dir/checkpoints`` (see :mod:`models.training.checkpoints`) and ``run.json``.

    The newest and the best checkpoint's step, preset and target come from their info files
    (:mod:`models.training.checkpoint_info`) or this process's cache; a checkpoint that has neither
    (a run from before the info files) is read itself when ``load`` (slow: workers, the command
    line) -- without ``load`` (the GUI thread) nothing is opened and the answer is ``pending``.
    """
    from models.training.checkpoint_info import NO_INFO
    from models.training.checkpoints import Checkpoints

    run = Path(run_dir)
    if not run.is_dir():
        return RunStatus(exists=False)
    info = checkpoint_info if load else known_checkpoint_info
    checkpoints = Checkpoints(run, keep_last=1)  # only read: keep_last matters when saving
    steps = checkpoints.steps()  # oldest first
    has_best = checkpoints.best_path.is_file()
    best = info(checkpoints.best_path) if has_best else NO_INFO
    newest = info(steps[-1][1] if steps else checkpoints.best_path)
    try:
        started = json.loads((run / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        started = {}
    started = started if isinstance(started, dict) else {}
    base = started.get("base")
    return RunStatus(
        exists=True,
        step=steps[-1][0] if steps else 0,
        has_best=has_best,
        best_step=(best or NO_INFO).step,
        preset=(newest or NO_INFO).preset,
        target=(newest or NO_INFO).target,
        base=base if isinstance(base, str) else None,
        started_at=str(started.get("created_at") or ""),
        pending=best is None or newest is None,
    )


# What this process learnt of each checkpoint, by path and file identity (so a rewritten file is new).
_INFO_CACHE: dict[tuple[str, int, int, int], CheckpointInfo] = {}


def _cache_key(path: Path) -> tuple[str, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns)


def known_checkpoint_info(path: str | os.PathLike[str]) -> CheckpointInfo | None:
    """Step, preset and target of a training checkpoint without opening it (safe on the GUI thread):
    from its info file or this process's cache; zeros when the file is missing; None when only
    reading the checkpoint itself would tell (:func:`checkpoint_info`)."""
    from models.training.checkpoint_info import NO_INFO, read_info

    path = Path(path)
    key = _cache_key(path)
    if key is None:
        return NO_INFO
    if key not in _INFO_CACHE:
        info = read_info(path)
        if info is None:
            return None
        _INFO_CACHE[key] = info
    return _INFO_CACHE[key]


def checkpoint_info(path: str | os.PathLike[str]) -> CheckpointInfo:
    """Step, preset and target of a training checkpoint; zeros when it is missing or unreadable.

    :func:`known_checkpoint_info` when it knows, else the checkpoint itself is read (memory-mapped:
    only its small pickle, not the weights; a fraction of a second, over a second under load, so
    never on the GUI thread). The answer is cached by path and file identity, an unreadable file's
    zeros too, so the pages can ask on every refresh.
    """
    from models.training.checkpoint_info import NO_INFO, read_checkpoint_info

    path = Path(path)
    known = known_checkpoint_info(path)
    if known is not None:
        return known
    key = _cache_key(path)
    if key is None:
        return NO_INFO
    info = read_checkpoint_info(path)
    if _cache_key(path) == key:  # the file was not replaced while it was read
        _INFO_CACHE[key] = info
    return info


ARCHIVE_DIR = ".archive"  # runs_dir()/.archive/<run>-<time>: no slug starts with a dot


def retire_run(run_dir: str | os.PathLike[str], *, keep: bool) -> Path | None:
    """Takes a run out of the way so that the next Start on its dataset begins a new run.

    With ``keep`` the folder moves to ``runs_dir()/.archive/<name>-<UTC time>`` (returned), else it is
    erased (renamed out of sight first, so a failure never leaves half a run that would resume).

    Raises:
        RunBusyError: a live process is training the run.
        OSError: the folder cannot be moved.
    """
    import shutil
    import time
    import uuid

    run = Path(run_dir)
    if not run.is_dir():
        return None
    busy = run_busy(run)
    if busy:
        raise RunBusyError(Message(f"{run}: {busy}; stop that training first", "run_busy_stop", path=str(run),
                                   reason=busy))
    if keep:
        archive = run.parent / ARCHIVE_DIR
        archive.mkdir(parents=True, exist_ok=True)
        target = archive / f"{run.name}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}"
        while target.exists():
            target = target.with_name(f"{target.name}-{uuid.uuid4().hex[:4]}")
        os.replace(run, target)
        return target
    trash = run.with_name(f".{run.name}.{uuid.uuid4().hex[:8]}.deleted")
    os.replace(run, trash)
    shutil.rmtree(trash, ignore_errors=True)
    return None


class RunBusyError(ValueError):
    """The run is being trained by a live process (the message says which)."""


# Default step counts (issue 12.2): (passes over the training clips, fewest steps, most steps).
FINE_TUNE_STEPS = (100, 2_000, 10_000)  # from the so-vits-svc-5.0 pretrain or another base model
SCRATCH_STEPS = (1_000, 20_000, 100_000)  # a full-size model from random weights
TRIAL_STEPS = (100, 500, 3_000)  # the tiny preset: a trial of the whole path, minutes on a CPU


def default_steps(config: Any, clips: int, *, fine_tune: bool) -> int:
    """The step count a new run of ``clips`` prepared clips stops at by default.

    The rule: a number of passes over the training clips (the clips less the held-out ones; one
    pass is ``clips / (batch size x accumulation)`` steps) -- 100 when fine-tuning, 1,000 from
    scratch -- kept between a floor and a ceiling (fine-tuning 2,000-10,000, from scratch
    20,000-100,000, the tiny trial preset 500-3,000), and rounded up to a whole number of
    validations so the run ends on an evaluated step.
    """
    t = config.train
    if config.preset == "tiny":
        passes, low, high = TRIAL_STEPS
    else:
        passes, low, high = FINE_TUNE_STEPS if fine_tune else SCRATCH_STEPS
    train_clips = max(1, clips - t.val_clips)
    per_pass = -(-train_clips // (t.batch_size * t.accum_steps))
    steps = min(max(passes * per_pass, low), high)
    every = max(1, t.eval_every)
    return -(-steps // every) * every


def run_busy(run_dir: str | os.PathLike[str]) -> str | None:
    """``"already training (pid N)"`` when a live process holds the run's lock, else None.

    Creates nothing where there is no lock file; a stale lock (its process ended) is cleared.
    """
    from models.training.runlock import LOCK_NAME, RunLock, RunLockedError

    run = Path(run_dir)
    if not (run / LOCK_NAME).is_file():
        return None
    try:
        RunLock(run).acquire().release()
    except RunLockedError as exc:
        if exc.pid:
            return Message(f"already training (pid {exc.pid})", "run_busy", pid=exc.pid)
        return Message("already training in another process", "run_busy_elsewhere")
    except OSError:
        return None  # unwritable: the trainer itself reports that when it starts
    return None


def _accumulator(run_dir: Path, audio: bool):  # type: ignore[no-untyped-def]
    from tensorboard.backend.event_processing.event_accumulator import AUDIO, SCALARS, EventAccumulator

    sizes = {SCALARS: 0}
    if audio:
        sizes[AUDIO] = 0
    acc = EventAccumulator(str(run_dir / TB_DIR), size_guidance=sizes)
    acc.Reload()
    return acc


def read_history(run_dir: str | os.PathLike[str]) -> RunHistory:
    """Every scalar curve of the run (empty when nothing was logged yet)."""
    run = Path(run_dir)
    history = RunHistory()
    if not (run / TB_DIR).is_dir():
        return history
    acc = _accumulator(run, audio=False)
    for tag in acc.Tags().get("scalars", []):
        events = acc.Scalars(tag)
        by_step = {e.step: e.value for e in events}  # a resumed run may rewrite steps: keep the last
        steps = np.array(sorted(by_step), dtype=np.int64)
        history.scalars[tag] = (steps, np.array([by_step[s] for s in steps], dtype=np.float64))
    return history


def read_validation_audio(run_dir: str | os.PathLike[str]) -> list[ValidationAudio]:
    """The newest logged audio of each validation clip and kind, newest step first."""
    import soundfile

    run = Path(run_dir)
    from_files = _validation_wavs(run)
    if from_files is not None:
        return from_files
    if not (run / TB_DIR).is_dir():
        return []
    acc = _accumulator(run, audio=True)  # a run from before the trainer kept WAV copies
    found: list[ValidationAudio] = []
    for tag in acc.Tags().get("audio", []):
        events = acc.Audio(tag)
        if not events:
            continue
        newest = max(events, key=lambda e: e.step)
        wave, rate = soundfile.read(io.BytesIO(newest.encoded_audio_string), dtype="float32", always_2d=True)
        parts = tag.split("/")  # audio/<clip>/<kind>
        clip, kind = ("/".join(parts[1:-1]), parts[-1]) if len(parts) >= 3 else (tag, "")
        found.append(ValidationAudio(clip, kind, int(newest.step), wave[:, 0].copy(), int(rate)))
    found.sort(key=lambda a: (-a.step, a.clip, a.kind))
    return found


def _validation_wavs(run: Path) -> list[ValidationAudio] | None:
    """The trainer's WAV copies (``<run>/validation``), or None when the run has none."""
    import soundfile

    from models.training.validation import AUDIO_DIR

    try:
        index = json.loads((run / AUDIO_DIR / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found: list[ValidationAudio] = []
    for name, step in index.items():
        clip, _, kind = name.removesuffix(".wav").rpartition(".")
        try:
            wave, rate = soundfile.read(run / AUDIO_DIR / name, dtype="float32", always_2d=True)
        except (OSError, RuntimeError):  # soundfile raises LibsndfileError (a RuntimeError)
            continue
        found.append(ValidationAudio(clip, kind, int(step), wave[:, 0].copy(), int(rate)))
    found.sort(key=lambda a: (-a.step, a.clip, a.kind))
    return found


class ExportConflict(LibraryError):
    """Another voice (not exported from this run) already has the name; ``entry`` is that voice."""

    def __init__(self, message: str, entry: VoiceEntry) -> None:
        super().__init__(message)
        self.entry = entry


@dataclass(frozen=True)
class ExportOutcome:
    """What :func:`export_to_library` did: ``entry`` is the voice; ``updated`` when an existing voice
    was replaced in place (same id and folder), whose steps before were ``previous_steps``."""

    entry: VoiceEntry
    updated: bool = False
    previous_steps: int | None = None


def exported_from(entry: VoiceEntry, run_dir: str | os.PathLike[str]) -> bool:
    """Whether the library voice ``entry`` was exported from ``run_dir`` (its manifest says so)."""
    from models.formats.artifact import ArtifactError, read_manifest

    try:
        recorded = read_manifest(entry.folder).training.get("run_dir")
    except ArtifactError:
        return False
    return isinstance(recorded, str) and Path(recorded) == Path(run_dir).resolve()


def export_target(
    run_dir: str | os.PathLike[str], name: str, library: VoiceLibrary | None = None
) -> tuple[str, VoiceEntry | None]:
    """What exporting ``run_dir`` as ``name`` would do: ``("new", None)``, ``("update", voice)`` when the
    voice of that name was exported from this run (training it further updates it), or
    ``("conflict", voice)`` when a voice from elsewhere has the name."""
    lib = library or VoiceLibrary()
    wanted = name.strip().casefold()
    same = [e for e in lib.entries() if e.available and e.name.casefold() == wanted]
    if not same:
        return "new", None
    return ("update" if exported_from(same[0], run_dir) else "conflict"), same[0]


def voice_of_run(run_dir: str | os.PathLike[str], library: VoiceLibrary | None = None) -> VoiceEntry | None:
    """The library voice exported from ``run_dir`` (the newest if several), else None."""
    lib = library or VoiceLibrary()
    found = [e for e in lib.entries() if e.available and exported_from(e, run_dir)]
    return max(found, key=lambda e: e.created_at) if found else None


def export_to_library(
    run_dir: str | os.PathLike[str],
    name: str,
    *,
    library_root: Path | None = None,
    app_version: str = "",
    replace: bool = False,
    follow_run: bool = False,
    feature_cache: Path | None = None,
    checkpoint: Path | None = None,
) -> ExportOutcome:
    """Exports the run's best (else newest) checkpoint, or ``checkpoint``, into the library as ``name``.

    A voice of that name exported from this run earlier is updated in place (same id and folder;
    :meth:`VoiceLibrary.replace_voice`: the previous version stays until the new one is complete);
    a voice of that name from elsewhere is replaced only when ``replace`` is set. The newest
    generated validation clip becomes the voice's ``preview.wav`` when there is one. With
    ``follow_run``, when no voice has the name but a voice exported from this run was renamed since,
    that voice is updated under its current name (``name`` was only the default).

    The voice and its preview are assembled in a staging folder inside the run and enter the library
    only through :meth:`VoiceLibrary.import_voice` / :meth:`VoiceLibrary.replace_voice` (full
    validation, the library's name and id checks, one rename or folder swap), so the library never
    lists the voice without its preview, nor half written.

    Raises:
        ExportConflict: another voice has the name and ``replace`` is False.
        models.training.TrainingError: no checkpoint yet, or unreadable run files.
        LibraryError: the library cannot be written; nothing is changed then.
    """
    import shutil
    import tempfile

    from models.features.audio import save_wav
    from models.training import export_voice

    run = Path(run_dir)
    lib = VoiceLibrary(library_root)
    action, existing = export_target(run, name, lib)
    if action == "new" and follow_run:
        existing = voice_of_run(run, lib)
        if existing is not None:
            name = existing.name
    if action == "conflict" and not replace:
        raise ExportConflict(
            f"a voice named {existing.name!r} already exists and was not trained in this run", existing
        )  # type: ignore[union-attr]
    try:
        staging = Path(tempfile.mkdtemp(prefix=".export.", dir=run))
    except OSError as exc:
        raise _export_failed(run, exc) from None
    try:
        folder = export_voice(
            run, staging / "voice", name.strip(), checkpoint=checkpoint, app_version=app_version
        )
        generated = [a for a in read_validation_audio(run) if a.kind == "generated"]
        if generated:
            save_wav(folder / PREVIEW_NAME, generated[0].wave, generated[0].sample_rate)
        add_retrieval_index(run, folder, feature_cache, existing.id if existing is not None else None)
        if existing is None:
            return ExportOutcome(lib.import_voice(folder, name=name.strip()))
        entry = lib.replace_voice(existing, folder, name=name.strip())
        return ExportOutcome(entry, updated=True, previous_steps=existing.steps)
    except OSError as exc:
        raise _export_failed(run, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _export_failed(run: Path, exc: OSError) -> LibraryError:
    """The run's voice could not be written (the OS's reason in ``detail``)."""
    return LibraryError(Message(f"cannot export from {run}: {exc}", "export_failed", path=str(run),
                                detail=exc.strerror or str(exc)))


def add_retrieval_index(
    run_dir: Path, voice_dir: Path, feature_cache: Path | None, voice_id: str | None
) -> bool:
    """Best effort: the staged voice's retrieval indexes from the run's dataset
    (:func:`models.training.retrieval_index.build_voice_retrieval`, features read from
    ``feature_cache``, default the app's). A voice without them converts as before with retrieval
    off (its ratio must be 0), so a dataset gone or moved since training only logs a warning.

    Args:
        voice_id: the id the voice will have in the library (that of the voice it replaces), else
            ``None`` (its own).

    Returns:
        Whether the indexes were written.
    """
    import logging

    from models.training.retrieval_index import build_voice_retrieval
    from models.training.trainer import TrainingError, read_run_file

    cache = feature_cache if feature_cache is not None else paths.cache_dir() / "features"
    try:
        dataset = read_run_file(run_dir)["dataset_dir"]
        build_voice_retrieval(voice_dir, dataset, cache, voice_id)
    except (OSError, KeyError, TypeError, ValueError, TrainingError) as exc:  # ValueError: dataset, index
        logging.getLogger(__name__).warning("%s: no retrieval index for the voice: %s", run_dir, exc)
        return False
    return True


def export_choices(
    run_dir: str | os.PathLike[str], status: RunStatus | None = None
) -> list[tuple[str, int, Path]]:
    """What the run can export: ``("best", step, path)`` (lowest validation error) and
    ``("latest", step, path)`` (the newest checkpoint), best first; one entry when they are the same
    step, none before the first checkpoint.

    Args:
        status: the run's :func:`run_status` as the caller has it (the page shows the same steps);
            read here (opening checkpoints without info files) when None.
    """
    from models.training.checkpoints import Checkpoints

    checkpoints = Checkpoints(run_dir, keep_last=1)
    status = status if status is not None else run_status(run_dir)
    found: list[tuple[str, int, Path]] = []
    if status.has_best:
        found.append(("best", status.best_step, checkpoints.best_path))
    if status.step and not (found and found[0][1] == status.step):
        found.append(("latest", status.step, checkpoints.step_path(status.step)))
    return found


def export_with_preview(
    run_dir: str | os.PathLike[str], name: str, *, library_root: Path | None = None, app_version: str = ""
) -> Path:
    """:func:`export_to_library` without replacing another voice; returns the voice folder."""
    return export_to_library(run_dir, name, library_root=library_root, app_version=app_version).entry.folder


def relay(gen, sink, stop):  # type: ignore[no-untyped-def]
    """Runs the training generator ``gen``, handing every progress to ``sink`` as well as yielding it.

    A worker throttles what it forwards, so a consumer that needs every event (loss points,
    validation reports, checkpoints) reads them from ``sink`` (a thread-safe ``deque.append``)
    and treats the yielded value as a wake-up. When the consumer closes this generator (a worker
    cancelled by the app's shutdown), ``stop`` (the trainer's cancel event) is set and the trainer
    is run to its end, so it writes its final checkpoint instead of dying mid-step.

    Returns:
        the trainer's return value.
    """
    try:
        while True:
            try:
                item = next(gen)
            except StopIteration as done:
                return done.value
            sink(item)
            yield item
    except GeneratorExit:
        stop.set()
        for item in gen:
            sink(item)
        raise


class AnyEvent:
    """Set when any of ``events`` is set: the trainer's cancel check sees both the Stop button's event and
    the worker's cancel event (the app closing), so a paused run stops for either.

    Duck-types the part of :class:`threading.Event` the trainer uses (``is_set``); ``set`` sets the first.
    """

    def __init__(self, *events: Any) -> None:
        if not events:
            raise ValueError("AnyEvent needs at least one event")
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)

    def set(self) -> None:
        self.events[0].set()

    def wait(self, timeout: float | None = None) -> bool:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True
