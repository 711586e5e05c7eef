"""What a training checkpoint says about its run (step, preset, target), known without opening it.

Beside each checkpoint the trainer writes a small JSON *info file* (``step_00001000.ckpt.json``,
``best.ckpt.json``; :func:`write_info`), after the checkpoint's own atomic rename, stamped with the
identity of the checkpoint file as it then is on disk (inode, size, modification time). A reader
(:func:`read_info`) trusts an info file only while its stamp matches the checkpoint now, so the two
can never disagree unnoticed:

- a crash between the checkpoint's rename and its info file leaves no info file, or the previous
  checkpoint's: that one's stamp names another file (the new checkpoint was created while the old
  one still existed, so its inode differs), and the reader finds nothing;
- a checkpoint replaced by hand, copied or restored changes its stamp the same way.

Finding nothing, a caller reads the checkpoint itself (:func:`read_checkpoint_info`: its small pickle,
memory-mapped; a fraction of a second idle, over a second under load), off any interactive thread.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from models.atomic import atomic_write_text

INFO_SUFFIX = ".json"  # step_00001000.ckpt -> step_00001000.ckpt.json
INFO_FORMAT = "voicecraft-checkpoint-info"
INFO_VERSION = 1


class CheckpointInfo(NamedTuple):
    """What a checkpoint says about its run: its step, the preset, the step the run set out to reach."""

    step: int
    preset: str
    target: int


NO_INFO = CheckpointInfo(0, "", 0)


def info_of(step: Any, config: Mapping[str, Any]) -> CheckpointInfo:
    """The info of a checkpoint at ``step`` whose :meth:`VoiceConfig.to_dict` is ``config``: the one
    rule for both the writer and the reader of the checkpoint itself."""
    return CheckpointInfo(int(step), str(config.get("preset", "")), int(config["train"]["max_steps"]))


def info_path(checkpoint: str | os.PathLike[str]) -> Path:
    """The info file of ``checkpoint``."""
    path = Path(checkpoint)
    return path.with_name(path.name + INFO_SUFFIX)


def _stamp(st: os.stat_result) -> dict[str, int]:
    return {"inode": int(st.st_ino), "size": int(st.st_size), "mtime_ns": int(st.st_mtime_ns)}


def write_info(checkpoint: str | os.PathLike[str], state: Mapping[str, Any]) -> None:
    """Writes the info file of ``checkpoint`` (atomically), which must already be in place (renamed):
    its stamp is taken from the file now. ``state`` is what was saved (``step``, ``config``).

    Raises:
        OSError: the file cannot be written (the checkpoint is complete without it: readers then
            read the checkpoint itself).
    """
    info = info_of(state["step"], state["config"].to_dict())
    record = {
        "format": INFO_FORMAT,
        "version": INFO_VERSION,
        "checkpoint": _stamp(os.stat(checkpoint)),
        **info._asdict(),
    }
    atomic_write_text(info_path(checkpoint), json.dumps(record, indent=1) + "\n")


def read_info(checkpoint: str | os.PathLike[str]) -> CheckpointInfo | None:
    """The info of ``checkpoint`` from its info file, never opening the checkpoint; None when there is
    no info file, it is unreadable, or its stamp does not match the checkpoint as it is now."""
    try:
        now = _stamp(os.stat(checkpoint))
        record = json.loads(info_path(checkpoint).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != INFO_FORMAT or record.get("checkpoint") != now:
        return None
    try:
        return CheckpointInfo(int(record["step"]), str(record["preset"]), int(record["target"]))
    except (KeyError, TypeError, ValueError):
        return None


def read_checkpoint_info(checkpoint: str | os.PathLike[str]) -> CheckpointInfo:
    """The info of ``checkpoint`` read from the checkpoint itself (slow: never on an interactive
    thread); :data:`NO_INFO` when it is missing or unreadable.

    The file is memory-mapped (``torch.load(mmap=True, weights_only=True)``): only its small pickle
    is read, not the weights.
    """
    import torch

    try:
        data = torch.load(checkpoint, map_location="cpu", weights_only=True, mmap=True)
        return info_of(data["step"], json.loads(data["config_json"]))
    except Exception:  # noqa: BLE001 - any unreadable file is "no information", never a crash
        return NO_INFO
