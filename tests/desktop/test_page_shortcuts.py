"""Keyboard shortcuts on the Library, Train and Live pages (the main window's Open / Export / Space
actions call a page's ``shortcut_open``, ``shortcut_export`` or ``toggle_playback``)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog

from tests.desktop.test_live_page import Devices  # fake audio streams (the devices fixture: conftest)
from tests.desktop.voices import make_voice
from voicecraft_desktop.core import paths
from voicecraft_desktop.ui.main_window import MainWindow
from voicecraft_desktop.ui.pages.library import LibraryPage
from voicecraft_desktop.ui.pages.live import LivePage
from voicecraft_desktop.ui.pages.train import TrainPage


def test_the_window_offers_each_pages_shortcuts(ctx, qtbot):
    win = MainWindow(
        ctx,
        pages=[
            ("Library", "library", "LibraryPage"),
            ("Train", "train", "TrainPage"),
            ("Live", "live", "LivePage"),
        ],
    )
    win.confirm_close = False
    qtbot.addWidget(win)
    expected = {"Library": (True, False, True), "Train": (False, True, False), "Live": (False, False, True)}
    for title, (open_, export, space) in expected.items():
        assert win.show_page(title)
        win._update_actions()
        enabled = (win.open_action.isEnabled(), win.export_action.isEnabled(), win.play_action.isEnabled())
        assert enabled == (open_, export, space), title
    win.close()


def test_library_ctrl_o_asks_for_a_folder_of_recordings_and_space_plays_the_preview(
    ctx, open_page, monkeypatch
):
    page = open_page(LibraryPage, ctx)
    asked = []
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda parent, title, *a: asked.append(title) or "")
    )
    assert page.shortcut_open() is True
    assert asked == ["Folder of recordings"]
    page.new_button.setEnabled(False)  # a job runs: Ctrl+O does nothing
    assert page.shortcut_open() is False and len(asked) == 1
    page.new_button.setEnabled(True)

    assert page.toggle_playback() is False  # no voice selected: nothing to play
    make_voice(paths.voices_dir(), "Alice")
    page.refresh()
    page.select_name("Alice")
    played = []
    monkeypatch.setattr(page.player, "play", lambda wave, rate, start_s=0.0: played.append(rate))
    assert page.toggle_playback() is True
    assert played == [32000] and page.preview_button.text() == "Stop preview"


def test_train_ctrl_e_exports_only_when_the_run_can_be_exported(ctx, open_page, monkeypatch):
    page = open_page(TrainPage, ctx)
    asked = []
    monkeypatch.setattr(page, "_ask_export", lambda: asked.append("export"))
    assert not page.export_button.isEnabled()
    assert page.shortcut_export() is False and asked == []
    page.export_button.setEnabled(True)
    assert page.shortcut_export() is True and asked == ["export"]


def test_live_space_starts_then_stops_the_session(ctx, qtbot, open_page, devices):  # noqa: F811
    fake = Devices()
    page = open_page(LivePage, ctx, stream_factory=fake)
    assert page.toggle_playback() is False and page.session is None  # no voice, no pass-through
    page.bypass_check.setChecked(True)
    assert page.toggle_playback() is True and page.session is not None
    qtbot.waitUntil(lambda: page.in_meter.peak_db > -20, timeout=10000)
    assert page.toggle_playback() is True and page.session is None
    assert fake.streams["input"].closed and fake.streams["output"].closed
