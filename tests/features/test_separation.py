"""Vocal separation (models/features/separation.py) with demucs' real HTDemucs class, random weights.

Every model here is saved and loaded through the safetensors path the converted official
checkpoints take; official-format ``.th`` pickles are made with ``torch.save`` to prove the
``weights_only`` conversion (and its refusal of code).
"""

from __future__ import annotations

import os
import threading
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import soundfile
import torch

from models.convert.options import run_to_end
from models.features.separation import (
    DEMUCS_RATE,
    SeparationCache,
    SeparationCancelled,
    SeparationError,
    convert_checkpoint,
    load_separation_model,
    save_separation_model,
    separation_model_file,
)
from models.formats.assets import Asset, AssetInvalid, AssetStore
from tests.features.demucs_tiny import tiny_demucs_file, tiny_htdemucs, tiny_separator


def drive(gen):
    """(the generator's value, the progress it yielded)."""
    steps = []
    return run_to_end(gen, steps.append), steps


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_demucs_file(tmp_path_factory.mktemp("demucs"))


@pytest.fixture(scope="module")
def separator(model_file: Path):
    torch.set_num_threads(2)
    return tiny_separator(model_file)


def song(seconds: float, rate: int, channels: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    tone = 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    data = tone[:, None] + 0.05 * rng.standard_normal((len(t), channels))
    return data.astype(np.float32)


def demucs_direct(model, data: np.ndarray, rate: int) -> np.ndarray:
    """Demucs' apply_model over the whole song at once (resampled whole with soxr), the vocal at
    the song's rate: what the streaming separator must equal when the song fits in one window."""
    import soxr
    from demucs.apply import apply_model

    stereo = np.repeat(data, 2, axis=1) if data.shape[1] == 1 else data
    x = stereo if rate == DEMUCS_RATE else soxr.resample(stereo, rate, DEMUCS_RATE, quality="VHQ")
    ref = stereo.mean(axis=1, dtype=np.float64)
    mean, std = ref.mean(), ref.std()
    out = (
        apply_model(
            model,
            torch.from_numpy(((x - mean) / std).T.astype(np.float32).copy())[None],
            shifts=0,
            split=True,
            overlap=0.25,
        )[0, 3].T.numpy()
        * std
        + mean
    )
    out = (
        out
        if rate == DEMUCS_RATE
        else soxr.resample(out.astype(np.float32), DEMUCS_RATE, rate, quality="VHQ")
    )
    out = np.concatenate([out, np.zeros((max(0, len(data) - len(out)), 2), np.float32)])[: len(data)]
    return out.mean(axis=1, keepdims=True) if data.shape[1] == 1 else out


# ----------------------------------------------------------------------------------- model files


def test_safetensors_round_trip_keeps_class_config_and_weights(tmp_path: Path) -> None:
    model = tiny_htdemucs(seed=3)
    path = save_separation_model(model, tmp_path / "m.safetensors")
    loaded = load_separation_model(path)
    assert type(loaded) is type(model) and loaded.segment == Fraction(1) and loaded.sources == model.sources
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
    # control: a file naming another class is refused, not imported
    from safetensors.torch import save_file

    save_file(
        {"x": torch.zeros(1)},
        str(tmp_path / "evil.safetensors"),
        metadata={"klass": "os.system", "args": "[]", "kwargs": "{}"},
    )
    with pytest.raises(AssetInvalid, match="not a Demucs separator"):
        load_separation_model(tmp_path / "evil.safetensors")


def _official_checkpoint(path: Path, model) -> Path:
    """A ``.th`` in the official format (demucs.states.serialize_model: half-precision state)."""
    args, kwargs = model._init_args_kwargs
    state = {k: v.half() for k, v in model.state_dict().items()}
    torch.save(
        {
            "klass": type(model),
            "args": args,
            "kwargs": kwargs,
            "state": state,
            "training_args": {"dset": {"segment": 11}, "seed": 42},
        },
        path,
    )
    return path


def test_official_checkpoint_is_converted_with_weights_only_and_code_is_refused(tmp_path: Path) -> None:
    model = tiny_htdemucs(seed=4)
    th = _official_checkpoint(tmp_path / "955717e8-8726e21a.th", model)
    target = convert_checkpoint(th, tmp_path / "out.safetensors", "demucs-htdemucs")
    loaded = load_separation_model(target)
    for key, value in model.state_dict().items():
        assert torch.allclose(loaded.state_dict()[key], value.half().float()), key
    # control: a pickle carrying code is refused without running it
    marker = tmp_path / "ran"
    torch.save(
        {"klass": os.system, "args": (f"touch {marker}",), "kwargs": {}, "state": {}}, tmp_path / "evil.th"
    )
    with pytest.raises(AssetInvalid, match="program code"):
        convert_checkpoint(tmp_path / "evil.th", tmp_path / "evil.safetensors", "demucs-htdemucs")
    assert not marker.exists() and not (tmp_path / "evil.safetensors").exists()


def test_asset_is_converted_once_and_again_when_it_changes(tmp_path: Path) -> None:
    model = tiny_htdemucs(seed=5)
    th = _official_checkpoint(tmp_path / "ckpt.th", model)
    registry = {
        "demucs-htdemucs": Asset("demucs-htdemucs", "955717e8-8726e21a.th", None, None, None, "MIT", "tiny")
    }
    store = AssetStore(tmp_path / "cache", {"demucs-htdemucs": th}, registry)
    first = separation_model_file(store, "htdemucs", fetch=False)
    assert first.suffix == ".safetensors" and first.parent == tmp_path / "cache" / "demucs-htdemucs"
    stamp = first.stat().st_mtime_ns
    assert (
        separation_model_file(store, "htdemucs", fetch=False).stat().st_mtime_ns == stamp
    )  # not converted again
    _official_checkpoint(th, tiny_htdemucs(seed=6))
    os.utime(th, ns=(stamp + 10**9, stamp + 10**9))
    again = separation_model_file(store, "htdemucs", fetch=False)
    assert not torch.equal(
        load_separation_model(again).state_dict()["freq_emb.embedding.weight"],
        model.state_dict()["freq_emb.embedding.weight"],
    )
    with pytest.raises(SeparationError, match="unknown separation model"):
        separation_model_file(store, "umx", fetch=False)


def test_registry_pins_the_official_checkpoints() -> None:
    from models.features.separation import DEFAULT_MODEL, SEPARATION_MODELS
    from models.formats.assets import ASSETS
    from voicecraft_desktop.commands.separate import MODEL_CHOICES

    assert MODEL_CHOICES == tuple(SEPARATION_MODELS) and MODEL_CHOICES[0] == DEFAULT_MODEL

    for model in SEPARATION_MODELS.values():
        asset = ASSETS[model.asset]
        assert asset.url.startswith("https://dl.fbaipublicfiles.com/demucs/hybrid_transformer/")
        assert asset.url.endswith(asset.filename) and len(asset.sha256) == 64
        assert asset.sha256.startswith(asset.filename.split("-")[1][:8])  # demucs names the sha prefix
        assert asset.size and "MIT" in asset.licence


# ------------------------------------------------------------------------------ shapes and lengths


@pytest.mark.parametrize(
    ("seconds", "rate", "channels"),
    [(0.4, 44100, 2), (1.7, 48000, 1), (1.3, 22050, 2), (1.1, 32000, 1)],
    ids=["shorter-than-a-segment", "48k-mono", "22k-stereo", "32k-mono"],
)
def test_stems_match_the_song_and_demucs_itself(separator, seconds: float, rate: int, channels: int) -> None:
    data = song(seconds, rate, channels)
    (vocal, backing), steps = drive(separator.separate(data, rate))
    assert vocal.shape == backing.shape == data.shape and vocal.dtype == np.float32
    assert np.abs(vocal + backing - data).max() < 1e-6
    assert steps[-1].fraction == 1.0 and all(0 <= s.fraction <= 1 for s in steps)
    direct = demucs_direct(separator.model, data, rate)
    assert np.abs(vocal - direct).max() < 1e-4 * max(1.0, np.abs(direct).max())
    # control: the same comparison catches a one-sample shift
    shifted = np.roll(direct, 1, axis=0)
    assert np.abs(vocal - shifted).max() > 1e-3


def test_long_song_is_separated_in_windows_joined_by_crossfades(model_file: Path) -> None:
    """Windows of 3.2 s (a segment of margin each side, a 0.2 s fade, one segment), hop 1 s: each
    window is demucs' apply_model over that window alone; a window is trusted up to its margin and
    crossfaded linearly with the next one."""
    from demucs.apply import apply_model

    small = tiny_separator(model_file, window_s=0.1, fade_s=0.2)
    W, H, M, F = small.window, small.hop, small.margin, small.fade
    data = song(7.0, DEMUCS_RATE, 2, seed=1)
    (vocal, backing), steps = drive(small.separate(data, DEMUCS_RATE))
    assert vocal.shape == data.shape and np.all(np.isfinite(vocal))
    assert np.abs(vocal + backing - data).max() < 1e-6
    assert {s.message for s in steps} >= {"window 1/5", "window 5/5"}
    ref = data.mean(axis=1, dtype=np.float64)
    mean, std = ref.mean(), ref.std()

    def window(k: int) -> np.ndarray:
        x = ((data[k * H : k * H + W] - mean) / std).T.astype(np.float32).copy()
        return (
            apply_model(small.model, torch.from_numpy(x)[None], shifts=0, split=True, overlap=0.25)[
                0, 3
            ].T.numpy()
            * std
            + mean
        )

    first, second = window(0), window(1)
    trusted = W - M - F
    assert np.abs(vocal[:trusted] - first[:trusted]).max() < 1e-5
    ramp = ((np.arange(F) + 0.5) / F)[:, None]
    joined = ramp[::-1] * first[trusted : trusted + F] + ramp * second[trusted - H : trusted - H + F]
    assert np.abs(vocal[trusted : trusted + F] - joined).max() < 1e-5
    # control: without the fade (the second window alone) the join is wrong
    assert np.abs(vocal[trusted : trusted + F] - second[trusted - H : trusted - H + F]).max() > 1e-3


@pytest.mark.slow
def test_ten_minute_song(model_file: Path, tmp_path: Path) -> None:
    rate = 44100
    path = tmp_path / "long.wav"
    with soundfile.SoundFile(path, "w", rate, 2, "PCM_16") as handle:
        for i in range(60):
            handle.write(song(10.0, rate, 2, seed=i))
    info, _ = drive(tiny_separator(model_file).separate_file(path, tmp_path / "v.wav", tmp_path / "b.wav"))
    assert info.frames == 600 * rate
    assert soundfile.info(tmp_path / "v.wav").frames == 600 * rate


# ------------------------------------------------------------------------- files, cancel, cache


def write(path: Path, data: np.ndarray, rate: int, subtype: str = "PCM_16") -> Path:
    soundfile.write(path, data, rate, subtype=subtype)
    return path


def test_cancel_stops_and_leaves_no_file(separator, tmp_path: Path) -> None:
    path = write(tmp_path / "song.wav", song(3.0, 44100, 2), 44100)
    cancel = threading.Event()
    gen = separator.separate_file(path, tmp_path / "out" / "v.wav", tmp_path / "out" / "b.wav", cancel)
    next(gen)  # one Demucs segment done
    cancel.set()
    with pytest.raises(SeparationCancelled):
        drive(gen)
    assert sorted(os.listdir(tmp_path / "out")) == []


def test_a_failure_midway_leaves_no_partial_output(model_file: Path, tmp_path: Path, monkeypatch) -> None:
    small = tiny_separator(model_file, window_s=0.1, fade_s=0.2)
    path = write(tmp_path / "song.wav", song(5.0, 44100, 2), 44100)
    real = small._apply
    calls = []

    def failing(segment, cancel):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return (yield from real(segment, cancel))

    monkeypatch.setattr(small, "_apply", failing)
    with pytest.raises(OSError):
        drive(small.separate_file(path, tmp_path / "out" / "v.wav", tmp_path / "out" / "b.wav"))
    assert len(calls) == 2 and os.listdir(tmp_path / "out") == []


def test_cache_hit_skips_separation(separator, tmp_path: Path, monkeypatch) -> None:
    data = song(1.5, 48000, 2)
    path = write(tmp_path / "song.flac", data, 48000, "PCM_24")
    cache = SeparationCache(tmp_path / "cache")
    first, steps = drive(cache.separate(separator, path))
    assert not first.hit and steps
    vocal, rate = soundfile.read(first.vocal, dtype="float32", always_2d=True)
    backing, _ = soundfile.read(first.backing, dtype="float32", always_2d=True)
    song_back, _ = soundfile.read(path, dtype="float32", always_2d=True)
    assert rate == 48000 and vocal.shape == song_back.shape
    assert np.abs(vocal + backing - song_back).max() < 1e-6

    def no_model(*_a, **_k):
        raise AssertionError("the model ran on a cached song")

    monkeypatch.setattr(separator, "_apply", no_model)
    second, _ = drive(cache.separate(separator, path))
    assert second.hit and second.vocal == first.vocal
    # control: a changed file (same name) is a miss
    write(path, song(1.5, 48000, 2, seed=9), 48000, "PCM_24")
    with pytest.raises(AssertionError, match="cached song"):
        drive(cache.separate(separator, path))
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage" * 10), "not a readable audio file"),
        (lambda p: write(p, np.zeros((44100, 2), np.float32), 44100), "silent"),
        (lambda p: write(p, song(2.0, 8000, 1), 8000), "8000 Hz, too low"),
        (lambda p: write(p, song(1.0, 44100, 6), 44100), "6 channels"),
    ],
    ids=["corrupt", "silent", "8k-mono", "6-channel"],
)
def test_bad_songs_give_one_clear_line(separator, tmp_path: Path, make, expected: str) -> None:
    from models.features.audio import AudioLoadError

    path = tmp_path / "bad song.wav"
    make(path)
    with pytest.raises((AudioLoadError, SeparationError)) as info:
        drive(SeparationCache(tmp_path / "cache").separate(separator, path))
    message = str(info.value)
    assert expected in message and str(path) in message and "\n" not in message
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_only_demucs_modules_without_torchaudio_are_imported(model_file: Path) -> None:
    import json
    import subprocess
    import sys

    code = (
        "import json, sys, numpy as np\n"
        "from tests.features.demucs_tiny import tiny_separator\n"
        "from models.convert.options import run_to_end\n"
        f"sep = tiny_separator({str(model_file)!r})\n"
        "run_to_end(sep.separate(np.full((9000, 2), 0.1, np.float32) * np.sin(np.arange(9000))[:, None], 44100))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('demucs', 'torchaudio'))))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "torchaudio" not in loaded and {"demucs.apply", "demucs.htdemucs"} <= loaded
    assert not loaded & {"demucs.api", "demucs.audio", "demucs.separate", "demucs.repitch", "demucs.wav"}
