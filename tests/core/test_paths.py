"""voicecraft_desktop.core.paths: one root under VOICECRAFT_HOME, folders made only on request."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicecraft_desktop.core import paths

ALL_DIRS = [
    paths.data_dir,
    paths.voices_dir,
    paths.runs_dir,
    paths.cache_dir,
    paths.models_cache_dir,
    paths.log_dir,
]


def test_every_folder_lies_under_voicecraft_home(tmp_home: Path) -> None:
    assert paths.voices_dir() == tmp_home / "data" / "voices"
    assert paths.runs_dir() == tmp_home / "data" / "runs"
    assert paths.models_cache_dir() == tmp_home / "cache" / "models"
    assert paths.log_dir() == tmp_home / "logs"
    assert len({func() for func in ALL_DIRS}) == len(ALL_DIRS)


def test_nothing_is_created_unless_asked(tmp_home: Path) -> None:
    for func in ALL_DIRS:
        func()
    assert not tmp_home.exists()


@pytest.mark.parametrize("func", ALL_DIRS, ids=lambda func: func.__name__)
def test_ensure_creates_the_folder(func, tmp_home: Path) -> None:
    folder = func(ensure=True)
    assert folder.is_dir()
    assert func(ensure=True) == folder  # idempotent


def test_defaults_come_from_platformdirs_not_the_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VOICECRAFT_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    for func in ALL_DIRS:
        folder = func()
        assert folder.is_absolute()
        assert "VoiceCraft" in folder.parts
        assert tmp_path not in folder.parents


def test_home_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICECRAFT_HOME", str(tmp_path / "a"))
    first = paths.data_dir()
    monkeypatch.setenv("VOICECRAFT_HOME", str(tmp_path / "b"))
    assert paths.data_dir() != first
    assert paths.data_dir() == tmp_path / "b" / "data"
