"""Run checkpoints: atomic writes, the last K kept plus the best, and finding where to resume.

Layout under ``<run>/checkpoints/``: ``step_00001000.ckpt`` (the last ``keep_last``) and
``best.ckpt`` (lowest validation mel L1). Each is a complete, resumable training state in the
format of :func:`models.formats.artifact.save_checkpoint` (read back with ``weights_only=True``).
Files are written to a temporary sibling and renamed, so a process killed mid-write leaves the
previous checkpoints intact plus, at worst, a stale ``.*.tmp`` that :meth:`Checkpoints.clean`
removes. Resuming takes the newest *loadable* step checkpoint and reports the ones it had to skip.
Each checkpoint gets an info file beside it (``<name>.ckpt.json``: step, preset, target, stamped with
the checkpoint's identity; :mod:`models.training.checkpoint_info`), written after its rename.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from models.errors import Message
from models.formats.artifact import ArtifactError, load_checkpoint, save_checkpoint
from models.training.checkpoint_info import info_path, write_info

CHECKPOINT_DIR = "checkpoints"
BEST_NAME = "best.ckpt"
_STEP_RE = re.compile(r"^step_(\d{8,})\.ckpt$")


class CheckpointWriteError(OSError):
    """A checkpoint could not be written (a full disk, a file-size limit, no permission); the
    previous checkpoints are intact (writes are atomic). ``filename`` is the checkpoint."""


def _write(path: Path, state: Mapping[str, Any]) -> Path:
    """:func:`save_checkpoint`, its failures as :class:`CheckpointWriteError` (torch's writer reports a
    short write as a RuntimeError with an internal message); then, once the checkpoint is in place,
    its info file (:mod:`models.training.checkpoint_info`: what the app shows without opening it)."""
    try:
        save_checkpoint(path, state)
    except OSError as exc:
        raise CheckpointWriteError(exc.errno, exc.strerror or str(exc), str(path)) from None
    except RuntimeError:
        reason = "cannot write the checkpoint (is the disk full?)"
        raise CheckpointWriteError(errno.EIO, reason, str(path)) from None
    try:
        write_info(path, state)
    except OSError:
        pass  # the checkpoint is complete; without its info file readers read the checkpoint itself
    return path


def rng_state(device: torch.device) -> dict[str, torch.Tensor]:
    """The global torch RNG states (CPU and, on CUDA, the device's): dropout draws from them."""
    state = {"cpu": torch.get_rng_state()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def set_rng_state(state: Mapping[str, torch.Tensor], device: torch.device) -> None:
    """Restores :func:`rng_state`."""
    torch.set_rng_state(state["cpu"])
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"], device)


class Checkpoints:
    """The checkpoints of one run folder.

    Args:
        run_dir: the run folder (``checkpoints/`` is created inside on the first save).
        keep_last: step checkpoints kept; older ones are deleted after a successful save.
    """

    def __init__(self, run_dir: str | Path, keep_last: int) -> None:
        self.folder = Path(run_dir) / CHECKPOINT_DIR
        self.keep_last = max(1, keep_last)

    def step_path(self, step: int) -> Path:
        return self.folder / f"step_{step:08d}.ckpt"

    @property
    def best_path(self) -> Path:
        return self.folder / BEST_NAME

    def steps(self) -> list[tuple[int, Path]]:
        """(step, path) of every step checkpoint, oldest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.iterdir():
            match = _STEP_RE.match(path.name)
            if match:
                found.append((int(match.group(1)), path))
        return sorted(found)

    def clean(self) -> list[Path]:
        """Deletes temporaries left by a process killed mid-write; returns them."""
        if not self.folder.is_dir():
            return []
        stale = [p for p in self.folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
        for path in stale:
            path.unlink(missing_ok=True)
        return stale

    def save(self, state: Mapping[str, Any], step: int, best: bool = False) -> Path:
        """Writes the step checkpoint (and ``best.ckpt`` when ``best``), then prunes old ones."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = _write(self.step_path(step), state)
        if best:
            _write(self.best_path, state)
        for _, old in self.steps()[: -self.keep_last]:
            info_path(old).unlink(missing_ok=True)
            old.unlink(missing_ok=True)
        return path

    def save_best(self, state: Mapping[str, Any]) -> Path:
        """Writes only ``best.ckpt``."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return _write(self.best_path, state)

    def latest(self) -> tuple[dict[str, Any] | None, Path | None, list[str]]:
        """The newest loadable step checkpoint: (data, path, notes about skipped files)."""
        notes = []
        for _, path in reversed(self.steps()):
            try:
                return load_checkpoint(path), path, notes
            except ArtifactError as exc:
                notes.append(Message(f"skipped unreadable checkpoint {path.name} ({exc})",
                                     "note_checkpoint_skipped", file=path.name, detail=str(exc)))
        return None, None, notes

    def newest_for_export(self) -> Path | None:
        """``best.ckpt`` if there is one, else the newest step checkpoint."""
        if self.best_path.is_file():
            return self.best_path
        steps = self.steps()
        return steps[-1][1] if steps else None
