"""Settings page: the model files setup view (its own tests: test_setup_view.py), the cache folder
(a download from a local HTTP server lands in the chosen one), device detection, threads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from models.formats.assets import Asset
from tests.local_http import SlowFileHandler, file_server
from voicecraft_desktop.ui.pages.settings import SettingsPage

PAYLOAD = bytes(range(256)) * 4096 * 3  # 3 MiB: three of the downloader's 1 MiB blocks


class _Handler(SlowFileHandler):
    files = {"/model.bin": PAYLOAD}


@pytest.fixture
def server():
    yield from file_server(_Handler)


def _registry(url: str) -> dict[str, Asset]:
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    assets = [
        Asset("base-model", "model.bin", f"{url}/model.bin", sha, len(PAYLOAD), "MIT", "a test model",
              needed_for=("convert", "train", "finetune")),
        Asset("folder-model", "folder-model", None, None, None, "MIT", "a local folder", folder=True),
    ]
    return {a.name: a for a in assets}


def _page(ctx, qtbot, server) -> SettingsPage:
    page = SettingsPage(ctx, registry=_registry(server))
    qtbot.addWidget(page)
    return page


def test_model_files_are_the_setup_view(ctx, qtbot, server) -> None:
    """Settings opens the model files setup at any time: the same view as the first start (its own
    tests are tests/desktop/test_setup_view.py)."""
    from voicecraft_desktop.ui.pages.setup import SetupView

    page = _page(ctx, qtbot, server)
    page.show()
    assert isinstance(page.setup, SetupView) and page.setup.isVisible()
    assert page.setup.needed_missing() == ["base-model"]
    assert page.setup.task_labels["convert"].text() == "needs 1 file (3.1 MB)"
    assert page.setup.download_button.isEnabled()
    page.shutdown()


def test_cache_folder_choice(ctx, qtbot, server, tmp_path: Path) -> None:
    page = _page(ctx, qtbot, server)
    assert "(default)" in page.cache_edit.text()
    page.set_cache_folder(tmp_path / "elsewhere")
    assert ctx.assets_cache_dir() == tmp_path / "elsewhere"
    assert page.cache_edit.text() == str(tmp_path / "elsewhere")
    job = page.setup.download_needed()
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
