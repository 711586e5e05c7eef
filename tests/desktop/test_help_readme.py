"""Help > README finds the README from the package (a checkout, or the bundle), never the working dir."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from voicecraft_desktop.ui import main_window

ROOT = Path(__file__).resolve().parents[2]


def test_help_url_resolves_from_the_package_not_the_working_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("a decoy in the working dir\n")
    url = main_window.help_url()
    assert Path(url.toLocalFile()) == ROOT / "README.md"
    assert url.fragment() == main_window.HELP_SECTION


def test_help_url_prefers_the_bundled_copy(tmp_path, monkeypatch):
    bundle = tmp_path / "_internal"
    bundle.mkdir()
    (bundle / "README.md").write_text("# bundled\n")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert Path(main_window.help_url().toLocalFile()) == bundle / "README.md"


def _bundled(spec_text: str) -> set[str]:
    """The destination folder of each README.md the spec's ``datas`` list carries."""
    out = set()
    for node in ast.walk(ast.parse(spec_text)):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "datas" for t in node.targets):
            for elt in getattr(node.value, "elts", []):
                if isinstance(elt, ast.Tuple) and "README.md" in ast.unparse(elt.elts[0]):
                    out.add(ast.literal_eval(elt.elts[1]))
    return out


def test_the_bundle_carries_the_readme_beside_the_package():
    spec = (ROOT / "pyinstaller.spec").read_text()
    # Lands at the top of the bundle, i.e. in sys._MEIPASS, where help_url looks first.
    assert _bundled(spec) == {"."}
    # Control: the spec without that entry is caught.
    without = "\n".join(line for line in spec.splitlines() if '"README.md"' not in line)
    assert _bundled(without) == set()
