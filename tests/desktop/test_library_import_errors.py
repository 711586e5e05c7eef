"""Library page: hostile imports end in one clear error dialog (issue 20 items 6, 7, 12, app side).

The message is the library's one line (no PyTorch advice, no command-line flags); the traceback,
if any, stays behind "Show details". Nothing is added to the library.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from models.config import VoiceConfig
from models.nets.synthesizer import SynthesizerTrain
from voicecraft_desktop.core import paths
from voicecraft_desktop.ui.pages.library import LibraryPage


class _RunsCode:
    def __reduce__(self):
        return (os.system, ("touch pwned_marker",))


@pytest.fixture
def page(ctx, open_page):
    return open_page(LibraryPage, ctx)


def _hostile(tmp_path: Path, kind: str) -> tuple[Path, Path | None]:
    npy = tmp_path / "singer.npy"
    np.save(npy, np.zeros(256, np.float32))
    if kind == "malicious-pth":
        path = tmp_path / "evil.pth"
        torch.save({"model_g": {"w": torch.zeros(1)}, "x": _RunsCode()}, path)
        return path, npy
    if kind == "random-pth":
        path = tmp_path / "random.pth"
        path.write_bytes(np.random.default_rng(2).integers(0, 256, 8192, dtype=np.uint8).tobytes())
        return path, npy
    if kind in ("bad-hp-pth", "huge-hp-pth"):  # hyper-parameters a wrong type, or absurdly large
        path = tmp_path / f"{kind.split('-pth')[0].replace('-', '_')}.pth"
        hp = {"vits": {"hidden_channels": "abc" if kind == "bad-hp-pth" else 40000}}
        weights = SynthesizerTrain(VoiceConfig.tiny()).state_dict()
        torch.save({"model_g": weights, "hp_str": yaml.safe_dump(hp)}, path)
        return path, npy
    path = tmp_path / "junk.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("v/voice.json", '{"junk": 1}')
        z.writestr("v/generator.safetensors", b"\0" * (4 << 20))
    return path, None


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("malicious-pth", "is not a valid so-vits-svc-5.0 file (it holds program code"),
        ("random-pth", "is not a valid so-vits-svc-5.0 file"),
        ("bad-hp-pth", "vits.hidden_channels"),
        ("huge-hp-pth", "vits.hidden_channels: 40000 is out of range"),
        ("junk-zip", "is not a VoiceCraft voice"),
    ],
)
def test_hostile_import_is_one_clear_error_dialog(page, qtbot, tmp_path, monkeypatch, kind, expected):
    monkeypatch.chdir(tmp_path)
    path, npy = _hostile(tmp_path, kind)
    job = page.import_voice(path, speaker_npy=npy)
    with qtbot.waitSignals([job.failed, job.finished], order="strict", timeout=30000):
        pass
    text = page.error_box.text()
    assert page.error_box.isVisible() and expected in text, text
    assert "weights_only" not in text and "--" not in text and "update VoiceCraft" not in text
    assert "\n" not in text.strip()
    page.error_box.close()
    assert not (tmp_path / "pwned_marker").exists()
    voices = paths.voices_dir()
    assert not voices.exists() or not [p for p in voices.iterdir() if not p.name.startswith(".")]


def test_error_dialog_never_shows_unsafe_load_advice(qtbot):
    """The backstop: whatever text reaches the shared error dialog, PyTorch's advice to retry with
    ``weights_only=False`` is cut from the message and the details (the log keeps it)."""
    from PySide6.QtWidgets import QWidget

    from voicecraft_desktop.ui.pages._common import show_error

    parent = QWidget()
    qtbot.addWidget(parent)
    advice = (
        "Weights only load failed. In PyTorch 2.6, we changed the default value of the `weights_only` "
        "argument in `torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` "
        "set to `False` will likely succeed"
    )
    box = show_error(parent, "Import failed", f"x.pth: {advice}", f"Traceback ...\nUnpicklingError: {advice}")
    assert box.text() == "x.pth"
    assert "weights_only" not in box.detailedText() and "Traceback" in box.detailedText()
    box.close()
