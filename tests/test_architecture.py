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


# Inside models/ dependencies point one way (docs/ARCHITECTURE.md, "Inside models/"): a module may
# import its own sub-package and the ranks below its own, never a rank above, nor a sibling of its rank.
MODEL_RANKS = {
    "config": 0, "errors": 0, "atomic": 0, "devices": 0,  # foundations
    "nets": 1,  # networks in the reference's key layout
    "formats": 2,  # files on disk: they build networks to load them
    "features": 3,  # what the model is fed: encoders load their weights through formats
    "convert": 4, "training": 4,  # the two uses of everything above, independent of each other
}
# Within formats/, the voice format stands on its own: it never imports the third-party importer.
FORBIDDEN_MODEL_EDGES = {("models.formats.artifact", "models.formats.reference_import")}


def model_imports(path: Path) -> set[str]:
    """Every ``models.…`` module a file imports, at any depth (function-level imports too)."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("models."))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("models."):
            found.add(node.module)
    return found


def model_edges(root: Path) -> list[tuple[str, str]]:
    edges = []
    for path in sorted((root / "models").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        edges.extend((module, target) for target in sorted(model_imports(path)))
    return edges


def layer_violations(edges: list[tuple[str, str]]) -> list[str]:
    bad = []
    for source, target in edges:
        if source.count(".") < 1 or source == "models":
            continue
        src, dst = source.split(".")[1], target.split(".")[1]
        if src not in MODEL_RANKS or dst not in MODEL_RANKS:
            bad.append(f"{source} -> {target}: {src if src not in MODEL_RANKS else dst} has no rank")
        elif src != dst and MODEL_RANKS[dst] >= MODEL_RANKS[src] and MODEL_RANKS[src] > 0:
            bad.append(f"{source} -> {target}")
        elif src != dst and MODEL_RANKS[src] == 0 and MODEL_RANKS[dst] > 0:
            bad.append(f"{source} -> {target}")
        elif (source, target) in FORBIDDEN_MODEL_EDGES:
            bad.append(f"{source} -> {target} (forbidden)")
    return bad


def test_dependencies_inside_models_point_one_way() -> None:
    edges = model_edges(REPO_ROOT)
    assert len(edges) > 50  # the scan sees the package
    assert layer_violations(edges) == []


def test_the_layer_check_catches_an_upward_import() -> None:
    """Control: the edges this restructure removed are reported."""
    assert layer_violations([("models.nets.synthesizer", "models.features.pitch")])
    assert layer_violations([("models.features.content", "models.convert.options")])
    assert layer_violations([("models.convert.converter", "models.training.trainer")])
    assert layer_violations([("models.formats.artifact", "models.formats.reference_import")])
    assert layer_violations([("models.config", "models.nets.synthesizer")])
    assert not layer_violations([("models.training.trainer", "models.nets.synthesizer")])
