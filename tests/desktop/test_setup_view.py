"""Model files setup (issue 12.1): what each task needs, "Download what is needed" against a local
HTTP server (file and total progress, cancel, a failure or no network never leaves "Downloading…"),
"Locate file…" verified (a random file is refused with the reason), the first start shows the setup
once, Settings holds it, and a missing-model error names every file and offers "Open setup"."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from models.formats.assets import Asset
from tests.local_http import SlowFileHandler, file_server
from voicecraft_desktop.ui.pages.setup import (
    OFFLINE_TEXT,
    SetupDialog,
    SetupView,
    first_run_wanted,
    offer_first_run_setup,
)

ENC = bytes(range(256)) * 4096 * 3  # 3 MiB: three of the downloader's 1 MiB blocks
PRE = bytes(reversed(range(256))) * 4096 * 2  # 2 MiB
FILES = {"/enc.bin": ENC, "/pre.bin": PRE}


class _Handler(SlowFileHandler):
    files = FILES


@pytest.fixture
def server():
    yield from file_server(_Handler)


def _registry(url: str) -> dict[str, Asset]:
    assets = [
        Asset("enc", "enc.bin", f"{url}/enc.bin", hashlib.sha256(ENC).hexdigest(), None, "MIT (enc authors)",
              "Content encoder (test)", needed_for=("convert", "train", "finetune"), approx_size=len(ENC)),
        Asset("pre", "pre.bin", f"{url}/pre.bin", hashlib.sha256(PRE).hexdigest(), len(PRE),
              "MIT (pre authors)",
              "Pretrained base (test)", needed_for=("finetune",)),
        Asset("opt", "opt.bin", f"{url}/opt.bin", None, None, "MIT", "Optional encoder (test)"),
    ]
    return {a.name: a for a in assets}


@pytest.fixture
def view(ctx, qtbot, server) -> SetupView:
    widget = SetupView(ctx, registry=_registry(server))
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    yield widget
    widget.shutdown()


def _rows(view: SetupView) -> list[str]:
    return [view.table.item(r, 0).data(256) for r in range(view.table.rowCount())]


def _wait_done(qtbot, view: SetupView, job) -> None:
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: view.job is None, timeout=5000)


def test_lists_what_each_task_needs_with_size_licence_and_state(view) -> None:
    labels = {k: v.text() for k, v in view.task_labels.items()}
    assert labels == {"convert": "needs 1 file (about 3.1 MB)", "train": "needs 1 file (about 3.1 MB)",
                      "finetune": "needs 2 files (about 5.2 MB)", "covers": "✔ ready"}
    assert _rows(view) == ["enc", "pre"], "optional files are hidden until asked for"
    row = [view.table.item(0, c).text() for c in range(view.table.columnCount())]
    assert row == ["Content encoder", "Convert, train, fine-tune", "about 3.1 MB", "MIT", "✖ missing"]
    assert view.table.item(0, 3).toolTip() == "MIT (enc authors)"  # the full licence
    assert view.table.item(1, 1).text() == "Fine-tune" and view.table.item(1, 2).text() == "2.1 MB"
    assert "2 files to download (about 5.2 MB)" in view.status_label.text()
    assert "sha256" not in view.status_label.text().lower() and "SHA-256: " in view.details.text()
    view.task_checks["finetune"].setChecked(False)
    assert view.needed_missing() == ["enc"] and "1 file to download" in view.status_label.text()
    view.optional_check.setChecked(True)
    assert _rows(view) == ["enc", "pre", "opt"] and view.table.item(2, 1).text() == "Optional"


def test_download_what_is_needed_shows_file_and_total_progress(view, ctx, qtbot) -> None:
    _Handler.delay_s = 0.01  # a few seconds: progress is sampled through both files
    files: list[int] = []
    totals: list[int] = []
    texts: list[str] = []
    second: list[int] = []  # the total while the second file downloads
    assert view.download_button.isEnabled() and not view.cancel_button.isEnabled()
    view.download_button.click()
    job = view.job
    assert job is not None and view.cancel_button.isEnabled() and not view.download_button.isEnabled()
    assert view.status_label.text() == "Downloading…"
    rows: list[str] = []
    job.progress.connect(lambda _p: rows.append(view.table.item(0, 4).text()))
    job.progress.connect(lambda _p: (files.append(view.file_progress.value()),
                                     totals.append(view.total_progress.value()),
                                     texts.append(view.status_label.text()),
                                     view.file_label.text() == "File 2 of 2" and second.append(totals[-1])))
    _wait_done(qtbot, view, job)
    assert totals and totals == sorted(totals) and view.total_progress.value() == 1000
    assert max(files) > 0 and any("Downloading Pretrained base" in t for t in texts)
    assert second and min(second) >= 550, "the first file (3 of 5.2 MB) counts in the total"
    assert any("all files:" in t for t in texts)
    assert (ctx.assets_cache_dir() / "enc" / "enc.bin").read_bytes() == ENC
    assert (ctx.assets_cache_dir() / "pre" / "pre.bin").read_bytes() == PRE
    assert {view.asset_state(n) for n in ("enc", "pre")} == {"cached"}
    assert rows[0] == "⬇ downloading…" and view.table.item(0, 4).text() == "✔ downloaded"
    assert all(label.text() == "✔ ready" for label in view.task_labels.values())
    assert view.status_label.text().startswith("✔ Downloaded and verified 2 file(s)")
    assert not view.download_button.isEnabled(), "nothing left to download"


def test_cancel_keeps_what_came_resumes_and_never_leaves_downloading(view, ctx, qtbot) -> None:
    _Handler.delay_s = 0.05  # ~1.3 MB/s: several seconds for the files
    job = view.download_needed()
    with qtbot.waitSignal(job.progress, timeout=20000):
        pass
    view.cancel_button.click()
    _wait_done(qtbot, view, job)
    text = view.status_label.text()
    assert "cancelled" in text and "resumes next time" in text and "Downloading" not in text
    assert view.asset_state("enc") == "missing" and (ctx.assets_cache_dir() / "enc" / "enc.bin.part").exists()
    assert view.table.item(view.row_of("enc"), 4).text() == "✖ partly downloaded"
    assert view.download_button.isEnabled() and not view.cancel_button.isEnabled()
    kept = (ctx.assets_cache_dir() / "enc" / "enc.bin.part").stat().st_size
    _Handler.delay_s = 0.0
    view.download_button.click()  # again: the interrupted file resumes where it stopped
    _wait_done(qtbot, view, view.job)
    assert _Handler.ranges[-2] == f"bytes={kept}-" and kept > 0
    assert view.asset_state("enc") == view.asset_state("pre") == "cached"
    assert (ctx.assets_cache_dir() / "enc" / "enc.bin").read_bytes() == ENC


def test_no_network_says_so_plainly(ctx, qtbot) -> None:
    view = SetupView(ctx, registry=_registry("http://127.0.0.1:9"))  # discard port: refused
    qtbot.addWidget(view)
    job = view.download_needed()
    _wait_done(qtbot, view, job)
    assert view.offline and view.status_label.text() == OFFLINE_TEXT
    assert "Errno" not in view.status_label.text() and "Downloading" not in view.status_label.text()
    assert view.error_box is not None and view.error_box.windowTitle() == "No internet connection"
    assert view.error_box.text() == OFFLINE_TEXT and "127.0.0.1:9" in view.error_box.detailedText()
    view.error_box.close()


def test_a_failed_download_never_leaves_downloading(view, qtbot, server, monkeypatch) -> None:
    monkeypatch.delitem(FILES, "/enc.bin")  # the server answers 404 for it now
    job = view.download_needed()
    _wait_done(qtbot, view, job)
    text = view.status_label.text()
    assert text.startswith("✖ Download failed:") and "HTTP 404" in text and "Downloading" not in text
    assert not view.offline and view.error_box.windowTitle() == "Download failed"
    view.error_box.close()


def test_locate_refuses_a_file_that_is_not_the_model(view, ctx, qtbot, tmp_path: Path) -> None:
    bogus = tmp_path / "enc.bin"
    bogus.write_bytes(np.random.default_rng(0).integers(0, 256, 1_600_000, dtype=np.uint8).tobytes())
    view.table.selectRow(view.row_of("enc"))
    job = view.locate("enc", bogus)
    _wait_done(qtbot, view, job)
    refused = view.status_label.text()
    assert refused.startswith("✖ Refused:") and "is not Content encoder" in refused and "1.6 MB" in refused
    assert view.error_box.windowTitle() == "Not the expected model file"
    view.error_box.close()
    assert ctx.settings.get("assets/overrides") == {} and view.asset_state("enc") == "missing"
    good = tmp_path / "mine.bin"
    good.write_bytes(ENC)
    job = view.locate("enc", good)
    _wait_done(qtbot, view, job)
    assert ctx.settings.get("assets/overrides") == {"enc": str(good)} and view.asset_state("enc") == "located"
    assert view.status_label.text().startswith("✔ mine.bin is Content encoder")
    assert view.table.item(view.row_of("enc"), 4).text() == "✔ your copy (verified)"
    view.table.selectRow(view.row_of("enc"))
    assert view.forget_button.isEnabled()
    view.forget_button.click()
    assert ctx.settings.get("assets/overrides") == {} and view.asset_state("enc") == "missing"


def test_first_start_shows_the_setup_once(ctx, qtbot, server) -> None:
    registry = _registry(server)
    assert first_run_wanted(ctx, registry)
    dialog = offer_first_run_setup(ctx, None, registry)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, SetupDialog) and dialog.isVisible()
    assert dialog.view.needed_missing() == ["enc", "pre"]
    dialog.close()
    assert offer_first_run_setup(ctx, None, registry) is None, "offered once, not at every start"


def test_first_start_with_everything_present_shows_nothing(ctx, qtbot, tmp_path) -> None:
    registry = {"enc": Asset("enc", "enc.bin", None, None, None, "MIT", "Content encoder (test)",
                             needed_for=("convert",))}
    mine = tmp_path / "enc.bin"
    mine.write_bytes(b"x")
    ctx.settings.set("assets/overrides", {"enc": str(mine)})
    assert not first_run_wanted(ctx, registry) and offer_first_run_setup(ctx, None, registry) is None


def test_main_window_offers_the_setup_on_first_start(ctx, qtbot) -> None:
    from voicecraft_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx, pages=[("Settings", "settings", "SettingsPage")])
    window.confirm_close = False
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: getattr(window, "setup_dialog", None) is not None, timeout=5000)
    assert window.setup_dialog.isVisible() and window.setup_dialog.windowTitle() == "Model files setup"
    window.setup_dialog.close()
    window.close()
    again = MainWindow(ctx, pages=[("Settings", "settings", "SettingsPage")])
    again.confirm_close = False
    qtbot.addWidget(again)
    again.show()
    qtbot.wait(600)
    assert getattr(again, "setup_dialog", None) is None
    again.close()


def test_missing_model_error_names_every_file_and_opens_setup(ctx, open_page, qtbot, tmp_path) -> None:
    """A "New voice from folder" with no model files: one error naming both, no command-line flag,
    and "Open setup" opens the setup."""
    from tests.desktop.voices import recordings_folder
    from voicecraft_desktop.ui.pages.library import LibraryPage

    page = open_page(LibraryPage, ctx)
    job = page.new_voice_from_folder(recordings_folder(tmp_path), "Nina")
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    box = page.error_box
    assert box is not None and box.isVisible()
    text = box.text()
    assert "These model files are missing: OpenAI Whisper large-v2 checkpoint (whisper-large-v2) and " \
           "HuBERT-soft content encoder (hubert-soft)." in text
    assert "--asset" not in text and "--asset" not in box.detailedText()
    assert "https://openaipublic.azureedge.net" in box.detailedText()
    assert "These model files are missing" in page.status_label.text()
    button = box.findChild(type(box.defaultButton()), "openSetupButton")
    assert button is not None and button.text() == "Open setup"
    button.click()
    dialogs = [w for w in page.findChildren(SetupDialog)]
    assert dialogs and dialogs[-1].isVisible()
    assert set(dialogs[-1].view.needed_missing()) >= {"whisper-large-v2", "hubert-soft"}
    dialogs[-1].close()


def test_only_the_setup_s_files_offer_the_setup() -> None:
    """A missing file the setup does not list (a base singer's vector) gets the plain error, not a
    pointless "Open setup"."""
    from models.formats.assets import AssetMissing
    from voicecraft_desktop.ui.pages._common import missing_models_text

    assert missing_models_text(AssetMissing("sovits5-singer0007", "offline")) == ""
    assert missing_models_text(ValueError("x")) == ""
    text = missing_models_text(AssetMissing("hubert-soft", "gone"))
    assert text.startswith("This model file is missing: HuBERT-soft content encoder (hubert-soft).")
