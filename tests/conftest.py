"""Shared test set-up: offscreen Qt, isolated user folders, marker policy, the reference vectors."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Before pytest-qt creates the QApplication: no test ever needs a real screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_VECTORS_ENV = "VOICECRAFT_REFERENCE_VECTORS"
REQUIRE_REFERENCE_VECTORS_ENV = "VOICECRAFT_REQUIRE_REFERENCE_VECTORS"


def reference_vectors_dir() -> Path:
    """Folder of so-vits-svc-5.0 reference vectors: ``$VOICECRAFT_REFERENCE_VECTORS``, else
    ``<repo>/../shared/reference/vectors``. It may not exist (a user's clone)."""
    override = os.environ.get(REFERENCE_VECTORS_ENV, "").strip()
    if override:
        return Path(override).expanduser().absolute()
    return REPO_ROOT.parent / "shared" / "reference" / "vectors"


def reference_vectors_required() -> bool:
    """True where a missing vectors folder is an error, not a skip (CI sets the variable)."""
    return os.environ.get(REQUIRE_REFERENCE_VECTORS_ENV, "") == "1"


def pytest_report_header(config: pytest.Config) -> str:
    folder = reference_vectors_dir()
    state = "present" if folder.is_dir() else "MISSING"
    required = " (required)" if reference_vectors_required() else ""
    return f"reference vectors: {folder} [{state}]{required}"


def pytest_sessionstart(session: pytest.Session) -> None:
    if reference_vectors_required() and not reference_vectors_dir().is_dir():
        raise pytest.UsageError(
            f"{REQUIRE_REFERENCE_VECTORS_ENV}=1 but the reference vectors folder "
            f"{reference_vectors_dir()} does not exist (set {REFERENCE_VECTORS_ENV} to point at it)"
        )


@pytest.fixture
def reference_vectors() -> Path:
    """The reference vectors folder; skips the test where it is missing, unless it is required."""
    folder = reference_vectors_dir()
    if not folder.is_dir():
        message = f"reference vectors folder {folder} not found (set {REFERENCE_VECTORS_ENV})"
        if reference_vectors_required():
            pytest.fail(message)
        pytest.skip(message)
    return folder


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def skip_marked(marker: str, reason: str) -> None:
        for item in items:
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))

    if any("gpu" in item.keywords for item in items) and not _cuda_available():
        skip_marked("gpu", "needs a CUDA device")
    if os.environ.get("VOICECRAFT_NETWORK_TESTS", "") != "1":
        skip_marked("network", "needs internet access; set VOICECRAFT_NETWORK_TESTS=1 to run")
    if shutil.which("pulseaudio") is None or shutil.which("pactl") is None:
        skip_marked("audio", "needs PulseAudio: apt-get install pulseaudio pulseaudio-utils")


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_folders(tmp_path_factory: pytest.TempPathFactory):
    """Keep every test (and every subprocess it starts) out of the real user's data and settings."""
    base = tmp_path_factory.mktemp("user")
    saved = {key: os.environ.get(key) for key in ("VOICECRAFT_HOME", "XDG_CONFIG_HOME")}
    os.environ["VOICECRAFT_HOME"] = str(base / "voicecraft-home")
    os.environ["XDG_CONFIG_HOME"] = str(base / "config")  # where QSettings writes on Linux
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def tmp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty ``VOICECRAFT_HOME`` for this test; returned as a Path that does not exist yet."""
    home = tmp_path / "voicecraft-home"
    monkeypatch.setenv("VOICECRAFT_HOME", str(home))
    return home
