"""Library page: listing, rename, delete (confirmed), import/export jobs, errors, new voice from folder."""

from __future__ import annotations

import zipfile

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from tests.desktop.voices import make_voice, recordings_folder
from voicecraft_desktop.core import paths
from voicecraft_desktop.core.dataset_jobs import list_datasets
from voicecraft_desktop.ui.pages.library import LibraryPage


@pytest.fixture
def page(ctx, open_page):
    return open_page(LibraryPage, ctx)


def _names(page) -> list[str]:
    return [page.table.item(r, 0).text() for r in range(page.table.rowCount())]


def test_empty_library_says_what_to_do(page):
    assert page.table.rowCount() == 0
    assert page.empty_label.isVisible() and "New voice from folder" in page.empty_label.text()
    assert not page.export_button.isEnabled() and not page.delete_button.isEnabled()


def test_lists_voices_with_their_facts_and_refreshes_on_event(page, ctx):
    make_voice(paths.voices_dir(), "Alice", steps=1200, seconds=754.0)
    assert page.table.rowCount() == 0
    ctx.events.voices_changed.emit()
    assert _names(page) == ["Alice"]
    cells = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert (
        cells[2] == "12.6 min" and cells[3] == "1,200" and "dio" in cells[4] and cells[5] == "trained voice"
    )
    assert not page.empty_label.isVisible()
    page.table.selectRow(0)
    assert (
        page.export_button.isEnabled() and page.rename_button.isEnabled() and page.preview_button.isEnabled()
    )


def test_rename_through_the_dialog_and_duplicate_name_error(page, ctx, monkeypatch, qtbot):
    make_voice(paths.voices_dir(), "Alice")
    make_voice(paths.voices_dir(), "Bob")
    page.refresh()
    page.select_name("Alice")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Alice (belt)", True)))
    with qtbot.waitSignal(ctx.events.voices_changed, timeout=1000):
        page.rename_button.click()
    assert _names(page) == ["Alice (belt)", "Bob"]
    assert page.selected().name == "Alice (belt)"
    assert not page.rename(page.selected(), "bob")  # duplicate (case-insensitive)
    assert page.error_box is not None and page.error_box.isVisible()
    assert "already exists" in page.error_box.text()
    page.error_box.close()


def test_delete_asks_first_and_cancel_keeps_the_voice(page, monkeypatch):
    folder = make_voice(paths.voices_dir(), "Alice")
    page.refresh()
    page.select_name("Alice")
    asked: list[str] = []

    def answer(result):
        def question(parent, title, text, *args, **kwargs):
            asked.append(text)
            return result

        return staticmethod(question)

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    page.delete_button.click()
    assert folder.exists() and _names(page) == ["Alice"]
    assert "cannot be undone" in asked[0] and "Alice" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    page.delete_button.click()
    assert not folder.exists() and _names(page) == []


def test_export_then_reimport_duplicate_shows_error(page, ctx, qtbot, tmp_path):
    make_voice(paths.voices_dir(), "Alice")
    page.refresh()
    entry = page.library.resolve("Alice")
    dest = tmp_path / "alice.zip"
    job = page.export_voice(entry, dest)
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=10000):
        pass
    assert zipfile.is_zipfile(dest) and "Exported" in page.status_label.text()
    # The same voice again: the library refuses; the page shows the error in a dialog.
    job = page.import_voice(dest)
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=60000):
        pass
    assert page.error_box.isVisible() and "already in the library" in page.error_box.text()
    assert "Traceback" in page.error_box.detailedText()
    page.error_box.close()
    # After deleting the original the zip imports, under a new name.
    page.delete(entry)
    job = page.import_voice(dest, name="Alice again")
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=10000):
        pass
    assert _names(page) == ["Alice again"] and page.selected().name == "Alice again"
    assert page.import_button.isEnabled() and not page.cancel_button.isEnabled()


def test_preview_plays_through_the_player(page, monkeypatch):
    make_voice(paths.voices_dir(), "Alice")
    page.refresh()
    page.select_name("Alice")
    played = []
    monkeypatch.setattr(page.player, "play", lambda wave, rate, start_s=0.0: played.append((len(wave), rate)))
    page.preview_button.click()
    assert played == [(32000, 32000)] and page.preview_button.text() == "Stop preview"


def test_new_voice_from_folder_shows_report(page, ctx, qtbot, tmp_path, tiny_whisper):
    from tests.desktop.voices import tiny_hubert32

    src = recordings_folder(tmp_path)
    ctx.settings.set(
        "assets/overrides",
        {"whisper-large-v2": str(tiny_whisper), "hubert-soft": str(tiny_hubert32(tmp_path))},
    )
    progress = []
    job = page.new_voice_from_folder(src, "Ana", f0="dio")
    job.progress.connect(progress.append)
    assert not page.new_button.isEnabled() and page.cancel_button.isEnabled()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=120000):
        pass
    assert progress and progress[-1].stage == "features" and page.progress.value() == 1000
    kept, rejected = page.report.tree.topLevelItem(0), page.report.tree.topLevelItem(1)
    assert kept.text(0).startswith("Kept: ") and kept.childCount() >= 2
    reasons = {rejected.child(i).text(0): rejected.child(i).text(2) for i in range(rejected.childCount())}
    assert "not an audio file" in reasons["lyrics.txt"] and "quiet.wav" in reasons
    assert "min of audio" in page.report.summary.text() and "⚠" in page.report.summary.text()
    table = page.dataset_table  # datasets have their own list (issue 12 §7)
    (row,) = [r for r in range(table.rowCount()) if table.item(r, 0).text() == "Ana"]
    assert "ready to train" in table.item(row, 5).text()
    assert "Ana" not in _names(page)  # not among the voices
    assert page.new_button.isEnabled()


def test_cancel_new_voice_leaves_nothing(page, qtbot, tmp_path):
    src = recordings_folder(tmp_path, notes=(196.0, 220.0, 247.0, 262.0, 294.0, 330.0))
    job = page.new_voice_from_folder(src, "Ana", features=False)
    page.cancel_button.click()
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=30000):
        pass
    assert "Cancelled" in page.status_label.text()
    assert list_datasets() == []


def test_missing_encoder_weights_is_an_error_dialog(page, qtbot, tmp_path):
    src = recordings_folder(tmp_path, junk=False)
    job = page.new_voice_from_folder(src, "Ana")
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=30000):
        pass
    text = page.error_box.text()  # the app's words, every missing file at once, and the setup offered
    assert "missing" in text and "whisper-large-v2" in text and "Open the setup" in text and "--" not in text
    page.error_box.close()


def test_import_so_vits_svc_pth_with_singer_npy_through_the_menu(page, qtbot, tmp_path, monkeypatch):
    import numpy as np
    import torch
    from PySide6.QtWidgets import QFileDialog

    from models.config import VoiceConfig
    from models.nets.synthesizer import SynthesizerInfer

    torch.manual_seed(0)
    pth = tmp_path / "singer_voice.pth"
    torch.save({"model_g": SynthesizerInfer(VoiceConfig.sovits5()).state_dict()}, pth)
    npy = tmp_path / "singer0001.npy"
    np.save(npy, np.full(256, 1 / 16, np.float32))
    answers = [(str(pth), ""), (str(npy), "")]
    asked = []

    def get_open_file_name(parent, caption, *args, **kwargs):
        asked.append(caption)
        return answers.pop(0)

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(get_open_file_name))
    with qtbot.waitSignal(page.job_done, timeout=120000) as done:
        page.import_button.menu().actions()[2].trigger()
    assert done.args == ["result"]
    assert "so-vits-svc-5.0" in asked[0] and ".npy" in asked[1]
    row = _names(page).index("singer_voice")
    assert page.table.item(row, 5).text() == "imported (so-vits-svc-5.0)"
    qtbot.waitUntil(lambda: page.job is None, timeout=10000)


def test_new_voice_button_asks_folder_and_name_then_reports_missing_weights(
    page, qtbot, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    src = recordings_folder(tmp_path, junk=False)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(src)))
    names = []

    def get_text(parent, title, label, **kwargs):
        names.append(kwargs.get("text"))
        return "Ana", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    with qtbot.waitSignal(page.job_done, timeout=30000) as done:
        page.new_button.click()
    assert names == ["takes"] and done.args == ["failed"]  # the folder's name is offered as the voice name
    assert "whisper-large-v2" in page.error_box.text() and "missing" in page.error_box.text()
    page.error_box.close()


def test_new_voice_with_an_existing_name_asks_to_replace_it(
    page, ctx, qtbot, tmp_path, monkeypatch, tiny_whisper
):
    from PySide6.QtWidgets import QFileDialog

    from tests.desktop.voices import tiny_hubert32

    ctx.settings.set(
        "assets/overrides",
        {"whisper-large-v2": str(tiny_whisper), "hubert-soft": str(tiny_hubert32(tmp_path))},
    )
    ctx.settings.set_value("library/f0_method", "dio")
    first = recordings_folder(tmp_path / "a", notes=(196.0,), junk=False)
    second = recordings_folder(tmp_path / "b", notes=(220.0, 247.0), junk=False)
    folders = [first, second, second, second]
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folders.pop(0)))
    )
    names = ["Ana", "Ana", "Ana", "ana!"]
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (names.pop(0), True)))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: warnings.append(a[2])))
    answers = [
        QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes,
    ]
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: answers.pop(0)))
    with qtbot.waitSignal(page.job_done, timeout=120000):
        page.new_button.click()
    qtbot.waitUntil(lambda: page.job is None, timeout=10000)
    (original,) = list_datasets()
    page.new_button.click()  # Cancel: nothing starts
    assert page.job is None and len(answers) == 1
    with qtbot.waitSignal(page.job_done, timeout=120000):
        page.new_button.click()  # Yes: replaced in place
    qtbot.waitUntil(lambda: page.job is None, timeout=10000)
    (replaced,) = list_datasets()
    assert replaced.folder == original.folder and replaced.clips > original.clips
    page.new_button.click()  # "ana!" would share Ana's folder: refused, nothing starts (issue 20.2)
    assert page.job is None and "“Ana”" in warnings[0] and not answers
    assert [d.folder.name for d in list_datasets()] == ["ana"]
