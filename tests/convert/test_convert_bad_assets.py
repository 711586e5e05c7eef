"""``voicecraft convert --asset NAME=FILE`` with a hostile file: one line, exit 2 (issue 20 item 6).

Random bytes, a pickle that would run code, a truncated checkpoint and a folder given as the Whisper
file are refused as "FILE is not a valid whisper-large-v2 file (...)", never with PyTorch's advice to
retry with weights_only=False, never with a traceback, and nothing is written to the output folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile
import torch

from voicecraft_desktop.cli import main
from voicecraft_desktop.core.library import VoiceLibrary


class _RunsCode:
    def __reduce__(self):
        return (os.system, ("touch pwned_marker",))


@pytest.fixture
def library_voice(tmp_home: Path, tmp_path: Path, helpers) -> str:
    helpers.make_voice(tmp_path / "made", name="Tiny Voice")
    VoiceLibrary().import_voice(tmp_path / "made")
    return "Tiny Voice"


def _bad_whisper(folder: Path, kind: str, good: Path) -> Path:
    path = folder / f"{kind}.pt"
    if kind == "random":
        path.write_bytes(np.random.default_rng(3).integers(0, 256, 1 << 16, dtype=np.uint8).tobytes())
    elif kind == "exploit":
        torch.save({"dims": {}, "model_state_dict": {}, "x": _RunsCode()}, path)
    elif kind == "truncated":
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    elif kind == "folder":
        path.mkdir()
    return path


@pytest.mark.parametrize("kind", ["random", "exploit", "truncated", "folder"])
def test_hostile_whisper_asset_is_one_line(library_voice, tiny_whisper_path, tiny_hubert_folder, tmp_path,
                                           helpers, capsys, monkeypatch, kind) -> None:
    monkeypatch.chdir(tmp_path)
    song = tmp_path / "s.wav"
    soundfile.write(str(song), helpers.harmonic_tone(220.0, 0.5, 16000), 16000)
    bad = _bad_whisper(tmp_path, kind, tiny_whisper_path)
    out = tmp_path / "out"
    code = main(["convert", str(song), "--voice", library_voice, "--out", str(out),
                 "--asset", f"whisper-large-v2={bad}", "--asset", f"hubert-transformers={tiny_hubert_folder}",
                 "--offline", "--f0", "dio", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == [f"error: {bad} is not a valid whisper-large-v2 file ({lines[0].split('(', 1)[1]}"], err
    assert "weights_only" not in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())
    assert not (tmp_path / "pwned_marker").exists()
