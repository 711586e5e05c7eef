"""The app's --self-test (the same code the frozen bundle runs) and the bundle's PortAudio runtime hook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from voicecraft_desktop.core import selftest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_self_test_converts_with_the_real_engine_from_another_directory(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "main.py"), "--self-test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    lines = out.splitlines()
    assert any(line.startswith("imports:") and line.endswith(" ok") for line in lines), out
    files = len(selftest.runtime_data_files()) + 2  # + PortAudio and libsndfile
    assert f"data files: {files}/{files} found" in out, out
    assert any(line.startswith("child process: ok") for line in lines), out
    conversion = [line for line in lines if line.startswith("conversion:")]
    assert conversion and conversion[0].endswith(" ok"), out
    assert "48000 samples at 32000 Hz" in conversion[0]
    assert lines[-1].startswith("self-test ok"), out
    assert list(tmp_path.iterdir()) == [], "the self-test wrote into its working directory"


def test_data_files_are_found_where_the_libraries_look() -> None:
    problems = selftest.check_data_files(lambda line: None)
    assert problems == []
    names = {f.name for f in selftest.runtime_data_files()}
    assert {
        "whisper mel filters",
        "resemblyzer weights",
        "fcpe weights",
        "crepe tiny weights",
        "silero-vad model",
    } <= names


def test_data_files_outside_the_bundle_are_reported(tmp_path: Path) -> None:
    # From a source checkout every file lives outside a (pretend) bundle folder: each must be named.
    lines: list[str] = []
    problems = selftest.check_data_files(lines.append, root=tmp_path)
    expected = len(selftest.runtime_data_files()) + 3  # + PortAudio, libsndfile, app icon
    outside = [p for p in problems if "is outside the bundle" in p or "does not exist" in p]
    assert len(outside) == expected, problems
    assert any(p.startswith("fcpe weights:") for p in outside)
    assert lines[0] == f"data files: 0/{expected} found inside {tmp_path}"
    if sys.platform.startswith("linux"):  # torch's own libraries come from this venv's site-packages
        assert any(p.endswith("is loaded from a Python installation, not the bundle") for p in problems)


def test_import_failures_are_reported() -> None:
    lines: list[str] = []
    problems = selftest.check_imports(["models.features.content", "no_such_package_voicecraft"], lines.append)
    assert problems == [
        "import no_such_package_voicecraft: ModuleNotFoundError: No module named 'no_such_package_voicecraft'"
    ]
    assert lines[0].endswith("1 failed")


def test_child_process_check_reports_a_child_that_dies(monkeypatch) -> None:
    monkeypatch.setattr(selftest, "_child_echo", _die)
    lines: list[str] = []
    problems = selftest.check_child_process(lines.append, timeout_s=60)
    assert problems and "ended without answering (exit code 3)" in problems[0], problems


def _die(conn) -> None:  # spawned by the test above: pickled by reference to this module
    os._exit(3)


def test_tone_pitch_check_rejects_a_wrong_pitch() -> None:
    import numpy as np

    assert selftest._cents_off(np.array([0.0, 220.0, 221.0, 0.0]), 220.0) < 10
    assert selftest._cents_off(np.array([440.0, 440.0]), 220.0) == pytest.approx(1200.0)
    assert selftest._cents_off(np.zeros(4), 220.0) == float("inf")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the hook only acts on Linux")
def test_portaudio_runtime_hook_prefers_the_bundled_library(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle [1]"  # glob metacharacters in the path must not matter
    bundle.mkdir()
    (bundle / "libportaudio.so.2").write_bytes(b"")
    hook = REPO_ROOT / "scripts" / "pyinstaller" / "rthook_portaudio.py"
    code = (
        "import runpy, sys, ctypes.util\n"
        f"sys._MEIPASS = {str(bundle)!r}\n"
        f"runpy.run_path({str(hook)!r})\n"
        "print(ctypes.util.find_library('portaudio'))\n"
        "print(ctypes.util.find_library('c'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    first, second = out.splitlines()
    assert first == str(bundle / "libportaudio.so.2")
    assert second.startswith("libc.so")  # others still come from the system


def test_every_package_folder_is_a_regular_package() -> None:
    # A folder of modules without __init__.py is a namespace package: PyInstaller's
    # collect_submodules and pkgutil.walk_packages (the self-test's import check) skip it, so the
    # frozen app would lack those modules (it happened with ui/pages).
    missing = sorted(
        str(folder.relative_to(REPO_ROOT))
        for top in ("models", "voicecraft_desktop")
        for folder in {p.parent for p in (REPO_ROOT / top).rglob("*.py")}
        if not (folder / "__init__.py").is_file()
    )
    assert missing == []
