"""Layer rules of docs/ARCHITECTURE.md, checked in fresh interpreters.

Every module under ``models/``, ``voicecraft_desktop/core/`` and ``voicecraft_desktop/commands/`` is
found by ``pkgutil.walk_packages``, so modules added later are covered without editing this file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
QT_PACKAGES = ("PySide6", "shiboken6", "pyqtgraph")

# Imports every module of the given packages (plus the named modules), then prints which modules
# were imported and which top-level packages ended up in sys.modules.
_IMPORT_ALL = """
import importlib, json, pkgutil, sys
packages, modules = json.loads(sys.argv[1])
imported = []
for name in modules:
    importlib.import_module(name)
    imported.append(name)
for name in packages:
    package = importlib.import_module(name)
    imported.append(name)
    for info in pkgutil.walk_packages(package.__path__, prefix=name + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
top_level = sorted({module.split(".")[0] for module in sys.modules})
print(json.dumps({"imported": imported, "top_level": top_level}))
"""


def import_all(packages: list[str], modules: list[str], cwd: Path, env: dict[str, str]) -> dict:
    """Import everything in a new interpreter started in ``cwd``; return what it reports."""
    env = {**os.environ, **env, "PYTHONPATH": str(REPO_ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, json.dumps([packages, modules])],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"import failed:\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_models_import_nothing_of_the_app_or_qt(tmp_path: Path) -> None:
    report = import_all(["models"], [], tmp_path, {"VOICECRAFT_HOME": str(tmp_path / "home")})
    forbidden = {*QT_PACKAGES, "sounddevice", "voicecraft_desktop"} & set(report["top_level"])
    assert not forbidden, f"models/ pulled in {sorted(forbidden)}"


def test_core_cli_and_commands_are_qt_free(tmp_path: Path) -> None:
    report = import_all(
        ["models", "voicecraft_desktop.core", "voicecraft_desktop.commands"],
        ["voicecraft_desktop", "voicecraft_desktop.core.paths", "voicecraft_desktop.cli"],
        tmp_path,
        {"VOICECRAFT_HOME": str(tmp_path / "home")},
    )
    assert "voicecraft_desktop.core.paths" in report["imported"]
    loaded_qt = set(QT_PACKAGES) & set(report["top_level"])
    assert not loaded_qt, f"Qt-free layers loaded {sorted(loaded_qt)}"


def test_import_creates_no_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    import_all(
        ["models", "voicecraft_desktop.core", "voicecraft_desktop.commands"],
        ["voicecraft_desktop.cli"],
        cwd,
        {"VOICECRAFT_HOME": str(home)},
    )
    created = [*home.rglob("*"), *cwd.rglob("*")]
    assert created == [], f"importing created {created}"


@pytest.mark.parametrize("module", ["voicecraft_desktop.app", "voicecraft_desktop.ui.main_window"])
def test_qt_modules_do_nothing_at_import(module: str, tmp_path: Path) -> None:
    # Importing may load Qt but must not create a QApplication, parse argv or touch the disk.
    code = (
        f"import sys, {module}\n"
        "from PySide6.QtWidgets import QApplication\n"
        "assert QApplication.instance() is None, 'QApplication created at import'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "VOICECRAFT_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-c", code, "--bogus-flag"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []
