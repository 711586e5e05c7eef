"""Atomic output files, formats, batch conversion of files and folders, and bad inputs."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile

from models.convert.converter import VoiceConverter
from models.convert.files import check_writable, convert_files, output_name, write_audio
from models.convert.options import ConvertCancelled, ConvertError, ConvertOptions, run_to_end

FAST = ConvertOptions(deterministic=True, report=False)


@pytest.mark.parametrize(
    ("fmt", "bits", "subtype"),
    [
        ("wav", "16", "PCM_16"),
        ("wav", "24", "PCM_24"),
        ("wav", "float", "FLOAT"),
        ("flac", "16", "PCM_16"),
        ("flac", "24", "PCM_24"),
    ],
)
def test_write_audio_formats(tmp_path: Path, fmt: str, bits: str, subtype: str) -> None:
    audio = (0.5 * np.sin(np.linspace(0, 200, 32000))).astype(np.float32)
    path = write_audio(tmp_path / f"out.{fmt}", audio, 32000, fmt, bits)
    info = soundfile.info(str(path))
    assert info.subtype == subtype and info.samplerate == 32000 and info.frames == 32000
    back, _ = soundfile.read(str(path), dtype="float32")
    assert np.max(np.abs(back - audio)) < 1e-4
    assert [p.name for p in tmp_path.iterdir()] == [f"out.{fmt}"]  # no temporary left


def test_write_audio_refuses_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(ConvertError, match="FLAC"):
        write_audio(tmp_path / "x.flac", np.zeros(10, np.float32), 32000, "flac", "float")
    with pytest.raises(ConvertError, match="format"):
        write_audio(tmp_path / "x.mp3", np.zeros(10, np.float32), 32000, "mp3")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConvertError, match="cannot write"):
        write_audio(blocker / "x.wav", np.zeros(10, np.float32), 32000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_unwritable_output_folder_is_refused_before_work(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ConvertError, match="not writable"):
        check_writable(blocker / "out")


def test_output_name_is_safe() -> None:
    assert output_name(Path("/x/Söng 1.flac"), 'A/B:"C"', "wav") == "Söng 1 (A_B_C_).wav"


@pytest.fixture
def mixed_folder(tmp_path: Path, helpers) -> Path:
    """A folder like a user's: good songs (one with a unicode name), a corrupt file, an empty file,
    a text file, a hidden file."""
    folder = tmp_path / "songs ♪"
    folder.mkdir()
    soundfile.write(str(folder / "chanson é.wav"), helpers.sung_phrases(1.0, 44100), 44100)
    soundfile.write(
        str(folder / "stereo.flac"), np.stack([helpers.sung_phrases(0.7, 48000)] * 2, axis=1), 48000
    )
    (folder / "corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 20)
    (folder / "empty.wav").write_bytes(b"")
    (folder / "notes.txt").write_text("lyrics")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    return folder


def test_batch_converts_good_files_and_reports_bad_ones(
    tiny_voice, tiny_extractors, mixed_folder, tmp_path
) -> None:
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    out = tmp_path / "out ☃"
    gen = convert_files(conv, [mixed_folder], out, FAST, "flac", "24")
    progress = []
    while True:
        try:
            progress.append(next(gen))
        except StopIteration as stop:
            items = stop.value
            break
    by_name = {i.source.name: i for i in items}
    assert set(by_name) == {"chanson é.wav", "stereo.flac", "corrupt.wav", "empty.wav", "notes.txt"}
    for good, seconds in (("chanson é.wav", 1.0), ("stereo.flac", 0.7)):
        item = by_name[good]
        assert item.error is None and item.output.is_file()
        info = soundfile.info(str(item.output))
        assert info.subtype == "PCM_24" and abs(info.frames - seconds * 32000) <= 320
    assert "empty file" in by_name["empty.wav"].error
    for bad in ("corrupt.wav", "notes.txt"):
        assert bad in by_name[bad].error and "audio" in by_name[bad].error
    assert sorted(p.name for p in out.iterdir()) == ["chanson é (Tiny).flac", "stereo (Tiny).flac"]
    assert progress[-1].fraction <= 1.0 and [p.fraction for p in progress] == sorted(
        p.fraction for p in progress
    )


def test_batch_refuses_long_songs_and_keeps_existing_outputs(
    tiny_voice, tiny_extractors, tmp_path, helpers
) -> None:
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    src = tmp_path / "long.wav"
    soundfile.write(str(src), np.zeros(8000 * 5, np.float32), 8000)
    items = run_to_end(
        convert_files(conv, [src], tmp_path / "out", ConvertOptions(report=False, max_input_s=3.0))
    )
    assert "limit" in items[0].error and not list((tmp_path / "out").iterdir())
    song = tmp_path / "song.wav"
    soundfile.write(str(song), helpers.sung_phrases(0.5, 16000), 16000)
    existing = tmp_path / "out" / "song (Tiny).wav"
    existing.write_bytes(b"keep")
    items = run_to_end(convert_files(conv, [song], tmp_path / "out", FAST))
    assert "already exists" in items[0].error and existing.read_bytes() == b"keep"


def test_cancelled_batch_leaves_no_partial_output(tiny_voice, tiny_extractors, tmp_path, helpers) -> None:
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    song = tmp_path / "song.wav"
    soundfile.write(str(song), helpers.sung_phrases(3.0, 16000), 16000)
    cancel = threading.Event()
    gen = convert_files(
        conv,
        [song],
        tmp_path / "out",
        ConvertOptions(deterministic=True, report=False, chunk_s=1.0),
        cancel=cancel,
    )
    with pytest.raises(ConvertCancelled):
        for p in gen:
            if p.step is not None and p.step.stage == "synthesis":
                cancel.set()
    assert list((tmp_path / "out").iterdir()) == []




@pytest.mark.parametrize("rate", [44100, 48000])
def test_write_audio_resamples_to_the_chosen_rate(tmp_path: Path, rate: int) -> None:
    """An output for a DAW session: 44.1 or 48 kHz, same duration, same pitch (soxr, not a relabel)."""
    t = np.arange(32000) / 32000
    audio = (0.5 * np.sin(2 * np.pi * 1000.0 * t)).astype(np.float32)
    path = write_audio(tmp_path / "x.wav", audio, 32000, "wav", "16", sample_rate=rate)
    data, got = soundfile.read(path)
    assert got == rate and len(data) == rate  # one second, at the new rate
    spectrum = np.abs(np.fft.rfft(data * np.hanning(len(data))))
    assert abs(np.argmax(spectrum) * rate / len(data) - 1000.0) < 2.0  # still 1 kHz
    native = write_audio(tmp_path / "n.wav", audio, 32000, "wav", "16", sample_rate=32000)
    assert soundfile.info(native).samplerate == 32000


def test_write_audio_refuses_an_unoffered_rate(tmp_path: Path) -> None:
    with pytest.raises(ConvertError, match="44100"):
        write_audio(tmp_path / "x.wav", np.zeros(3200, np.float32), 32000, sample_rate=22050)
    assert list(tmp_path.iterdir()) == []


def test_batch_writes_at_the_chosen_rate(tiny_voice, tiny_extractors, tmp_path, helpers) -> None:
    converter = VoiceConverter(tiny_voice, tiny_extractors)
    src = tmp_path / "in"
    src.mkdir()
    soundfile.write(str(src / "a.wav"), helpers.sung_phrases(0.5, 16000), 16000)
    items = run_to_end(
        convert_files(converter, [src], tmp_path / "out", FAST, "flac", "24", sample_rate=48000)
    )
    info = soundfile.info(str(items[0].output))
    assert info.samplerate == 48000 and info.subtype == "PCM_24"
    assert abs(info.frames - 24000) <= 1
