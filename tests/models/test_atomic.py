"""models.atomic: the one atomic-write rule (temporary sibling, fsync, rename; nothing half-written)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.atomic import atomic_path, atomic_write_bytes, atomic_write_text


def test_success_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "voice.json"
    target.write_text("old")
    atomic_write_text(target, "new ü")
    assert target.read_text(encoding="utf-8") == "new ü"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["voice.json"]


def test_a_failure_while_writing_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "model.ckpt"
    target.write_bytes(b"complete old checkpoint")
    with pytest.raises(RuntimeError, match="disk full"), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"complete old checkpoint"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.ckpt"]


def test_the_temporary_is_a_hidden_sibling_with_the_given_suffix(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "song.wav", suffix=".part") as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".song.wav.") and tmp.name.endswith(".part")
        assert not (tmp_path / "song.wav").exists()  # nothing under the final name before the rename
        tmp.write_bytes(b"x")
    assert (tmp_path / "song.wav").read_bytes() == b"x"


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_files_get_the_users_normal_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "export.bin", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "export.bin").stat().st_mode & 0o777 == 0o644
