"""Content encoders: real loaders on tiny random checkpoints; shapes, alignment, windowing."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.features.content import ENCODERS, load_encoder
from models.features.content.base import ContentEncoder
from models.features.content.hubert_encoder import HubertUnits
from models.formats.assets import AssetInvalid

RATE = 16000


def _noise(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(len(t))).astype(np.float32)


@pytest.fixture(scope="module")
def whisper_ppg(tiny_whisper):
    return load_encoder("whisper-large-v2", tiny_whisper, "cpu")


def test_whisper_loads_through_whisper_load_model_and_drops_last_quarter(whisper_ppg):
    assert len(whisper_ppg.encoder.blocks) == 3  # 4 - 4 // 4, as the reference cuts 32 -> 24
    assert whisper_ppg.dim == 64 and whisper_ppg.window_frames == 1500
    assert not hasattr(whisper_ppg, "decoder")


@pytest.mark.parametrize("seconds", [1.0, 31.0, 75.0])
def test_whisper_shapes_any_length(whisper_ppg, seconds):
    wave = _noise(seconds)
    feats = whisper_ppg.encode(wave)
    assert feats.shape == (len(wave) // 320, 64)
    assert np.all(np.isfinite(feats))


def test_whisper_short_clip_matches_reference_single_padded_window(whisper_ppg):
    import whisper

    wave = _noise(3.3)
    mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(torch.from_numpy(wave)), n_mels=80)
    expected = whisper_ppg.encoder(mel[None])[0, : len(wave) // 320].detach().numpy()
    np.testing.assert_allclose(whisper_ppg.encode(wave), expected, atol=1e-5)


def test_whisper_75s_equals_concatenated_window_interiors(whisper_ppg):
    """encode() is exactly its plan's window interiors, stitched (consistency of plan and encode,
    not a seam check: test_content_seams.py compares cuts with an independent window placement)."""
    wave = _noise(75.0, seed=3)
    plan = whisper_ppg.plan(len(wave))
    assert len(plan) == 3
    pieces = []
    for win in plan:
        assert win.keep_start - win.start >= (whisper_ppg.context_frames if win.start > 0 else 0)
        assert win.stop - win.keep_stop >= (whisper_ppg.context_frames if win.stop < len(wave) // 320 else 0)
        with torch.inference_mode():
            feats = whisper_ppg.encode_window(torch.from_numpy(wave[win.start * 320 : win.stop * 320]))
        pieces.append(feats[win.keep_start - win.start : win.keep_stop - win.start].numpy())
    stitched = np.concatenate(pieces)
    np.testing.assert_array_equal(whisper_ppg.encode(wave), stitched)
    # interiors tile the whole input: no truncation, no overlap
    assert plan[0].keep_start == 0 and plan[-1].keep_stop == len(wave) // 320
    assert all(a.keep_stop == b.keep_start for a, b in zip(plan, plan[1:]))


def test_window_plan_tiles_every_length():
    class Dummy(ContentEncoder):
        dim = 1
        window_frames = 50
        context_frames = 5

        def encode_window(self, wave):
            n = wave.shape[-1] // 320
            return torch.arange(n, dtype=torch.float32)[:, None]

    enc = Dummy()
    for frames in [1, 49, 50, 51, 89, 90, 91, 137, 1000]:
        plan = enc.plan(frames * 320 + 17)
        covered = np.concatenate([np.arange(w.keep_start, w.keep_stop) for w in plan])
        np.testing.assert_array_equal(covered, np.arange(frames))
        for w in plan:
            assert w.stop - w.start <= 50
            if w.start > 0:
                assert w.keep_start - w.start >= 5
            if w.stop < frames:
                assert w.stop - w.keep_stop >= 5
    # each output frame comes from the window that saw it: frame index inside that window
    out = enc.encode(np.zeros(137 * 320, np.float32))[:, 0]
    plan = enc.plan(137 * 320)
    expected = np.concatenate([np.arange(w.keep_start, w.keep_stop) - w.start for w in plan])
    np.testing.assert_array_equal(out, expected)


def test_hubert_soft_key_mapping_reproduces_bshall_units(tiny_hubert_soft):
    path, reference = tiny_hubert_soft
    enc = load_encoder("hubert-soft", path, "cpu")
    assert isinstance(enc, HubertUnits) and enc.dim == 24
    wave = _noise(2.03, seed=5)
    expected = reference.units(torch.from_numpy(wave)[None, None])[0].numpy()
    got = enc.encode(wave)
    assert got.shape == (len(wave) // 320, 24) == expected.shape
    np.testing.assert_allclose(got, expected, atol=2e-4, rtol=1e-3)


def test_hubert_soft_rejects_checkpoint_with_unknown_keys(tmp_path, tiny_hubert_soft):
    path, _ = tiny_hubert_soft
    state = torch.load(path, weights_only=True)
    state["hubert"]["module.extra.weight"] = torch.zeros(1)
    bad = tmp_path / "bad.pt"
    torch.save(state, bad)
    with pytest.raises(AssetInvalid, match="unexpected key 'extra.weight'"):  # one line naming the file
        load_encoder("hubert-soft", bad, "cpu")


@pytest.mark.parametrize("seconds", [1.0, 31.0])
def test_transformers_hubert_folder(tiny_hubert_folder, seconds):
    enc = load_encoder("hubert-transformers", tiny_hubert_folder, "cpu")
    wave = _noise(seconds, seed=7)
    feats = enc.encode(wave)
    assert feats.shape == (len(wave) // 320, 64)
    assert np.all(np.isfinite(feats))


def test_registry_roles_and_unknown_name():
    assert ENCODERS["whisper-large-v2"].role == "ppg" and ENCODERS["whisper-large-v2"].dim == 1280
    assert ENCODERS["hubert-soft"].role == "vec" and ENCODERS["hubert-soft"].dim == 256
    with pytest.raises(KeyError, match="whisper-large-v2"):
        load_encoder("whisper-huge", "x")
