"""Pitch extractors: accuracy on synthetic singing with exact F0, post-processing, no torchaudio."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from models.features.audio import load_audio
from models.features.pitch import (
    PITCH_EXTRACTORS,
    PitchTrack,
    create_pitch_extractor,
    default_pitch_method,
    frame_count,
    interpolate_unvoiced,
    postprocess_f0,
)

from .conftest import SHARED, harmonic_tone

SYNTH = SHARED / "synth"
# the first five phrases of both singers (about 45 s); bench/bench_pitch.py scores all twenty
SUBSET = [f"{singer}/p{i:02d}" for singer in ("s2_en_f2", "s5_it_m7") for i in range(5)]


def pitch_scores(track: PitchTrack, truth_5ms: np.ndarray) -> tuple[float, float, int]:
    """(raw pitch accuracy at 50 cents, octave-error rate, voiced frames) over truly voiced frames."""
    truth = truth_5ms[::2][: len(track.f0_hz)]  # 5 ms -> our 10 ms grid (frame i at 10·i ms)
    est = track.f0_hz[: len(truth)]
    voiced = truth > 0
    cents = np.full(len(truth), np.inf)
    both = voiced & (est > 0)
    cents[both] = 1200 * np.abs(np.log2(est[both] / truth[both]))
    rpa = float(np.sum(voiced & (cents < 50)) / voiced.sum())
    octave = float(np.sum(voiced & (np.abs(cents - 1200) < 100)) / voiced.sum())
    return rpa, octave, int(voiced.sum())


@pytest.fixture(scope="module")
def synth_subset():
    if not SYNTH.is_dir():
        pytest.skip(f"{SYNTH} not found")
    return [(load_audio(SYNTH / f"{name}.wav", 16000)[0], np.load(SYNTH / f"{name}.f0.npy")) for name in SUBSET]


@pytest.mark.parametrize("method", ["crepe-tiny", "fcpe", "harvest"])
def test_accuracy_on_synthetic_singing(method, synth_subset):
    extractor = create_pitch_extractor(method)
    hits = octaves = total = 0.0
    for wave, truth in synth_subset:
        track = extractor.extract(wave)
        assert len(track.f0_hz) == frame_count(len(wave))
        rpa, octave, n = pitch_scores(track, truth)
        hits += rpa * n
        octaves += octave * n
        total += n
    assert hits / total >= 0.97, f"{method}: raw pitch accuracy {hits / total:.3f}"
    assert octaves / total <= 0.01, f"{method}: octave errors {octaves / total:.3f}"


@pytest.mark.parametrize("method", sorted(PITCH_EXTRACTORS))
def test_every_extractor_tracks_a_harmonic_glide(method):
    if method == "crepe-full":
        pytest.importorskip("torch")  # runs, just slowly: 2 s of audio
    f0 = np.geomspace(110.0, 440.0, 32000)
    wave = harmonic_tone(f0, 2.0, 16000)
    track = create_pitch_extractor(method).extract(wave)
    truth = f0[::160][: len(track.f0_hz)]
    mid = slice(10, len(truth) - 10)
    est, ref = track.f0_hz[mid], truth[mid]
    assert np.mean(est > 0) > 0.95
    cents = 1200 * np.abs(np.log2(est[est > 0] / ref[est > 0]))
    assert np.median(cents) < 20 and np.mean(cents < 50) > 0.95


def test_out_of_range_and_silence_are_unvoiced():
    ex = create_pitch_extractor("harvest")
    silent = ex.extract(np.zeros(16000, np.float32))
    assert silent.f0_hz.shape == (101,) and not silent.voiced.any()
    assert ex.extract(np.zeros(100, np.float32)).f0_hz.shape == (1,)
    low = create_pitch_extractor("fcpe").extract(harmonic_tone(35.0, 1.0, 16000))  # below 50 Hz
    assert np.mean(low.voiced) < 0.1


def test_octave_jump_guard_folds_isolated_jumps_and_keeps_real_leaps():
    f0 = np.full(200, 220.0)
    f0[60:63] = 440.0  # a 30 ms octave error
    f0[120:] = 440.0  # a sung octave leap that lasts
    track = postprocess_f0(f0, np.ones(200), 0.5)
    assert np.allclose(track.f0_hz[55:70], 220.0, rtol=1e-3)
    assert np.allclose(track.f0_hz[135:], 440.0, rtol=1e-3)


def test_voicing_threshold_median_filter_and_smoothing():
    f0 = 220.0 * 2 ** (np.sin(np.arange(100) / 15.0) / 12)
    conf = np.ones(100)
    conf[40:70] = 0.1
    conf[20] = 0.0  # a single dropout is bridged by the 7-frame median
    track = postprocess_f0(f0, conf, 0.5)
    assert track.voiced[20] and not track.voiced[45:65].any()
    jitter = f0 * 2 ** (np.random.default_rng(0).standard_normal(100) * 0.2 / 12)
    smooth = postprocess_f0(jitter, np.ones(100), 0.5).f0_hz
    assert np.std(np.log2(smooth / f0)) < np.std(np.log2(jitter / f0))


def test_interpolate_unvoiced():
    f0 = np.array([0, 100, 0, 0, 400, 0], np.float32)
    out = interpolate_unvoiced(f0)
    np.testing.assert_allclose(out, [100, 100, 100 * 4 ** (1 / 3), 100 * 4 ** (2 / 3), 400, 400], rtol=1e-5)
    assert not interpolate_unvoiced(np.zeros(3)).any()


def test_registry_default_and_unknown():
    assert default_pitch_method("cpu") == "fcpe" and default_pitch_method("cuda") == "crepe-full"
    for name, cls in PITCH_EXTRACTORS.items():
        assert cls.name == name and cls.version and cls.sample_rate == 16000 and cls.hop_length == 160
    with pytest.raises(KeyError, match="crepe-tiny"):
        create_pitch_extractor("yin")


def test_wheel_networks_load_without_torchaudio_or_importing_the_packages():
    code = (
        "import sys, numpy as np\n"
        "from models.features.pitch import create_pitch_extractor\n"
        "w = np.sin(2*np.pi*np.cumsum(np.full(16000, 200.0))/16000).astype('float32')\n"
        "w = w + 0.5*np.sin(2*2*np.pi*np.cumsum(np.full(16000, 200.0))/16000).astype('float32')\n"
        "for m in ('crepe-tiny', 'fcpe'):\n"
        "    t = create_pitch_extractor(m).extract(w)\n"
        "    assert abs(np.median(t.f0_hz[t.f0_hz > 0]) - 200) < 2, m\n"
        "bad = [m for m in ('torchaudio', 'torchcrepe', 'torchfcpe') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
