"""Covers (models/convert/cover.py): separation (demucs' HTDemucs, random weights) -> conversion -> mix.

Alignment is checked with a converter that hands its input back at 32 kHz (what a perfect voice
would sing): the converted vocal must land on the separated vocal at the same sample (±1), and a
converter three samples late must be caught. The real tiny VoiceConverter runs the batch and the CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile
import torch

from models.convert.cover import (
    CoverOptions,
    backing_shift,
    convert_song,
    convert_songs,
    cover_convert,
    mix,
    pitch_shift,
    stem_paths,
    write_cover,
)
from models.convert.options import (
    OUTPUT_SAMPLE_RATE,
    ConvertOptions,
    ConvertProgress,
    ConvertResult,
    OptionError,
    run_to_end,
)
from models.features.audio import resample
from models.features.separation import SeparationCache
from tests.features.demucs_tiny import tiny_demucs_file, tiny_separator

REPO = Path(__file__).resolve().parents[2]


def drive(gen):
    """(the generator's value, the progress it yielded)."""
    steps = []
    return run_to_end(gen, steps.append), steps


class EchoConverter:
    """Gives its input back at 32 kHz, ``delay`` samples late: a stand-in voice for alignment."""

    name = "Echo"

    def __init__(self, delay: int = 0, key: float = 0.0) -> None:
        self.delay = delay
        self.key = key

    def convert(self, wave, rate, options=None, cancel=None, name="input"):
        yield ConvertProgress("synthesis", 1, 1, 1.0, 0.0, "echo")
        out = resample(wave, rate, OUTPUT_SAMPLE_RATE)
        out = np.concatenate([np.zeros(self.delay, np.float32), out])[: len(out)]
        empty = np.zeros(1, np.float32)
        return ConvertResult(out, OUTPUT_SAMPLE_RATE, empty, empty, empty, self.key)


@pytest.fixture(scope="module")
def demucs_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_demucs_file(tmp_path_factory.mktemp("demucs"))


@pytest.fixture(scope="module")
def separator(demucs_file: Path):
    torch.set_num_threads(2)
    return tiny_separator(demucs_file)


def click_song(
    path: Path, rate: int = 48000, seconds: float = 2.0, channels: int = 2
) -> tuple[Path, list[int]]:
    rng = np.random.default_rng(0)
    n = int(seconds * rate)
    data = 0.02 * rng.standard_normal((n, channels))
    clicks = [int(rate * t) + 7 for t in (0.25, 0.8, 1.3, 1.71)]
    for c in clicks:
        data[c] += 0.8
    soundfile.write(path, data.astype(np.float32), rate, subtype="FLOAT")
    return path, clicks


def lag(a: np.ndarray, b: np.ndarray, span: int = 20) -> int:
    """The shift of ``a`` against ``b`` (samples) with the largest correlation, within ±span."""
    best, where = -np.inf, 0
    for s in range(-span, span + 1):
        x = a[max(s, 0) : len(a) + min(s, 0)]
        y = b[max(-s, 0) : len(b) + min(-s, 0)]
        value = float(np.dot(x, y))
        if value > best:
            best, where = value, s
    return where


def test_converted_vocal_lands_on_the_same_sample(separator, tmp_path: Path) -> None:
    song, clicks = click_song(tmp_path / "clicks.wav")
    cache = SeparationCache(tmp_path / "cache")
    (result, stems), _ = drive(convert_song(EchoConverter(), separator, cache, song))
    vocal, rate = soundfile.read(stems.vocal, dtype="float32", always_2d=True)
    data, _ = soundfile.read(song, dtype="float32", always_2d=True)
    assert rate == result.sample_rate == 48000
    assert result.vocal.shape == (len(data),) and result.backing.shape == data.shape
    assert abs(lag(result.vocal, vocal.mean(axis=1))) <= 1
    # the mix at unit gains is the song again (band-limited to the conversion's 16 kHz): clicks in place
    mixed, scale = mix(result.vocal, result.backing)
    assert scale == 1.0
    for c in clicks:
        assert abs(int(np.argmax(np.abs(mixed[c - 50 : c + 50, 0]))) - 50) <= 1
    assert abs(lag(mixed[:, 0], data[:, 0])) <= 1
    # control: a converter three samples late (4.5 at 48 kHz) is caught
    (late, _), _ = drive(convert_song(EchoConverter(delay=3), separator, cache, song))
    assert lag(late.vocal, vocal.mean(axis=1)) >= 4


def test_backing_follows_the_key_but_not_octaves(separator, tmp_path: Path) -> None:
    assert [backing_shift(k) for k in (0, 2, 12, 14, -13, -24, 5.5)] == [0, 2, 0, 2, -1, 0, 5.5]
    rate = 44100
    t = np.arange(int(1.5 * rate)) / rate
    tone = 0.2 * sum(np.sin(2 * np.pi * 220 * k * t) / k for k in range(1, 8))
    backing = np.stack([tone, tone], axis=1).astype(np.float32)
    vocal = np.zeros_like(backing)
    options = CoverOptions(shift_backing=True)

    def backing_for(key: float) -> np.ndarray:
        result, _ = drive(cover_convert(EchoConverter(key=key), vocal, backing, rate, None, options))
        return result.backing, result.backing_semitones

    same, shift = backing_for(12.0)
    assert shift == 0 and np.array_equal(same, backing)
    up, shift = backing_for(14.0)
    assert shift == 2 and up.shape == backing.shape

    assert abs(median_f0(up[:, 0], rate) - 220 * 2 ** (2 / 12)) < 1.5
    assert abs(median_f0(backing[:, 0], rate) - 220) < 1.5  # control: the measure sees the original pitch
    # not asked: the backing is left alone whatever the key
    kept, _ = drive(cover_convert(EchoConverter(key=2), vocal, backing, rate, None, CoverOptions()))
    assert np.array_equal(kept.backing, backing)


def median_f0(x: np.ndarray, rate: int) -> float:
    import librosa

    return float(np.median(librosa.yin(x[rate // 4 : -rate // 4], fmin=80, fmax=1000, sr=rate)))


def test_librosa_takes_over_without_pedalboard(monkeypatch) -> None:
    rate = 22050
    t = np.arange(rate * 2) / rate
    audio = (0.2 * sum(np.sin(2 * np.pi * 300 * k * t) / k for k in range(1, 6)))[:, None].astype(np.float32)
    monkeypatch.setitem(sys.modules, "pedalboard", None)
    out, used = pitch_shift(audio, rate, 12.0)
    assert used == "librosa" and out.shape == audio.shape
    assert abs(median_f0(out[:, 0], rate) - 600) < 3


def test_mix_gains_and_clipping() -> None:
    vocal = np.full(100, 0.25, np.float32)
    backing = np.full((100, 2), 0.25, np.float32)
    out, scale = mix(vocal, backing, 0.0, -60.0)
    assert scale == 1.0 and np.allclose(out, 0.25)
    out, scale = mix(vocal, backing, 6.0206, 0.0)
    assert np.allclose(out, 0.75, atol=1e-4)
    out, scale = mix(vocal, backing, 12.0, 12.0)
    assert scale < 1 and np.abs(out).max() <= 0.99 + 1e-6
    with pytest.raises(OptionError, match="vocal level"):
        CoverOptions(vocal_gain_db=float("nan"))
    with pytest.raises(OptionError, match="separation model"):
        CoverOptions(separation_model="spleeter")


def _result(rate: int = 44100, n: int = 4410):
    from models.convert.cover import CoverResult

    t = np.arange(n) / rate
    vocal = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    backing = np.stack([vocal * 0.5, -vocal * 0.5], axis=1)
    empty = np.zeros(1, np.float32)
    return CoverResult(vocal, backing, None, rate, ConvertResult(vocal, 32000, empty, empty, empty, 0.0))


def test_write_cover_writes_all_three_or_none(tmp_path: Path, monkeypatch) -> None:
    paths = write_cover(tmp_path / "song (Echo).flac", _result(), CoverOptions(), "flac", "24")
    assert set(paths) == {"mix", "vocal", "backing"}
    for role, path in paths.items():
        info = soundfile.info(path)
        assert (
            info.samplerate == 44100
            and info.frames == 4410
            and info.channels == (1 if role == "vocal" else 2)
        )
    out = tmp_path / "fail"
    out.mkdir()
    real = soundfile.write
    calls = []

    def full_disk(file, *args, **kwargs):
        calls.append(file)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(file, *args, **kwargs)

    monkeypatch.setattr(soundfile, "write", full_disk)
    from models.convert.options import ConvertError

    with pytest.raises(ConvertError, match="could not be written"):
        write_cover(out / "song (Echo).wav", _result())
    assert len(calls) == 3 and os.listdir(out) == []


def test_song_batch_with_the_real_converter(
    separator, tiny_voice, tiny_extractors, helpers, tmp_path: Path
) -> None:
    from models.convert.converter import VoiceConverter

    songs = tmp_path / "songs"
    songs.mkdir()
    sung = helpers.sung_phrases(1.5, 44100)
    soundfile.write(songs / "a.wav", np.stack([sung, 0.5 * sung], axis=1), 44100)
    soundfile.write(songs / "b.flac", helpers.sung_phrases(1.2, 48000, seed=1), 48000)
    soundfile.write(songs / "c.wav", np.zeros((4800, 6), np.float32) + 0.1, 48000)
    converter = VoiceConverter(tiny_voice, tiny_extractors)
    cache = SeparationCache(tmp_path / "cache")
    options = ConvertOptions(deterministic=True, report=False, f0_method="dio")
    items, steps = drive(convert_songs(converter, separator, cache, [songs], tmp_path / "out", options))
    by_name = {item.source.name: item for item in items}
    assert by_name["c.wav"].error and "6 channels" in by_name["c.wav"].error
    for name, rate, channels, seconds in (("a.wav", 44100, 2, 1.5), ("b.flac", 48000, 1, 1.2)):
        item = by_name[name]
        assert item.error is None, item.error
        for role, path in {"mix": item.output, **stem_paths(item.output)}.items():
            info = soundfile.info(path)
            assert info.samplerate == rate and info.frames == int(seconds * rate), (name, role)
        assert soundfile.info(item.output).channels == channels
    assert {s.step.stage for s in steps if s.step} >= {"separate", "synthesis"}
    # a second batch of the same songs skips the separation (cached per file hash)
    again, steps = drive(
        convert_songs(converter, separator, cache, [songs / "a.wav"], tmp_path / "out2", options)
    )
    assert again[0].error is None and "separate" not in {s.step.stage for s in steps if s.step}


def test_cli_separate_and_convert_with_backing(
    demucs_file, library_voice, assets, helpers, tmp_path: Path
) -> None:
    song = tmp_path / "my song.wav"
    sung = helpers.sung_phrases(1.2, 44100)
    soundfile.write(song, np.stack([sung, sung], axis=1), 44100)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    demucs = ["--asset", f"demucs-htdemucs={demucs_file}"]

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "voicecraft_desktop.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )

    done = cli(
        "separate", str(song), "--out", str(tmp_path / "stems"), *demucs, "--offline", "--device", "cpu"
    )
    assert done.returncode == 0, done.stderr
    assert soundfile.info(tmp_path / "stems" / "my song vocal.wav").frames == len(sung)
    assert soundfile.info(tmp_path / "stems" / "my song backing.wav").channels == 2
    done = cli(
        "convert",
        str(song),
        "--voice",
        library_voice,
        "--backing",
        "keep",
        "--out",
        str(tmp_path / "out"),
        *assets,
        *demucs,
        "--no-report",
    )
    assert done.returncode == 0, done.stderr
    mixed = tmp_path / "out" / "my song (Tiny Voice).wav"
    assert soundfile.info(mixed).frames == len(sung) and soundfile.info(mixed).samplerate == 44100
    assert "stems: my song (Tiny Voice) vocal.wav" in done.stdout
    done = cli(
        "convert",
        str(song),
        "--voice",
        library_voice,
        "--backing",
        "keep",
        "--sample-rate",
        "48000",
        "--out",
        str(tmp_path / "out2"),
        *assets,
    )
    assert done.returncode == 2 and "a cover is written at its song's rate" in done.stderr
    # a bad song: one line, exit 1, nothing written for it
    bad = tmp_path / "mono8k.wav"
    soundfile.write(bad, sung[:16000], 8000)
    done = cli("separate", str(bad), "--out", str(tmp_path / "bad"), *demucs, "--offline", "--device", "cpu")
    assert done.returncode == 1 and "8000 Hz, too low" in done.stdout
    assert list((tmp_path / "bad").iterdir()) == []
