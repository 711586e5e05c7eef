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
    return subprocess.run(
        [sys.executable, "-m", "voicecraft_desktop.cli", "prepare", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _mixed_folder(root: Path) -> Path:
    src = root / "takes"
    src.mkdir()
    for i, f in enumerate([196.0, 247.0]):
        x = np.concatenate(
            [harmonic_tone(f, 3.0, 44100), np.zeros(22050, np.float32), harmonic_tone(f * 1.5, 3.0, 44100)]
        )
        sf.write(src / f"take {i}.wav", x, 44100)
    (src / "broken.wav").write_text("not audio", encoding="utf-8")
    sf.write(src / "quiet.wav", np.zeros(44100, np.float32), 44100)
    return src


def test_prepare_mixed_folder_succeeds_with_report(tmp_path, tiny_whisper, tiny_hubert_soft):
    src = _mixed_folder(tmp_path)
    out = tmp_path / "dataset"
    result = _cli(
        str(src),
        "--voice",
        "Test Voice",
        "--f0",
        "dio",
        "--out",
        str(out),
        "--offline",
        "--asset",
        f"whisper-large-v2={tiny_whisper}",
        "--asset",
        f"hubert-soft={tiny_hubert_soft[0]}",
        home=tmp_path / "home",
    )
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
    result = _cli(
        str(src), "--voice", "v", "--out", str(tmp_path / "o"), "--no-features", home=tmp_path / "home"
    )
    assert result.returncode == 1
    assert "no usable clips" in result.stderr and "not used: a.wav" in result.stdout


def test_missing_weights_fail_early_with_instructions(tmp_path):
    src = _mixed_folder(tmp_path)
    result = _cli(str(src), "--voice", "v", "--out", str(tmp_path / "o"), "--offline", home=tmp_path / "home")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "https://openaipublic.azureedge.net/main/whisper/models/81f7c96c" in result.stderr
    assert "--asset whisper-large-v2=PATH" in result.stderr
    assert "2 model files are missing" in result.stderr and "--asset hubert-soft=PATH" in result.stderr  # at once
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


# ---------------------------------------------------------------- issue 20.1 / 20.2: never lose a folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>")
        for p in sorted(folder.rglob("*"))
    }


def _takes(root: Path, name: str = "takes", f: float = 196.0) -> Path:
    src = root / name
    src.mkdir()
    sf.write(src / f"{name}.wav", harmonic_tone(f, 3.0, 32000), 32000)
    return src


def test_out_folder_with_user_files_is_refused_and_kept(tmp_path):
    src = _takes(tmp_path)
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "lyrics.txt").write_text("la la", encoding="utf-8")
    (out / "sub" / "demo.wav").write_bytes(b"RIFF")
    before = _tree(out)
    for extra in ([], ["--overwrite"]):
        result = _cli(
            str(src), "--voice", "v", "--out", str(out), "--no-features", *extra, home=tmp_path / "home"
        )
        assert result.returncode == 2, result.stderr
        assert "not a VoiceCraft dataset" in result.stderr and "Traceback" not in result.stderr
    assert _tree(out) == before and sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [
        "mine",
        "takes",
    ]


def test_out_file_is_refused_and_kept(tmp_path):
    src = _takes(tmp_path)
    out = tmp_path / "notes.txt"
    out.write_text("precious", encoding="utf-8")
    result = _cli(
        str(src), "--voice", "v", "--out", str(out), "--no-features", "--overwrite", home=tmp_path / "home"
    )
    assert result.returncode == 2 and "not a folder" in result.stderr
    assert out.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [
        "notes.txt",
        "takes",
    ]  # none hidden


def test_out_dataset_is_replaced_only_with_overwrite(tmp_path):
    home, out = tmp_path / "home", tmp_path / "ds"
    assert (
        _cli(str(_takes(tmp_path)), "--voice", "v", "--out", str(out), "--no-features", home=home).returncode
        == 0
    )
    before = _tree(out)
    new = _takes(tmp_path, "new", 262.0)
    result = _cli(str(new), "--voice", "v", "--out", str(out), "--no-features", home=home)
    assert result.returncode == 2 and "--overwrite" in result.stderr and _tree(out) == before
    result = _cli(str(new), "--voice", "v", "--out", str(out), "--no-features", "--overwrite", home=home)
    assert result.returncode == 0, result.stderr
    assert [
        c["source"] for c in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["clips"]
    ] == ["new.wav"]


def test_reprepare_voice_replaces_its_dataset_and_a_failure_keeps_it(tmp_path):
    """One name, one dataset: `prepare --voice V` again replaces datasets/v (what `train --voice V` reads)."""
    home = tmp_path / "home"
    assert _cli(str(_takes(tmp_path)), "--voice", "V", "--no-features", home=home).returncode == 0
    result = _cli(str(_takes(tmp_path, "new", 262.0)), "--voice", "V", "--no-features", home=home)
    assert result.returncode == 0, result.stderr
    datasets = home / "data" / "datasets"
    assert sorted(p.name for p in datasets.iterdir()) == ["v"]
    manifest = json.loads((datasets / "v" / "manifest.json").read_text(encoding="utf-8"))
    assert [c["source"] for c in manifest["clips"]] == ["new.wav"]
    before = _tree(datasets / "v")
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.txt").write_text("x", encoding="utf-8")
    result = _cli(str(junk), "--voice", "V", "--no-features", home=home)
    assert result.returncode == 1 and "nothing was written" in result.stderr
    assert _tree(datasets / "v") == before and sorted(p.name for p in datasets.iterdir()) == ["v"]
    other = _cli(str(_takes(tmp_path, "other")), "--voice", "v!", "--no-features", home=home)
    assert other.returncode == 2 and "holds the dataset of the voice “V”" in other.stderr
    assert _tree(datasets / "v") == before


def test_read_only_data_folder_is_one_line(tmp_path):
    import os

    if os.geteuid() == 0:
        import pytest

        pytest.skip("root ignores permissions")
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    (home / "data").chmod(0o555)
    try:
        result = _cli(str(_takes(tmp_path)), "--voice", "v", "--no-features", home=home)
    finally:
        (home / "data").chmod(0o755)
    assert (
        result.returncode == 1 and "Traceback" not in result.stderr and "Permission denied" in result.stderr
    )


def test_disk_full_during_prepare_is_one_line_and_leaves_nothing(tmp_path):
    """A file size limit (RLIMIT_FSIZE) stands in for a full disk: writing the clips fails."""
    import resource
    import signal

    home = tmp_path / "home"
    src = tmp_path / "takes"
    src.mkdir()
    sf.write(src / "long.wav", np.tile(harmonic_tone(196.0, 12.0, 32000), 2), 32000)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    env = {"VOICECRAFT_HOME": str(home), "PATH": "/usr/bin:/bin", "HOME": str(home)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "voicecraft_desktop.cli",
            "prepare",
            str(src),
            "--voice",
            "v",
            "--no-features",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=limit,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "cannot write the dataset" in result.stderr
    datasets = home / "data" / "datasets"
    assert not datasets.exists() or not list(datasets.iterdir())
