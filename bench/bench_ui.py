"""GUI responsiveness: the largest gap of a 10 ms GUI-thread heartbeat while the Train page trains,
while the Convert page converts (target <= 50 ms) and while the app quits during a training step
(target <= 100 ms); launch-to-window-shown time (target <= 2 s) and launch-to-first-painted-frame
(target: within 1 s of the window showing). Prints JSON.

Usage (from the repository root; or ``python -m bench.bench_ui``):
    python bench/bench_ui.py [--steps 12] [--take-s 8] [--launches 3] [--threads 1]

- **launch**: ``python bench/bench_ui.py --child-launch`` in a fresh process, timed from just before
  the parent starts it to the child's first processed event after ``MainWindow.show()`` (the
  window as ``app.main`` builds it: QApplication, migrated QSettings, every import of the first
  page), and to the end of the first paint event of a widget of the window (the first frame).
  Median and worst of ``--launches`` runs, offscreen unless ``DISPLAY`` is set.
- **heartbeat**: a ``QTimer`` firing every 10 ms in the GUI thread of a shown ``MainWindow``;
  a gap is the time between two consecutive ticks. Measured in two phases, because the runner
  allows one compute job at a time: the Train page training the ``tiny`` preset on a prepared
  dataset (loss curves and progress drawn live), then the Convert page converting a take of
  ``--take-s`` seconds into a voice. Then **quit**: training is started again (``--quit-preset``)
  and, once its first step is reported, the window is closed; the heartbeat runs until the window
  has gone (the child asked to stop, the job ended, the pages shut down). Reported per phase: max,
  p99, p50 gap and the tick count (quit: also the seconds until the window closed).
  The tiny random-weight content encoders of :mod:`models.formats.tiny_assets` and
  :mod:`voicecraft_desktop.core.demo_data` stand in for Whisper and
  HuBERT (nothing is downloaded); data lives in a temporary ``VOICECRAFT_HOME``.

Note that on a 2-core machine the job threads and the GUI compete for the same cores; torch
releases the GIL inside its kernels, Python-level engine code does not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEARTBEAT_MS = 10
REPO_ROOT = Path(__file__).resolve().parents[1]
# The five pages in the agreed order (the Train and Convert pages drive the two phases).
ALL_PAGES = [("Record", "record", "RecordPage"), ("Library", "library", "LibraryPage"),
             ("Train", "train", "TrainPage"), ("Convert", "convert", "ConvertPage"),
             ("Settings", "settings", "SettingsPage")]


# -- launch ------------------------------------------------------------------------------------------

def _child_launch() -> None:
    t_parent = float(os.environ["VOICECRAFT_BENCH_T0"])
    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from voicecraft_desktop.app import APPLICATION_NAME, ORGANIZATION_NAME
    from voicecraft_desktop.ui.main_window import MainWindow
    from voicecraft_desktop.ui.pages.setup import SETUP_SHOWN_KEY

    app = QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANIZATION_NAME)
    app.setApplicationName(APPLICATION_NAME)
    # The child's settings are fresh (a temporary XDG_CONFIG_HOME): no first-start setup dialog over it.
    QSettings().setValue(SETUP_SHOWN_KEY, True)
    window = MainWindow()
    times: dict = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.window() is window:
                app.removeEventFilter(self)
                QTimer.singleShot(0, painted)  # after this paint event (and its siblings) are done
            return False

    def painted() -> None:
        times["painted_s"] = time.time() - t_parent
        print(json.dumps({**times, "visible": window.isVisible()}), flush=True)
        window.confirm_close = False
        window.close()
        app.quit()

    def shown() -> None:
        times["shown_s"] = time.time() - t_parent

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    window.show()
    QTimer.singleShot(0, shown)
    QTimer.singleShot(20000, app.quit)  # no paint at all: the parent reports the failure
    app.exec()


def measure_launch(runs: int, home: Path) -> dict:
    times, painted = [], []
    # The child imports this checkout's packages, whatever its working folder (the temporary home).
    pythonpath = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "VOICECRAFT_HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "PYTHONPATH": pythonpath}
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    for _ in range(runs):
        env["VOICECRAFT_BENCH_T0"] = repr(time.time())
        child = [sys.executable, str(Path(__file__).resolve()), "--child-launch"]
        out = subprocess.run(child, cwd=home, env=env, capture_output=True, text=True, timeout=300)
        lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
        if out.returncode != 0 or not lines:
            raise RuntimeError(f"launch failed: {out.stderr[-2000:]}")
        row = json.loads(lines[-1])
        times.append(row["shown_s"])
        painted.append(row["painted_s"])
    return {"launch_to_shown_s_median": round(statistics.median(times), 3),
            "launch_to_shown_s_max": round(max(times), 3), "runs": runs, "target_s": 2.0,
            "launch_to_first_paint_s_median": round(statistics.median(painted), 3),
            "launch_to_first_paint_s_max": round(max(painted), 3),
            "shown_to_first_paint_s_max": round(max(p - t for p, t in zip(painted, times)), 3),
            "first_paint_target_s": 1.0, "platform": env.get("QT_QPA_PLATFORM", "xcb")}


# -- heartbeat -----------------------------------------------------------------------------------------

class Heartbeat:
    """Records the time between consecutive ticks of a 10 ms GUI timer."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last: float | None = None

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.gaps.append(now - self._last)
            if now - self._last > self.worst[0]:
                self.worst = (now - self._last, now)
        self._last = now

    def start(self) -> None:
        self.gaps, self._last, self.worst = [], None, (0.0, 0.0)  # worst: (gap, perf_counter at its end)
        self.timer.start()

    def stop(self) -> dict:
        self.timer.stop()
        gaps = sorted(self.gaps)
        if not gaps:
            return {"ticks": 0}
        return {"max_gap_ms": round(1000 * gaps[-1], 1),
                "p99_gap_ms": round(1000 * gaps[int(0.99 * (len(gaps) - 1))], 1),
                "p50_gap_ms": round(1000 * gaps[len(gaps) // 2], 1), "ticks": len(gaps)}


def _wait(app, predicate, timeout_s: float) -> None:
    """Runs a real (blocking) event loop until ``predicate()`` holds, as ``app.exec()`` would.

    A ``processEvents`` loop would spin: it returns at once when no event is pending, so the
    GUI thread would burn a core and hold the GIL, starving the job it is waiting for.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s
    timed_out = []

    def check() -> None:
        if predicate():
            loop.quit()
        elif time.monotonic() > deadline:
            timed_out.append(True)
            loop.quit()

    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    if timed_out:
        raise TimeoutError("the job did not finish in time")


def _prepare(home: Path, app, ctx) -> None:
    """A prepared tiny dataset ("Bench") from synthetic recordings, with tiny encoders located."""
    from models.formats.tiny_assets import write_tiny_whisper
    from voicecraft_desktop.core.dataset_jobs import prepare_voice_dataset
    from voicecraft_desktop.core.demo_data import recordings_folder, tiny_hubert32

    assets = home / "assets-src"
    assets.mkdir()
    overrides = {"whisper-large-v2": str(write_tiny_whisper(assets / "tiny-whisper.pt")),
                 "hubert-soft": str(tiny_hubert32(assets))}
    ctx.settings.set("assets/overrides", overrides)
    gen = prepare_voice_dataset(recordings_folder(home, notes=(196.0, 247.0, 294.0), junk=False), "Bench",
                                f0="dio", asset_overrides=overrides)
    while True:
        try:
            next(gen)
        except StopIteration:
            break


def bench_settings(ini: Path):  # type: ignore[no-untyped-def]
    """Fresh settings in ``ini``, migrated, with the first-start setup marked as offered (its dialog
    would open over the measured window)."""
    from PySide6.QtCore import QSettings

    from voicecraft_desktop.settings import Settings
    from voicecraft_desktop.ui.pages.setup import SETUP_SHOWN_KEY

    settings = Settings(QSettings(str(ini), QSettings.Format.IniFormat))
    settings.migrate()
    settings.set_value(SETUP_SHOWN_KEY, True)
    return settings


def measure_heartbeat(home: Path, steps: int, take_s: float, quit_preset: str = "tiny") -> dict:
    import numpy as np
    import soundfile as sf
    from PySide6.QtWidgets import QApplication

    from voicecraft_desktop.ui.context import AppContext
    from voicecraft_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    ctx = AppContext(settings=bench_settings(home / "bench.ini"))
    _prepare(home, app, ctx)
    window = MainWindow(ctx, pages=ALL_PAGES)
    window.confirm_close = False
    window.resize(1200, 800)
    window.show()
    _wait(app, lambda: len(window.built_pages()) == len(window.titles), 120)
    train, convert = window.page("Train"), window.page("Convert")
    beat = Heartbeat()
    result: dict = {}

    # Baseline: the same window with nothing running (what the machine's own load costs).
    beat.start()
    t0 = time.monotonic()
    _wait(app, lambda: time.monotonic() - t0 > 3.0, 10)
    result["idle"] = beat.stop()

    # Phase 1: training (the Train page draws progress and loss curves while it runs).
    window.show_page("Train")
    train.refresh()
    if not train.select_dataset("Bench"):
        raise RuntimeError("the Train page does not list the prepared dataset")
    train.preset_combo.setCurrentText("tiny")
    train.steps_spin.setValue(steps)
    train.base_combo.setCurrentIndex(0)
    beat.start()
    t0 = time.perf_counter()
    job = train.start()
    if job is None:
        raise RuntimeError("the Train page refused to start")
    _wait(app, lambda: not job.is_running(), 900)
    result["train"] = {**beat.stop(), "steps": steps, "job_s": round(time.perf_counter() - t0, 2)}
    export = train.export("Bench")
    if export is None:
        raise RuntimeError("export did not start")
    _wait(app, lambda: train.export_job is None, 300)

    # Phase 2: conversion of a take into the new voice (the Convert page draws both waveforms and
    # pitch curves when it is done).
    take = ctx.takes_dir(ensure=True) / "bench take.wav"
    t = np.arange(int(take_s * 48000)) / 48000
    f0 = 220.0 * 2 ** (np.floor(t * 2) % 5 / 12 * 2)
    phase = 2 * np.pi * np.cumsum(f0) / 48000
    sf.write(take, (0.3 * (np.sin(phase) + 0.5 * np.sin(2 * phase))).astype(np.float32), 48000)
    window.show_page("Convert")
    convert.refresh()
    convert.set_input(take)
    if not convert.select_voice("Bench"):
        raise RuntimeError("the Convert page does not list the exported voice")
    convert.f0_combo.setCurrentText("dio")
    beat.start()
    t0 = time.perf_counter()
    job = convert.convert()
    if job is None:
        raise RuntimeError("the Convert page refused to start")
    _wait(app, lambda: not job.is_running(), 900)
    app.processEvents()
    result["convert"] = {**beat.stop(), "take_s": take_s, "job_s": round(time.perf_counter() - t0, 2)}

    # Phase 3: quitting during a training step (the old close() waited for the run in the GUI thread).
    window.show_page("Train")
    train.refresh()
    train.select_dataset("Bench")
    train.preset_combo.setCurrentText(quit_preset)
    train.steps_spin.setValue(steps + 100000)
    job = train.start()
    if job is None:
        raise RuntimeError("the Train page refused to start the run to quit")
    step_seen: list = []  # training steps reported (not the start-up phases before the first one)
    job.progress.connect(lambda p: getattr(p, "phase", "") == "train" and step_seen.append(p.step))
    _wait(app, lambda: bool(step_seen) or not job.is_running(), 600)
    marks: dict = {}
    job.finished.connect(lambda: marks.setdefault("job_finished_s", time.perf_counter() - t0))
    beat.start()
    t0 = time.perf_counter()
    window.close()
    marks["close_returned_s"] = time.perf_counter() - t0
    _wait(app, lambda: not window.isVisible(), 300)
    gap, at = beat.worst
    result["quit"] = {**beat.stop(), "preset": quit_preset, "quit_s": round(time.perf_counter() - t0, 2),
                      "after_step": step_seen[-1] if step_seen else None, "target_ms": 100,
                      "worst_gap_ended_at_s": round(at - t0, 3),
                      **{k: round(v, 3) for k, v in marks.items()},
                      "page_shutdown_s": {k: round(v, 3) for k, v in window.shutdown_times.items()}}
    worst = max(result[p]["max_gap_ms"] for p in ("train", "convert"))
    result["max_gap_ms"] = worst
    result["target_ms"] = 50
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=12, help="training steps of the tiny preset")
    parser.add_argument("--take-s", type=float, default=8.0, help="length of the converted take")
    parser.add_argument("--launches", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--quit-preset", default="tiny", help="preset of the run the app quits during")
    parser.add_argument("--child-launch", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_launch:
        _child_launch()
        return 0
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory(prefix="voicecraft-bench-ui-") as tmp:
        home = Path(tmp)
        os.environ["VOICECRAFT_HOME"] = str(home / "home")
        os.environ["XDG_CONFIG_HOME"] = str(home / "config")
        report = {
            "bench": "ui",
            "torch_threads": torch.get_num_threads(),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "load_avg_1min": round(os.getloadavg()[0], 2),
                        "qt_platform": os.environ.get("QT_QPA_PLATFORM", "xcb")},
            "launch": measure_launch(args.launches, home),
            "heartbeat": measure_heartbeat(home, args.steps, args.take_s, args.quit_preset),
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
