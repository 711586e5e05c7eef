"""Every file dialog of the app goes through ui/file_dialogs.py (last folder, else Music, else home)."""

from __future__ import annotations

import ast
from pathlib import Path

import voicecraft_desktop.ui as ui_package

UI = Path(ui_package.__file__).resolve().parent
HELPER = UI / "file_dialogs.py"


def direct_dialog_calls(source: str) -> list[int]:
    """Lines of ``QFileDialog.get…(...)`` calls (or a ``QFileDialog`` imported under another name)."""
    tree = ast.parse(source)
    aliases = {"QFileDialog"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            aliases |= {a.asname or a.name for a in node.names if a.name == "QFileDialog"}
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith("get")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in aliases
        ):
            lines.append(node.lineno)
    return lines


def test_no_page_or_widget_calls_qfiledialog_directly():
    offenders = {
        f"{path.relative_to(UI)}:{line}"
        for path in sorted(UI.rglob("*.py"))
        if path != HELPER
        for line in direct_dialog_calls(path.read_text(encoding="utf-8"))
    }
    assert not offenders, f"use voicecraft_desktop.ui.file_dialogs instead: {sorted(offenders)}"


def test_the_check_catches_a_direct_call():
    # Controls: the helper itself (which must call Qt) and a deliberately direct call are caught.
    assert len(direct_dialog_calls(HELPER.read_text(encoding="utf-8"))) == 4
    bad = (
        "from PySide6.QtWidgets import QFileDialog as FD\n"
        "def ask(self):\n"
        "    return FD.getOpenFileNames(self, 'x', '', '')\n"
    )
    assert direct_dialog_calls(bad) == [3]
    assert (
        direct_dialog_calls(
            "from voicecraft_desktop.ui import file_dialogs\nfile_dialogs.open_file(None, None, 'x')\n"
        )
        == []
    )


def test_start_folder_falls_back_from_start_to_last_to_music_or_home(tmp_path, monkeypatch):
    from voicecraft_desktop.ui import file_dialogs

    class Settings(dict):
        def value(self, key, default=None):
            return self.get(key, default)

        def set_value(self, key, value):
            self[key] = value

    settings = Settings()
    assert file_dialogs.start_dir(settings) == file_dialogs.default_dir()
    file_dialogs.remember(settings, tmp_path / "song.wav")
    assert file_dialogs.start_dir(settings) == tmp_path
    takes = tmp_path / "takes"
    takes.mkdir()
    assert file_dialogs.start_dir(settings, takes) == takes
    assert file_dialogs.start_dir(settings, tmp_path / "missing") == tmp_path

    seen = {}

    def fake(parent, title, start, filter_):
        seen["start"] = start
        return [str(takes / "a.wav"), str(takes / "b.wav")], filter_

    monkeypatch.setattr(file_dialogs.QFileDialog, "getOpenFileNames", staticmethod(fake))
    assert file_dialogs.open_files(None, settings, "t", "Audio (*.wav)") == [takes / "a.wav", takes / "b.wav"]
    assert seen["start"] == str(tmp_path) and settings[file_dialogs.LAST_DIR_KEY] == str(takes)
