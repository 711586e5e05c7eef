"""The desktop app starts and closes: in-process with pytest-qt, and as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from voicecraft_desktop.ui.main_window import MainWindow

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_main_window_constructs_shows_and_closes(qtbot, ctx) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "VoiceCraft Desktop"
    assert window.titles[0] == "Record"
    window.close()  # the engine may still be loading: the window goes once its job has stopped
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=60000)
    assert not window.ctx.runner.is_busy()


@pytest.mark.parametrize(
    "launcher",
    [[str(REPO_ROOT / "main.py")], ["-m", "voicecraft_desktop"]],
    ids=["main.py", "python -m voicecraft_desktop"],
)
def test_self_test_exits_0(launcher: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, *launcher, "--self-test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test ok" in result.stdout
    assert "Record" in result.stdout and "Settings" in result.stdout
