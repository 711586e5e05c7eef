"""Desktop test set-up: an isolated AppContext per test, and no QThread left running after a test;
the fixtures the page tests share (tiny content encoders, voices without training, prepared tiny
datasets for the Train page, fake Live devices, a private PulseAudio server for the real-device tests)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThread

from models.config import VoiceConfig
from tests.convert.conftest import (  # noqa: F401  (session fixtures shared with the conversion tests)
    tiny_extractors,
    tiny_hubert_folder,
    tiny_whisper_path,
)
from tests.features.conftest import tiny_whisper  # noqa: F401  (a fixture the desktop tests share)
from tests.training.conftest import make_dataset
from tests.voice_fixtures import nt_env, nt_files, one_thread  # noqa: F401  (voices without training)
from voicecraft_desktop.core.dataset_jobs import datasets_dir
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


@pytest.fixture
def dataset(tmp_path: Path) -> tuple[Path, Path]:
    """One prepared tiny dataset "test-voice" (5 clips) for the Train page: ``(folder, feature cache)``."""
    folder, cache = make_dataset(tmp_path / "made", VoiceConfig.tiny(), [1.2, 1.5, 2.0, 1.4, 1.8])
    datasets_dir().mkdir(parents=True, exist_ok=True)
    target = datasets_dir() / "test-voice"
    shutil.move(folder, target)
    return target, cache


@pytest.fixture
def datasets(tmp_path: Path, tmp_home: Path) -> tuple[list[Path], Path]:
    """Two prepared tiny datasets, "ana" and "bo" (5 clips each); returns (folders, feature cache)."""
    folders = []
    for name in ("ana", "bo"):
        lengths = [1.2, 1.5, 2.0, 1.4, 1.8]
        folder, cache = make_dataset(tmp_path / f"made-{name}", VoiceConfig.tiny(), lengths)
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["voice"] = name
        (folder / "manifest.json").write_text(json.dumps(manifest))
        datasets_dir().mkdir(parents=True, exist_ok=True)
        folders.append(shutil.move(folder, datasets_dir() / name))
        shutil.copytree(cache, tmp_path / "cache", dirs_exist_ok=True)
    return folders, tmp_path / "cache"


@pytest.fixture
def devices(monkeypatch: pytest.MonkeyPatch):
    """The Live page sees one fake microphone and one fake pair of headphones, both at 48 kHz:
    ``(inputs, outputs)``."""
    from voicecraft_desktop.core import live as live_core
    from voicecraft_desktop.core import recorder as rec
    from voicecraft_desktop.ui.pages import live as live_module

    ins = [rec.InputDevice(1, "Test microphone", "ALSA", 1, 48000.0, True)]
    outs = [live_core.OutputDevice(2, "Test headphones", "ALSA", 2, 48000.0, True)]
    monkeypatch.setattr(live_module, "list_input_devices", lambda: ins)
    monkeypatch.setattr(live_module, "list_output_devices", lambda: outs)
    monkeypatch.setattr(live_core, "device_rate", lambda device, kind: 48000)
    return ins, outs


def _pactl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["pactl", *args], env=env, capture_output=True, text=True, timeout=10)


@pytest.fixture
def pulseaudio(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """``pulseaudio(sinks, rate, sink=..., source=...)``: starts a private PulseAudio server (recipe in
    ../shared/notes/environment.md) with a mono null sink per name in ``sinks`` at ``rate``, ``sink``
    (default: the first) as the default sink and ``source`` (default: the default sink's monitor) as
    the default source; points this process at it (PortAudio's device list is read again) and returns the
    environment for the PulseAudio clients a test runs (paplay, parecord). The server is killed
    after the test. Skipped with a reason where PulseAudio is not installed."""
    from voicecraft_desktop.core import recorder as rec

    started_envs: list[tuple[dict[str, str], Path]] = []

    def start(
        sinks: list[str], rate: int, sink: str | None = None, source: str | None = None
    ) -> dict[str, str]:
        missing = [tool for tool in ("pulseaudio", "pactl", "paplay", "parecord") if not shutil.which(tool)]
        if missing:
            pytest.skip(f"needs {', '.join(missing)}: apt-get install pulseaudio pulseaudio-utils")
        runtime = Path("/tmp") / f"vc-pa-{os.getpid()}-{time.monotonic_ns()}"  # short: unix socket paths
        runtime.mkdir(mode=0o700)
        env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_RUNTIME_PATH": str(runtime / "pulse")}
        started_envs.append((env, runtime))
        server = subprocess.run(
            ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n", "--use-pid-file=yes",
             "--load=module-native-protocol-unix",
             *[f"--load=module-null-sink sink_name={sink} rate={rate} channels=1" for sink in sinks],
             f"--log-target=file:{runtime}/pulse.log"],
            env=env, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if server.returncode != 0:
            pytest.fail(f"pulseaudio did not start: {server.stderr}")
        for _ in range(100):
            if _pactl(env, "info").returncode == 0:
                break
            time.sleep(0.1)
        else:
            pytest.fail("pulseaudio started but pactl cannot reach it")
        sink = sink or sinks[0]
        _pactl(env, "set-default-sink", sink)
        _pactl(env, "set-default-source", source or f"{sink}.monitor")
        for key in ("XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH"):
            monkeypatch.setenv(key, env[key])
        rec.rescan_devices()  # PortAudio read the device list when sounddevice was imported
        return env

    yield start
    for env, _runtime in started_envs:
        subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True, timeout=30)
    if started_envs:
        rec.rescan_devices()
    for _env, runtime in started_envs:
        shutil.rmtree(runtime, ignore_errors=True)


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
