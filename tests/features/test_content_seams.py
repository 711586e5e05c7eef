"""Content windowing checked against an independent window placement, not against its own pieces.

:meth:`models.features.content.base.ContentEncoder.encode` cuts long inputs into windows (``plan``) and
keeps each window's interior. Here the features near every cut are compared with an encoding of
the same audio cropped so that the cut lies in the middle of one single window (frame-aligned:
crop frame k is input frame ``cut - HALF + k``).

- HuBERT-type encoders (convolutional features, relative positions) are translation-invariant,
  so with enough context the two placements agree to float precision. The encoder here is a
  transformers ``HubertModel`` in the real :class:`HubertUnits`, with local-only layers (layer
  norm in the feature extractor, no transformer block: a receptive field of about ±9 frames), so
  that exact agreement is what correct windowing must give. Measured (70 s, the real geometry of
  1500-frame windows, 100 frames of context): 2.6e-7 of the features' peak within ±100 frames of
  each cut; tolerance 1e-5. Controls, each failing: no overlap (the planner with no context,
  cuts at window edges) 0.17; window audio one frame off the frame grid 1.1.
- Whisper's encoder adds an absolute positional embedding over its 30 s window, so its features
  depend on where a frame sits in the window, not only on the audio around it: with the real
  base weights, moving the window by 1 frame changes the features by 7 % (relative L2), by 50
  frames 45 %, by 500 frames about 100 % (with the positional embedding zeroed, a 1-frame move
  changes them by 4e-7: position is the whole difference). No window placement can then make the
  features near a cut equal those of another placement, with or without overlap (near the cut of
  a 40 s input: median 0.9, worst frame 5.1 relative L2 with the planner's 125 frames of context,
  0.95 and 4.3 with none); the check below is therefore an expected failure (strict: it reports
  if that ever changes), with the numbers it measures.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from models.features.audio import resample
from models.features.content import load_encoder
from models.features.content.hubert_encoder import HubertUnits

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
HOP = 320
HALF = 200  # the independent window: 400 frames (8 s) centred on the cut
COMPARE = 100  # frames compared on each side of a cut (the HuBERT context)
HUBERT_TOL = 1e-5  # of the features' peak; correct windowing measured 2.6e-7
WHISPER_TOL = 0.1  # relative L2 per frame; correct windowing measures up to 5.1 with real base weights


def _song(seconds: float) -> np.ndarray:
    """(T,) float32 at 16 kHz: the shared synthetic sung phrases (espeak lyrics), end to end."""
    parts = []
    for singer in ("s2_en_f2", "s5_it_m7"):
        for path in sorted((SHARED / "synth" / singer).glob("p*.wav")):
            wave, rate = sf.read(path, dtype="float32")
            parts += [resample(wave, rate, 16000), np.zeros(1600, np.float32)]
    song = np.concatenate(parts)
    n = int(seconds * 16000)
    assert len(song) >= n, "not enough shared audio"
    return song[:n]


def _cut_errors(encoder, wave: np.ndarray, full: np.ndarray) -> list[np.ndarray]:
    """Per cut of ``encoder.plan``: (2·COMPARE, dim) |encode(wave) - independent single window|."""
    errors = []
    for win in encoder.plan(len(wave))[1:]:
        cut = win.keep_start
        alone = encoder.encode(wave[(cut - HALF) * HOP : (cut + HALF) * HOP])
        assert len(encoder.plan(2 * HALF * HOP)) == 1
        errors.append(np.abs(full[cut - COMPARE : cut + COMPARE] - alone[HALF - COMPARE : HALF + COMPARE]))
    return errors


# ------------------------------------------------------------------------ HuBERT (translation-invariant)


@pytest.fixture(scope="module")
def local_hubert() -> HubertUnits:
    """The real HubertUnits around a transformers HubertModel with only local operations."""
    from transformers import HubertConfig, HubertModel

    torch.manual_seed(0)
    config = HubertConfig(
        hidden_size=32,
        num_hidden_layers=0,
        num_attention_heads=2,
        intermediate_size=64,
        conv_dim=(16,) * 7,
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=4,
        feat_extract_norm="layer",  # "group" normalises over the whole window: not local
    )
    return HubertUnits(HubertModel(config).eval(), "hubert-transformers")


@pytest.fixture(scope="module")
def song70() -> np.ndarray:
    return _song(70.0)


def _hubert_worst(encoder: HubertUnits, wave: np.ndarray) -> float:
    plan = encoder.plan(len(wave))
    assert len(plan) == 3  # two cuts
    full = encoder.encode(wave)
    errors = _cut_errors(encoder, wave, full)
    return max(float(e.max()) for e in errors) / float(np.abs(full).max())


def test_hubert_features_near_each_cut_match_an_independent_window(local_hubert, song70) -> None:
    worst = _hubert_worst(local_hubert, song70)
    print(f"hubert: worst |windowed - independent| near a cut {worst:.2e} of the peak")
    assert worst <= HUBERT_TOL


def test_control_hubert_cut_without_overlap_is_detected(local_hubert, song70, monkeypatch) -> None:
    monkeypatch.setattr(local_hubert, "context_frames", 0)  # the planner cuts at window edges
    worst = _hubert_worst(local_hubert, song70)
    print(f"control no overlap: {worst:.2e}")
    assert worst > 100 * HUBERT_TOL


def test_control_hubert_window_off_the_frame_grid_is_detected(local_hubert, song70, monkeypatch) -> None:
    """Every window after the first sees its audio one frame late (an off-by-one in the cut)."""
    real = local_hubert.encode_window
    calls = itertools.count()

    def late(wave: torch.Tensor) -> torch.Tensor:
        if next(calls) == 0:
            return real(wave)
        return real(torch.cat([wave[HOP:], wave.new_zeros(HOP)]))

    monkeypatch.setattr(local_hubert, "encode_window", late)
    plan = local_hubert.plan(len(song70))
    full = local_hubert.encode(song70)
    monkeypatch.undo()
    errors = _cut_errors(local_hubert, song70, full)
    worst = max(float(e.max()) for e in errors) / float(np.abs(full).max())
    print(f"control off by one frame: {worst:.2e}")
    assert len(plan) == 3 and worst > 100 * HUBERT_TOL


# ------------------------------------------------------------------------ Whisper (absolute positions)


def _whisper_worst(encoder, wave: np.ndarray) -> tuple[float, float, float]:
    """Near the cut, relative L2 per frame between the windowed and the independent encoding
    (median, worst), and the median change when a window moves by 1 frame."""
    full = encoder.encode(wave)
    (error,) = _cut_errors(encoder, wave, full)
    cut = encoder.plan(len(wave))[1].keep_start
    rel = np.linalg.norm(error, axis=1) / np.linalg.norm(full[cut - COMPARE : cut + COMPARE], axis=1)
    a = encoder.encode(wave[: 1400 * HOP])
    b = encoder.encode(wave[HOP : 1401 * HOP])
    shift = float(np.median(np.linalg.norm(a[1:] - b[:-1], axis=1) / np.linalg.norm(a[1:], axis=1)))
    print(f"near a cut: median {np.median(rel):.3f}, worst {rel.max():.3f}; a 1-frame shift: {shift:.3f}")
    return float(np.median(rel)), float(rel.max()), shift


@pytest.mark.slow  # real weights: about 40 s to build once (cached), then ~30 s of encoding on 2 cores
@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,  # only the measured difference is expected; a broken fixture still fails
    reason="Whisper features depend on the frame's position in its 30 s window (absolute positional "
    "embedding): real base, a 1-frame shift changes them by 6.5 %; near a cut they differ from an "
    "independent placement by up to 5x their norm (median 1x), with or without overlap",
)
def test_whisper_features_near_a_cut_match_an_independent_window(real_whisper_base) -> None:
    torch.set_num_threads(2)
    encoder = load_encoder("whisper-large-v2", real_whisper_base, "cpu")  # loader name: any whisper file
    _, worst, _ = _whisper_worst(encoder, _song(40.0))
    assert worst <= WHISPER_TOL


@pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="as above, with tiny random weights (same positional embedding)"
)
def test_whisper_tiny_features_near_a_cut_match_an_independent_window(tiny_whisper) -> None:
    encoder = load_encoder("whisper-large-v2", tiny_whisper, "cpu")
    _, worst, _ = _whisper_worst(encoder, _song(40.0))
    assert worst <= WHISPER_TOL


def test_whisper_window_position_is_the_whole_difference(tiny_whisper) -> None:
    """Why the Whisper check above cannot pass: with the positional embedding zeroed, moving the
    window by one frame leaves the features unchanged (real base: 6.5e-2 -> 4.0e-7), so the
    difference is the absolute position alone, not the audio around a frame (the windowing)."""
    encoder = load_encoder("whisper-large-v2", tiny_whisper, "cpu")
    wave = _song(30.0)

    def shift_change() -> float:
        a = encoder.encode(wave[: 1400 * HOP])
        b = encoder.encode(wave[HOP : 1401 * HOP])
        return float(np.median(np.linalg.norm(a[1:] - b[:-1], axis=1) / np.linalg.norm(a[1:], axis=1)))

    with_position = shift_change()
    with torch.no_grad():
        encoder.encoder.positional_embedding.zero_()
    without = shift_change()
    print(
        f"whisper tiny: 1-frame shift changes frames by {with_position:.2e}, {without:.2e} without positions"
    )
    assert with_position > 1e-2 and without < 1e-5
