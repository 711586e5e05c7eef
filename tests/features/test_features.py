"""Feature pipeline: alignment to 100 Hz frames, cache keys, resume, cancel."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import soundfile as sf

from models.config import AudioConfig
from models.features.clip import FeatureCancelled, FeaturePipeline, align, extract_dataset
from models.features.content import load_encoder
from models.features.pitch import create_pitch_extractor
from models.features.speaker import SpeakerEncoder, average_embeddings

from .conftest import harmonic_tone

AUDIO = AudioConfig()


def _drain(gen):
    progress = []
    while True:
        try:
            progress.append(next(gen))
        except StopIteration as stop:
            return stop.value, progress


def test_align_repeats_content_and_fits_frames():
    n = 101
    spec = np.zeros((513, n), np.float32)
    f0 = np.arange(102, dtype=np.float32)
    ppg = np.arange(50, dtype=np.float32)[:, None] * np.ones((1, 4), np.float32)
    out = align(spec, f0, ppg, None, None, AUDIO)
    assert out.frames == n and out.f0_hz.shape == (n,) and out.ppg.shape == (n, 4) and out.vec is None
    np.testing.assert_array_equal(out.ppg[:100, 0], np.repeat(np.arange(50), 2))
    assert out.ppg[100, 0] == 49  # one model frame short: the last content frame is held
    with pytest.raises(ValueError, match="cannot cover"):
        align(spec, f0, ppg[:40], None, None, AUDIO)


@pytest.fixture
def clips(tmp_path):
    paths = []
    for i, f in enumerate([150.0, 220.0, 330.0]):
        p = tmp_path / f"c{i}.wav"
        sf.write(p, harmonic_tone(f, 2.0 + 0.37 * i, 32000), 32000)
        paths.append(p)
    return paths


@pytest.fixture(scope="module")
def encoders(tiny_whisper, tiny_hubert_soft):
    return load_encoder("whisper-large-v2", tiny_whisper), load_encoder("hubert-soft", tiny_hubert_soft[0])


def test_pipeline_extracts_aligned_features_and_caches(tmp_path, clips, encoders):
    ppg, vec = encoders
    pipe = FeaturePipeline(create_pitch_extractor("dio"), ppg, vec, SpeakerEncoder(), tmp_path / "cache")
    speaker, progress = _drain(extract_dataset(pipe, clips))
    assert [p.done for p in progress] == [1, 2, 3] and not any(p.cached for p in progress)
    assert speaker.shape == (256,) and abs(np.linalg.norm(speaker) - 1) < 1e-5
    wave, _ = sf.read(clips[1], dtype="float32")
    feats, cached = pipe.clip(wave)
    assert cached
    n = len(wave) // 320
    assert feats.frames == n and feats.spec.shape == (513, n)
    assert feats.f0_hz.shape == (n,) and feats.ppg.shape == (n, 64) and feats.vec.shape == (n, 24)
    assert np.median(feats.f0_hz[feats.f0_hz > 0]) == pytest.approx(220.0, rel=0.01)
    # a different pitch extractor recomputes only F0
    pipe2 = FeaturePipeline(create_pitch_extractor("harvest"), ppg, vec, SpeakerEncoder(), tmp_path / "cache")
    before = {p.name for p in (tmp_path / "cache").rglob("*.npy")}
    pipe2.clip(wave)
    after = {p.name for p in (tmp_path / "cache").rglob("*.npy")}
    assert len(after - before) == 1 and next(iter(after - before)).startswith("f0-")


def test_resume_after_crash_and_cancel(tmp_path, clips):
    pipe = FeaturePipeline(create_pitch_extractor("dio"), None, None, None, tmp_path / "cache")
    cancel = threading.Event()
    gen = extract_dataset(pipe, clips, cancel)
    next(gen)
    cancel.set()
    with pytest.raises(FeatureCancelled):
        _drain(gen)
    # a crash mid-write leaves only temporary names, never a truncated .npy under the final name
    (tmp_path / "cache" / "junk").mkdir()
    (tmp_path / "cache" / "junk" / ".f0-x.npy.1.2.tmp").write_bytes(b"partial")
    speaker, progress = _drain(extract_dataset(pipe, clips))
    assert speaker is None
    assert [p.cached for p in progress] == [True, False, False]


def test_damaged_cache_file_is_recomputed(tmp_path, clips):
    pipe = FeaturePipeline(create_pitch_extractor("dio"), None, None, None, tmp_path / "cache")
    wave, _ = sf.read(clips[0], dtype="float32")
    good, _ = pipe.clip(wave)
    for p in (tmp_path / "cache").rglob("f0-*.npy"):
        p.write_bytes(b"not numpy")
    again, cached = pipe.clip(wave)
    assert not cached
    np.testing.assert_array_equal(good.f0_hz, again.f0_hz)


def test_speaker_average():
    a, b = np.eye(256, dtype=np.float32)[0], np.eye(256, dtype=np.float32)[1]
    avg = average_embeddings([a, b * 5], [3.0, 1.0])
    assert np.linalg.norm(avg) == pytest.approx(1.0) and avg[0] == pytest.approx(3 / np.sqrt(10))
    with pytest.raises(ValueError):
        average_embeddings([])
    with pytest.raises(ValueError, match="silent"):
        SpeakerEncoder().embed(np.zeros(16000, np.float32))
