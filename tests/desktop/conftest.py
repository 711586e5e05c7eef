"""Desktop test set-up: an isolated AppContext per test, and no QThread left running after a test."""

from __future__ import annotations

import weakref
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThread

from tests.features.conftest import tiny_whisper  # noqa: F401  (a fixture the desktop tests share)
from tests.voice_fixtures import nt_env, nt_files, one_thread  # noqa: F401  (voices without training)
from voicecraft_desktop.settings import Settings
from voicecraft_desktop.ui.context import AppContext


@pytest.fixture(autouse=True)
def _no_dangling_qthreads(monkeypatch: pytest.MonkeyPatch):
    """Fail a test that leaves a QThread it started still running (napari ``_dangling_qthreads``)."""
    started: list[weakref.ref] = []
    original_start = QThread.start

    def tracking_start(self, *args, **kwargs):
        started.append(weakref.ref(self))
        return original_start(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", tracking_start)
    yield
    running = []
    for ref in started:
        thread = ref()
        try:
            if thread is not None and thread.isRunning():
                running.append(thread.objectName() or repr(thread))
        except RuntimeError:  # the C++ object is gone: it was finished and deleted
            pass
    assert not running, f"QThread(s) still running after the test: {running}"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Typed settings in a private ini file (never the user's)."""
    store = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    store.migrate()
    return store


@pytest.fixture
def ctx(settings: Settings, tmp_home: Path, qtbot):
    """An AppContext with private settings and data folders; its runner is shut down afterwards."""
    context = AppContext(settings=settings)
    yield context
    assert context.runner.shutdown(timeout_s=30.0), "a job ignored its cancel event"


@pytest.fixture
def open_page(qtbot):
    """``open_page(PageClass, ctx, **kwargs)``: the page built, added to qtbot and shown; each page
    opened this way gets its ``shutdown()`` after the test (playback, TensorBoard, timers)."""
    opened = []

    def build(page_class, context, **kwargs):
        widget = page_class(context, **kwargs)
        qtbot.addWidget(widget)
        widget.show()
        opened.append(widget)
        return widget

    yield build
    for widget in opened:
        widget.shutdown()


# -- the Convert page with a voice ready (the Convert, pitch editor and conversion-option tests) ------


@pytest.fixture
def song(tmp_path: Path) -> Path:
    """A 2.2 s sung glide (G3 to C4, then silence) at 44.1 kHz."""
    import numpy as np
    import soundfile as sf

    from tests.features.conftest import harmonic_tone

    path = tmp_path / "song.wav"
    f0 = np.linspace(196.0, 262.0, 44100 * 2)
    sf.write(path, np.concatenate([harmonic_tone(f0, 2.0, 44100), np.zeros(8820, np.float32)]), 44100)
    return path


@pytest.fixture
def ready(ctx, tmp_path: Path, tiny_whisper):  # noqa: F811  (the fixture imported above)
    """``ctx`` with a tiny voice "Alice" in the library and tiny content encoders as its model files."""
    from tests.desktop.voices import make_voice, tiny_hubert32
    from voicecraft_desktop.core import paths

    make_voice(paths.voices_dir(), "Alice")
    ctx.settings.set(
        "assets/overrides",
        {"whisper-large-v2": str(tiny_whisper), "hubert-soft": str(tiny_hubert32(tmp_path))},
    )
    return ctx


@pytest.fixture
def page(ctx, open_page):
    """The Convert page, shown."""
    from voicecraft_desktop.ui.pages.convert import ConvertPage

    return open_page(ConvertPage, ctx)
