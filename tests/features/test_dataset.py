"""Audio loading and dataset preparation: every bad input of the issue gets its stated outcome."""

from __future__ import annotations

import os
import wave as wavmod
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from models.features.audio import AudioLoadError, load_audio, normalise_peak, resample
from models.features.levels import plan_clips
from models.features.preprocess import (
    RECOMMENDED_TOTAL_S,
    PrepareCancelled,
    prepare_dataset,
    read_manifest,
)

from .conftest import harmonic_tone


def _phrases(seconds: float, rate: int, channels: int = 1, gap_s: float = 0.5, note_s: float = 4.0) -> np.ndarray:
    """Harmonic notes separated by silences."""
    out = []
    t = 0.0
    i = 0
    while t < seconds:
        out.append(harmonic_tone(180.0 * 2 ** ((i % 7) / 12), min(note_s, seconds - t), rate))
        out.append(np.zeros(int(gap_s * rate), np.float32))
        t += note_s + gap_s
        i += 1
    x = np.concatenate(out)[: int(seconds * rate)]
    return np.repeat(x[:, None], channels, axis=1) if channels > 1 else x


def _drain(gen):
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("recordings")
    (root / "empty.wav").write_bytes(b"")
    sf.write(root / "zero.wav", np.zeros(0, np.float32), 44100)
    good = root / "good.wav"
    sf.write(good, _phrases(9.0, 44100), 44100)
    raw = good.read_bytes()
    (root / "corrupt.wav").write_bytes(raw[:12] + b"\x00" * 40 + raw[52:2000])
    (root / "notes.wav").write_text("these are my lyrics, not audio\n", encoding="utf-8")
    sf.write(root / "phone.wav", _phrases(6.0, 8000), 8000)
    sf.write(root / "hires.flac", _phrases(6.0, 96000), 96000)
    sf.write(root / "surround.wav", _phrases(6.0, 48000, channels=6), 48000)
    sf.write(root / "silence.wav", np.zeros(48000 * 5, np.float32), 48000)
    sub = root / "Dossier d'été" / "voix ünïcode 歌"
    sub.mkdir(parents=True)
    sf.write(sub / "prise   1 (final).ogg", _phrases(6.0, 48000), 48000, format="OGG", subtype="VORBIS")
    clipped = np.clip(_phrases(6.0, 44100) * 4, -1, 1)
    sf.write(root / "clipped.wav", clipped, 44100, subtype="FLOAT")
    os.symlink(root / "loop.wav", root / "loop.wav")  # unreadable even for root (ELOOP)
    (root / "readme.txt").write_text("hello", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def prepared(bad_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("datasets") / "voice"
    report = _drain(prepare_dataset(bad_folder, out, "Été"))
    return out, report


def _reasons(report):
    by = {}
    for r in report.rejected:
        by.setdefault(r.source, []).append(r.code)
    return by


@pytest.mark.parametrize(("name", "code"), [
    ("empty.wav", "empty"), ("zero.wav", "empty"), ("corrupt.wav", "unreadable"), ("notes.wav", "unreadable"),
    ("phone.wav", "low_rate"), ("silence.wav", "silent"), ("clipped.wav", "clipped"), ("loop.wav", "unreadable"),
    ("readme.txt", "not_audio"),
])
def test_bad_file_is_rejected_with_reason(prepared, name, code):
    _, report = prepared
    assert code in _reasons(report)[name]
    assert not any(c.source == name for c in report.clips)


@pytest.mark.parametrize("name", ["good.wav", "hires.flac", "surround.wav",
                                  "Dossier d'été/voix ünïcode 歌/prise   1 (final).ogg"])
def test_good_files_are_used(prepared, name):
    out, report = prepared
    clips = [c for c in report.clips if c.source == name]
    assert clips and name not in _reasons(report)
    total = sum(c.duration_s for c in clips)
    assert total > 4.0
    for c in clips:
        data, rate = sf.read(out / c.file)
        assert rate == 32000 and data.ndim == 1
        assert 1.0 <= len(data) / rate <= 15.5
        assert abs(np.max(np.abs(data)) - 0.6) < 0.01  # the reference's peak level


def test_report_notes_and_manifest(prepared):
    out, report = prepared
    assert any("surround.wav: 6 channels" in n for n in report.notes)
    assert report.warnings and f"{RECOMMENDED_TOTAL_S / 60:.0f} min" in report.warnings[0]
    manifest = read_manifest(out)
    assert manifest["voice"] == "Été" and len(manifest["clips"]) == len(report.clips)
    assert {c["file"] for c in manifest["clips"]} == {f"clips/{p.name}" for p in (out / "clips").iterdir()}
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no staging left behind
    text = report.summary()
    assert "not used: phone.wav" in text and "8000 Hz" in text


def test_folder_without_audio(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("x", encoding="utf-8")
    report = _drain(prepare_dataset(tmp_path / "src", tmp_path / "out", "v"))
    assert not report.usable and "no usable audio" in report.warnings[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]  # a failed preparation leaves nothing behind
    (tmp_path / "none").mkdir()
    report = _drain(prepare_dataset(tmp_path / "none", tmp_path / "out2", "v"))
    assert not report.usable and "no files found" in report.warnings[0]
    with pytest.raises(NotADirectoryError):
        _drain(prepare_dataset(tmp_path / "missing", tmp_path / "out3", "v"))


def test_one_hour_file_is_sliced_with_bounded_clips(tmp_path):
    rate = 16000
    src = tmp_path / "src"
    src.mkdir()
    with sf.SoundFile(src / "hour.wav", "w", rate, 1, subtype="PCM_16") as f:
        block = _phrases(60.0, rate, gap_s=0.6, note_s=7.0)
        for _ in range(60):
            f.write(block)
    report = _drain(prepare_dataset(src, tmp_path / "out", "long"))
    assert report.usable and report.files_used == 1
    durations = np.array([c.duration_s for c in report.clips])
    assert durations.max() <= 15.5 and durations.min() >= 1.0
    assert 3300 < durations.sum() <= 3600  # the sound (not the pauses) is all there
    offsets = np.array([c.offset_s for c in report.clips])
    assert np.all(np.diff(offsets) > 0)


def test_cancel_leaves_previous_dataset_untouched(tmp_path, bad_folder):
    out = tmp_path / "out"
    _drain(prepare_dataset(bad_folder, out, "v"))
    before = _tree(out)
    import threading

    cancel = threading.Event()
    gen = prepare_dataset(bad_folder, out, "v", cancel, overwrite=True)
    next(gen)
    cancel.set()
    with pytest.raises(PrepareCancelled):
        _drain(gen)
    assert [p.name for p in tmp_path.iterdir()] == ["out"] and _tree(out) == before


def test_unusable_folder_leaves_previous_dataset_untouched(tmp_path, bad_folder):
    out = tmp_path / "out"
    _drain(prepare_dataset(bad_folder, out, "v"))
    before = _tree(out)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "a.txt").write_text("x", encoding="utf-8")
    report = _drain(prepare_dataset(tmp_path / "junk", out, "v", overwrite=True))
    assert not report.usable and _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk", "out"]


def test_plan_clips_merges_short_and_reports_tiny():
    levels = np.full(3000, -80.0)
    levels[100:150] = -20  # 0.5 s: alone, too short
    levels[1000:1150] = -20  # 1.5 s
    levels[1200:1350] = -20  # 1.5 s, 0.5 s later: merged with the previous
    levels[2000:2900] = -20  # 9 s
    clips, short = plan_clips(levels)
    assert short == [(100, 150)]
    assert [(a, b) for a, b in clips] == [(990, 1360), (1990, 2910)]


def test_load_audio_errors_and_resampling(tmp_path):
    with pytest.raises(AudioLoadError, match="file not found"):
        load_audio(tmp_path / "nope.wav")
    (tmp_path / "e.wav").write_bytes(b"")
    with pytest.raises(AudioLoadError, match="empty file"):
        load_audio(tmp_path / "e.wav")
    (tmp_path / "t.wav").write_text("text", encoding="utf-8")
    with pytest.raises(AudioLoadError, match="t.wav: not a readable audio file"):
        load_audio(tmp_path / "t.wav")
    with wavmod.open(str(tmp_path / "z.wav"), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
    with pytest.raises(AudioLoadError, match="no audio"):
        load_audio(tmp_path / "z.wav")
    x = _phrases(2.0, 48000, channels=2)
    sf.write(tmp_path / "s.wav", x, 48000, subtype="FLOAT")
    y, rate = load_audio(tmp_path / "s.wav", 16000)
    assert rate == 16000 and y.dtype == np.float32 and y.shape == (32000,)
    assert len(resample(np.zeros(44100, np.float32), 44100, 32000)) == 32000
    assert np.max(np.abs(normalise_peak(x[:, 0]))) == pytest.approx(0.6)
    assert np.max(np.abs(normalise_peak(np.full(10, 1e-3, np.float32)))) == pytest.approx(0.06)


# ---------------------------------------------------------------- issue 20.8: wrong judgements


def test_long_mostly_quiet_file_is_not_silent(tmp_path):
    """5 min of near-silence (-75 dBFS) with 8 s of loud singing (under 5 % of the file): usable."""
    rate = 16000
    src = tmp_path / "src"
    src.mkdir()
    x = np.random.default_rng(0).normal(0, 10 ** (-75 / 20), 300 * rate).astype(np.float32)
    for at in (60, 200):
        x[at * rate : (at + 4) * rate] += harmonic_tone(220.0, 4.0, rate)
    sf.write(src / "long.wav", x, rate, subtype="PCM_16")
    report = _drain(prepare_dataset(src, tmp_path / "out", "v"))
    assert "long.wav" not in _reasons(report), report.summary()
    assert report.usable and 7.0 < report.total_s < 10.0  # the two passages, not the background


def test_hot_float_file_is_not_clipped(tmp_path):
    """A float WAV peaking at 8.0 is hot, not clipped: it is used (normalised)."""
    src = tmp_path / "src"
    src.mkdir()
    x = _phrases(9.0, 44100)
    sf.write(src / "hot.wav", x * (8.0 / np.max(np.abs(x))), 44100, subtype="FLOAT")
    report = _drain(prepare_dataset(src, tmp_path / "out", "v"))
    assert "hot.wav" not in _reasons(report), report.summary()
    assert report.total_s > 7.0


@pytest.mark.parametrize(("subtype", "limit"), [("FLOAT", 8.0), ("FLOAT", 0.9), ("PCM_16", 1.0)])
def test_flat_topped_audio_is_clipped(tmp_path, subtype, limit):
    """Flat runs at the file's peak (float) or at the rails (integer) are clipping, whatever the level."""
    src = tmp_path / "src"
    src.mkdir()
    x = _phrases(6.0, 44100)
    sf.write(src / "c.wav", np.clip(x * 4 * limit, -limit, limit), 44100, subtype=subtype)
    report = _drain(prepare_dataset(src, tmp_path / "out", "v"))
    assert "clipped" in _reasons(report)["c.wav"]


def test_full_scale_low_note_without_flat_tops_is_not_clipped(tmp_path):
    """A 16-bit 70 Hz tone at full scale once per period is loud, not clipped (no flat run at a rail)."""
    src = tmp_path / "src"
    src.mkdir()
    rate = 48000
    t = np.arange(6 * rate) / rate
    x = np.sin(2 * np.pi * 70 * t) * (32767 / 32768)
    sf.write(src / "low.wav", x, rate, subtype="PCM_16")
    report = _drain(prepare_dataset(src, tmp_path / "out", "v"))
    assert "low.wav" not in _reasons(report), report.summary()


# ---------------------------------------------------------------- issue 20.1/20.2: never lose a folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>")
            for p in sorted(folder.rglob("*"))}


def test_out_folder_that_is_not_a_dataset_is_refused(tmp_path, bad_folder):
    from models.features.preprocess import DatasetTargetError

    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "lyrics.txt").write_text("la la", encoding="utf-8")
    (out / "sub" / "x.wav").write_bytes(b"123")
    before = _tree(out)
    for overwrite in (False, True):
        with pytest.raises(DatasetTargetError, match="not a VoiceCraft dataset"):
            _drain(prepare_dataset(bad_folder, out, "v", overwrite=overwrite))
    assert _tree(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_out_file_is_refused_and_kept(tmp_path, bad_folder):
    from models.features.preprocess import DatasetTargetError

    out = tmp_path / "notes.txt"
    out.write_text("precious", encoding="utf-8")
    with pytest.raises(DatasetTargetError, match="not a folder"):
        _drain(prepare_dataset(bad_folder, out, "v", overwrite=True))
    assert out.read_text(encoding="utf-8") == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]  # nothing hidden beside it


def test_existing_dataset_is_replaced_only_with_overwrite(tmp_path, bad_folder):
    from models.features.preprocess import DatasetTargetError

    out = tmp_path / "ds"
    _drain(prepare_dataset(bad_folder, out, "first"))
    before = _tree(out)
    with pytest.raises(DatasetTargetError, match="already holds a dataset"):
        _drain(prepare_dataset(bad_folder, out, "second"))
    assert _tree(out) == before
    _drain(prepare_dataset(bad_folder, out, "second", overwrite=True))
    assert read_manifest(out)["voice"] == "second" and [p.name for p in tmp_path.iterdir()] == ["ds"]


@pytest.mark.parametrize("where", ["same", "inside"])
def test_out_in_the_recordings_folder_is_refused(tmp_path, where):
    from models.features.preprocess import DatasetTargetError

    src = tmp_path / "src"
    src.mkdir()
    sf.write(src / "a.wav", _phrases(6.0, 44100), 44100)
    out = src if where == "same" else src / "dataset"
    with pytest.raises(DatasetTargetError, match="recordings"):
        _drain(prepare_dataset(src, out, "v"))
    assert [p.name for p in src.iterdir()] == ["a.wav"]


def test_recordings_inside_out_are_refused(tmp_path):
    """Replacing a dataset whose clips folder is the source would erase the recordings being read."""
    from models.features.preprocess import DatasetTargetError

    src = tmp_path / "src"
    src.mkdir()
    sf.write(src / "a.wav", _phrases(6.0, 44100), 44100)
    out = tmp_path / "ds"
    _drain(prepare_dataset(src, out, "v"))
    with pytest.raises(DatasetTargetError, match="recordings"):
        _drain(prepare_dataset(out / "clips", out, "v", overwrite=True))
    assert (out / "clips").is_dir() and read_manifest(out)["clips"]


def test_empty_out_folder_is_used(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    sf.write(src / "a.wav", _phrases(6.0, 44100), 44100)
    (tmp_path / "out").mkdir()
    report = _drain(prepare_dataset(src, tmp_path / "out", "v"))
    assert report.usable and read_manifest(tmp_path / "out")["clips"]
