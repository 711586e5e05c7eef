"""``voicecraft prepare``: end to end on a mixed folder, with tiny checkpoints as local overrides."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from .conftest import harmonic_tone

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"VOICECRAFT_HOME": str(home), "PATH": "/usr/bin:/bin", "HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "voicecraft_desktop.cli", "prepare", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


def _mixed_folder(root: Path) -> Path:
    src = root / "takes"
    src.mkdir()
    for i, f in enumerate([196.0, 247.0]):
        x = np.concatenate([harmonic_tone(f, 3.0, 44100), np.zeros(22050, np.float32), harmonic_tone(f * 1.5, 3.0, 44100)])
        sf.write(src / f"take {i}.wav", x, 44100)
    (src / "broken.wav").write_text("not audio", encoding="utf-8")
    sf.write(src / "quiet.wav", np.zeros(44100, np.float32), 44100)
    return src


def test_prepare_mixed_folder_succeeds_with_report(tmp_path, tiny_whisper, tiny_hubert_soft):
    src = _mixed_folder(tmp_path)
    out = tmp_path / "dataset"
    result = _cli(str(src), "--voice", "Test Voice", "--f0", "dio", "--out", str(out), "--offline",
                  "--asset", f"whisper-large-v2={tiny_whisper}", "--asset", f"hubert-soft={tiny_hubert_soft[0]}",
                  home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "not used: broken.wav" in result.stdout and "not used: quiet.wav" in result.stdout
    assert "clips" in result.stdout and "warning: only" in result.stdout
    assert "features  [####" in result.stderr  # the progress bar
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["clips"]) >= 2
    assert np.load(out / "speaker.npy").shape == (256,)
    described = json.loads((out / "features.json").read_text(encoding="utf-8"))
    assert described["ppg"]["name"] == "whisper-large-v2" and described["f0"]["name"] == "dio"
    assert list((tmp_path / "home" / "cache" / "features").rglob("ppg-*.npy"))


def test_prepare_without_usable_audio_fails_with_reason(tmp_path):
    src = tmp_path / "junk"
    src.mkdir()
    (src / "a.wav").write_text("text", encoding="utf-8")
    result = _cli(str(src), "--voice", "v", "--out", str(tmp_path / "o"), "--no-features", home=tmp_path / "home")
    assert result.returncode == 1
    assert "no usable clips" in result.stderr and "not used: a.wav" in result.stdout


def test_missing_weights_fail_early_with_instructions(tmp_path):
    src = _mixed_folder(tmp_path)
    result = _cli(str(src), "--voice", "v", "--out", str(tmp_path / "o"), "--offline", home=tmp_path / "home")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "https://openaipublic.azureedge.net/main/whisper/models/81f7c96c" in result.stderr
    assert "--asset whisper-large-v2=PATH" in result.stderr
    assert str(tmp_path / "home" / "cache" / "models" / "whisper-large-v2" / "large-v2.pt") in result.stderr
    assert not (tmp_path / "o").exists()  # failed before any work


def test_bad_options(tmp_path):
    src = _mixed_folder(tmp_path)
    home = tmp_path / "home"
    assert _cli(str(src), "--voice", "v", "--content", "whisper-huge", home=home).returncode == 2
    assert _cli(str(src), "--voice", "v", "--f0", "yin", home=home).returncode == 2
    assert _cli(str(tmp_path / "absent"), "--voice", "v", home=home).returncode == 2
    result = _cli(str(src), "--voice", "v", "--asset", "nope=/x", home=home)
    assert result.returncode == 2 and "unknown asset" in result.stderr and "Traceback" not in result.stderr
