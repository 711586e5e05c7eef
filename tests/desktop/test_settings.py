"""Typed settings: defaults, round trips, bad values, version stamping and migrations; AppContext."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from voicecraft_desktop.settings import DEFAULTS, SETTINGS_VERSION, VERSION_KEY, Settings
from voicecraft_desktop.ui.context import AppContext


def _store(path: Path, **kwargs) -> Settings:
    return Settings(QSettings(str(path), QSettings.Format.IniFormat), **kwargs)


def test_defaults_and_typed_round_trip_through_the_file(tmp_path: Path) -> None:
    s = _store(tmp_path / "a.ini")
    assert s.get("record/sample_rate") == DEFAULTS["record/sample_rate"]
    s.set("record/sample_rate", 44100)
    s.set("assets/overrides", {"hubert-soft": "/x/hubert.pt"})
    s.set("window/geometry", b"\x01\x02\x00\xff")
    s.set("compute/device", "cuda:1")
    s.sync()
    again = _store(tmp_path / "a.ini")  # a new QSettings reads the file back: ini stores strings
    assert again.get("record/sample_rate") == 44100
    assert again.get("assets/overrides") == {"hubert-soft": "/x/hubert.pt"}
    assert again.get("window/geometry") == b"\x01\x02\x00\xff"
    assert again.get("compute/device") == "cuda:1"


def test_wrong_type_refused_and_unreadable_value_falls_back(tmp_path: Path) -> None:
    s = _store(tmp_path / "b.ini")
    try:
        s.set("record/sample_rate", "fast")
    except TypeError as error:
        assert "record/sample_rate" in str(error)
    else:
        raise AssertionError("a str was accepted for an int setting")
    s.qsettings.setValue("record/sample_rate", "not a number")
    s.qsettings.setValue("assets/overrides", "{broken json")
    assert s.get("record/sample_rate") == DEFAULTS["record/sample_rate"]
    assert s.get("assets/overrides") == {}


def test_migrate_stamps_fresh_store_and_runs_steps_in_order(tmp_path: Path) -> None:
    calls: list[int] = []

    def step(n):
        def run(qs: QSettings) -> None:
            calls.append(n)
            if n == 1:
                qs.setValue("compute/device", "cuda:0" if qs.value("device") == "gpu" else "cpu")
                qs.remove("device")

        return run

    path = tmp_path / "c.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue(VERSION_KEY, 1)
    raw.setValue("device", "gpu")
    raw.sync()
    s = _store(path, migrations={0: step(0), 1: step(1), 2: step(2)}, version=3)
    assert s.migrate() == 1
    assert calls == [1, 2]
    assert s.get("compute/device") == "cuda:0" and not s.qsettings.contains("device")
    assert s.stored_version() == 3
    assert s.migrate() == 3 and calls == [1, 2], "a second migrate must do nothing"

    fresh = _store(tmp_path / "d.ini")
    assert fresh.migrate() == 0
    assert fresh.stored_version() == SETTINGS_VERSION


def test_newer_store_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "e.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue(VERSION_KEY, SETTINGS_VERSION + 5)
    raw.sync()
    s = _store(path)
    assert s.migrate() == SETTINGS_VERSION + 5
    assert s.stored_version() == SETTINGS_VERSION + 5


def test_context_device_and_folders(ctx: AppContext, qtbot, tmp_home: Path) -> None:
    assert ctx.device == "cpu"
    with qtbot.waitSignal(ctx.events.device_changed, timeout=1000) as blocker:
        ctx.device = "cuda:0"
    assert blocker.args == ["cuda:0"] and ctx.settings.get("compute/device") == "cuda:0"
    import torch

    assert ctx.chosen_device == "cuda:0"
    assert ctx.device == ("cuda:0" if torch.cuda.is_available() else "cpu")
    ctx.device = "cuda:99"
    assert ctx.device == "cpu", "a GPU torch does not offer must not reach the engines"
    assert ctx.takes_dir(ensure=True).is_dir()
    assert str(ctx.takes_dir()).startswith(str(tmp_home))
    assert ctx.assets_cache_dir() == tmp_home / "cache" / "models"  # the folder the CLI uses too
    store = ctx.asset_store()
    assert store.cache_dir == ctx.assets_cache_dir()
