"""Settings page: model files (download with progress from a local HTTP server, cancel, failure
dialog, "Locate file…"), cache folder, device detection, threads."""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from pathlib import Path

import pytest

from models.formats.assets import Asset
from voicecraft_desktop.ui.pages.settings import SettingsPage

PAYLOAD = bytes(range(256)) * 4096 * 3  # 3 MiB: three of the downloader's 1 MiB blocks
CHUNK = 64 * 1024


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    delay_s = 0.0  # pause between 64 KiB chunks

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path != "/model.bin":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        try:
            for i in range(0, len(PAYLOAD), CHUNK):
                self.wfile.write(PAYLOAD[i : i + CHUNK])
                if self.delay_s:
                    time.sleep(self.delay_s)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    _SlowHandler.delay_s = 0.0
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def _registry(url: str) -> dict[str, Asset]:
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    assets = [
        Asset("base-model", "model.bin", f"{url}/model.bin", sha, len(PAYLOAD), "MIT", "a test model"),
        Asset("gone", "gone.bin", f"{url}/gone.bin", sha, None, "MIT", "a file the server does not have"),
        Asset("folder-model", "folder-model", None, None, None, "MIT", "a local folder", folder=True),
    ]
    return {a.name: a for a in assets}


def _page(ctx, qtbot, server) -> SettingsPage:
    page = SettingsPage(ctx, registry=_registry(server))
    qtbot.addWidget(page)
    return page


def _row(page: SettingsPage, name: str) -> int:
    for row in range(page.table.rowCount()):
        if page.table.item(row, 0).text() == name:
            return row
    raise AssertionError(name)


def test_lists_every_asset_with_its_state(ctx, qtbot, server) -> None:
    page = _page(ctx, qtbot, server)
    assert [page.table.item(r, 0).text() for r in range(page.table.rowCount())] == ["base-model", "gone",
                                                                                     "folder-model"]
    assert all(page.asset_state(n) == "missing" for n in ("base-model", "gone", "folder-model"))
    assert "missing" in page.table.item(0, 1).text() and page.table.item(0, 2).text() == "3.0 MB"
    page.table.selectRow(_row(page, "folder-model"))
    assert not page.download_button.isEnabled(), "a local-only asset cannot be downloaded"
    assert page.locate_button.isEnabled()


def test_download_shows_progress_and_verifies(ctx, qtbot, server) -> None:
    page = _page(ctx, qtbot, server)
    page.table.selectRow(_row(page, "base-model"))
    assert page.download_button.isEnabled()
    values: list[int] = []
    page.download_button.click()
    job = page.download_job
    assert job is not None and page.cancel_button.isEnabled() and not page.download_button.isEnabled()
    job.progress.connect(lambda _p: values.append(page.progress.value()))
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=20000):
        pass
    assert values and values == sorted(values), values
    assert page.progress.value() == 1000
    assert page.asset_state("base-model") == "cached"
    path = ctx.assets_cache_dir() / "base-model" / "model.bin"
    assert path.read_bytes() == PAYLOAD
    assert "downloaded and verified" in page.progress_label.text()
    assert "downloaded" in page.table.item(_row(page, "base-model"), 1).text()
    assert not page.cancel_button.isEnabled() and page.download_job is None


def test_cancel_stops_the_download_and_keeps_the_part(ctx, qtbot, server) -> None:
    _SlowHandler.delay_s = 0.05  # ~1.3 MB/s: several seconds for the whole file
    page = _page(ctx, qtbot, server)
    job = page.start_download("base-model")
    with qtbot.waitSignal(job.progress, timeout=20000):
        pass
    page.cancel_button.click()
    with qtbot.waitSignals([job.cancelled, job.finished], order="strict", timeout=20000):
        pass
    assert "cancelled" in page.progress_label.text()
    assert page.asset_state("base-model") == "missing"
    assert (ctx.assets_cache_dir() / "base-model" / "model.bin.part").exists()


def test_failed_download_opens_an_error_dialog(ctx, qtbot, server) -> None:
    page = _page(ctx, qtbot, server)
    job = page.start_download("gone")
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=20000):
        pass
    assert page.error_box is not None
    assert "HTTP 404" in page.error_box.text() and "gone.bin" in page.error_box.text()
    page.error_box.close()
    assert page.asset_state("gone") == "missing"


def test_locate_file_and_use_the_cache_again(ctx, qtbot, server, tmp_path: Path) -> None:
    page = _page(ctx, qtbot, server)
    mine = tmp_path / "my-model.bin"
    mine.write_bytes(b"weights")
    page.table.selectRow(_row(page, "base-model"))
    page.set_override("base-model", mine)
    assert page.asset_state("base-model") == "located"
    assert ctx.settings.get("assets/overrides") == {"base-model": str(mine)}
    assert str(mine) in page.table.item(_row(page, "base-model"), 1).text()
    assert page.forget_button.isEnabled() and not page.download_button.isEnabled()
    page.forget_button.click()
    assert page.asset_state("base-model") == "missing" and ctx.settings.get("assets/overrides") == {}


def test_cache_folder_choice(ctx, qtbot, server, tmp_path: Path) -> None:
    page = _page(ctx, qtbot, server)
    assert "(default)" in page.cache_edit.text()
    page.set_cache_folder(tmp_path / "elsewhere")
    assert ctx.assets_cache_dir() == tmp_path / "elsewhere"
    assert page.cache_edit.text() == str(tmp_path / "elsewhere")
    job = page.start_download("base-model")
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    assert (tmp_path / "elsewhere" / "base-model" / "model.bin").is_file()
    page.cache_default_button.click()
    assert "(default)" in page.cache_edit.text()


def test_device_detection_and_threads(ctx, qtbot, server) -> None:
    page = _page(ctx, qtbot, server)
    ctx.device = "cuda:3"  # stored earlier on a machine that had it
    job = page.detect_devices()
    with qtbot.waitSignals([job.result, job.finished], order="strict", timeout=60000):
        pass
    items = [page.device_combo.itemData(i) for i in range(page.device_combo.count())]
    assert items[0] == "cpu" and "cuda:3" in items
    assert "not available" in page.device_combo.itemText(items.index("cuda:3"))
    import torch

    if not torch.cuda.is_available():
        assert "No CUDA GPU found" in page.device_label.text()
    else:
        assert "GB" in page.device_combo.itemText(1)
    page.device_combo.setCurrentIndex(0)
    assert ctx.device == "cpu"
    before = torch.get_num_threads()
    try:
        page.threads_spin.setValue(1)
        assert ctx.settings.get("compute/threads") == 1 and ctx.threads == 1
        assert torch.get_num_threads() == 1, "the thread count must reach torch"
    finally:
        torch.set_num_threads(before)
