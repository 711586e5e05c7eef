"""The app's translations: refresh the Qt Linguist sources from the code, and compile them.

    python scripts/i18n.py update     # pyside6-lupdate: new tr() strings into resources/i18n/*.ts
    python scripts/i18n.py release    # pyside6-lrelease: each .ts -> .qm beside it (what the app loads)

English is the source language; ``resources/i18n/voicecraft_<lang>.ts`` holds one language each (open it
in ``pyside6-linguist`` to translate). ``update`` keeps finished translations, marks new strings
unfinished and drops strings no longer in the code. ``release`` is run by ``scripts/bootstrap.sh``
and the bundle build; the ``.qm`` files are committed too, so a source checkout runs translated with
no build step (``tests/desktop/test_i18n.py`` checks they match their ``.ts``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
SOURCES = ("voicecraft_desktop/ui", "voicecraft_desktop/i18n.py")


def tool(name: str) -> str:
    """``pyside6-<name>`` of this interpreter's environment (else from PATH)."""
    beside = Path(sys.executable).parent / f"pyside6-{name}"
    found = str(beside) if beside.exists() else shutil.which(f"pyside6-{name}")
    if not found:
        raise SystemExit(f"pyside6-{name} not found: install PySide6 (requirements.txt)")
    return found


def source_files() -> list[str]:
    """Every Python file whose strings are translated (relative to the repository root)."""
    files: list[str] = []
    for entry in SOURCES:
        path = ROOT / entry
        files += [str(p.relative_to(ROOT)) for p in sorted(path.rglob("*.py"))] if path.is_dir() else [entry]
    return files


def lupdate(ts: Path, language: str, extra: list[str] | tuple[str, ...] = ()) -> None:
    """Refreshes ``ts`` (created when missing) from the sources (and ``extra`` files); no line numbers,
    so it only changes when strings do. Written atomically (a copy is updated, then renamed over it)."""
    from models.atomic import atomic_path

    with atomic_path(ts, suffix=".ts") as tmp:
        if ts.exists():
            shutil.copyfile(ts, tmp)
        else:
            tmp.unlink()  # lupdate creates it
        subprocess.run(
            [tool("lupdate"), *source_files(), *extra, "-ts", str(tmp), "-target-language", language,
             "-no-obsolete", "-locations", "none", "-silent"],
            cwd=ROOT, check=True,
        )


def lrelease(ts: Path, qm: Path) -> None:
    """Compiles ``ts`` into ``qm``, written atomically: a running app maps its ``.qm`` into memory, and
    rewriting that file in place crashed one (a screenshot run died with SIGSEGV mid-rebuild)."""
    from models.atomic import atomic_path

    with atomic_path(qm, suffix=".qm") as tmp:
        subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(tmp)], cwd=ROOT, check=True)


def languages() -> list[tuple[str, Path]]:
    """(language code, .ts file) for each translation kept in resources/i18n."""
    return [(ts.stem.removeprefix("voicecraft_"), ts) for ts in sorted(I18N.glob("voicecraft_*.ts"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("update", "release"))
    args = parser.parse_args(argv)
    for language, ts in languages():
        if args.command == "update":
            lupdate(ts, language)
        else:
            lrelease(ts, ts.with_suffix(".qm"))
        print(ts.relative_to(ROOT) if args.command == "update" else ts.with_suffix(".qm").relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
