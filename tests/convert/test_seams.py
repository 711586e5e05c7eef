"""Chunked synthesis has no seams: a 12 s input converted in 2 s chunks (5 joins) vs all at once.

Chunked synthesis (:meth:`models.convert.converter.VoiceConverter.synthesize`) cuts the song into chunks
with 0.5 s of context on each side, and joins neighbours by an equal-gain (sin²) crossfade of
0.1 s centred on each join; the NSF source is phase-continuous across chunks
(:func:`models.convert.chunks.chunk_source`). Two independent checks, each with controls that break
the splice (by monkeypatching :func:`models.convert.chunks.crossfade_weights`, the one function the
splice takes its weights from, where the converter looks it up: ``models.convert.converter``) and
must fail it:

1. Deterministic (prior mean, noiseless fixed-phase source): the chunked output equals the
   unchunked one sample by sample **everywhere, joins included** — away from the joins within
   ``AGREE_ATOL`` and within ±0.5 s of each join within ``JOIN_ATOL``. Here the two pieces
   meeting at a join agree with each other, so any blend that sums to one (the right fade, the
   fades swapped, a hard cut) gives the same samples; what this check catches is a blend that
   does not sum to one (fade offset by a few samples, an equal-power fade, no fade: plain
   overlap-add) and pieces that disagree (the phase-reset control).
2. Sampling (``noise_scale`` 1, a different prior draw per chunk): the pieces differ at each
   join, so here the blend itself shows. The two pieces meeting at a join are recorded (the
   decoder's output per chunk, before any splicing) and the output around the join is fitted,
   per 2 ms block, as ``a·A + (1 - a)·B``: the fit must be exact (the blend is a blend), and
   ``a`` must go from 1 (all the earlier chunk) to 0 without a step and without rising. Fades
   swapped and a hard cut step; plain overlap-add is not a blend.

Tolerances and what the correct splice and the controls measured: see the constants below.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import models.convert.converter as convert_module
from models.convert.chunks import crossfade_weights, plan_chunks
from models.convert.converter import VoiceConverter
from models.convert.options import ConvertOptions, run_to_end

RATE_IN = 44100
SR = 32000
HOP = 320
SECONDS = 12.0
CHUNK_S = 2.0
AWAY_S = 0.5
# Deterministic: the correct splice measured 7.8e-7 away from the joins and 7.2e-7 within them
# (float32 rounding; output RMS 0.66). Tolerance 1e-4 (over 100x margin); the mildest wrong
# fade, offset by 2 samples, gives 1.3e-3 near the joins (13x over it).
AGREE_ATOL = 1e-4
JOIN_ATOL = 1e-4
# Sampling: the pieces differ by RMS 2.1e-4 at the joins. The correct splice fits a·A + (1-a)·B
# to a relative residual of at most 1.0e-2, a from 1.000 to 0.000 in steps of at most 0.036
# (sin² over 3200 samples in blocks of 64: π/2 · 64/3200 = 0.031 at the steepest), never rising.
# Limits: residual 0.1, step 0.2, rise 0.01, ends within 0.02 of 1 and 0. Controls: fades swapped
# and a hard cut step by 1.0, a fade offset by 8 samples leaves a residual of 28, overlap-add 4000.
BLOCK = 64  # samples per fitted blend weight (2 ms)
BLEND_SPAN_S = 0.1  # blend fitted over ±0.1 s around each join (the overlap is ±0.05 s)
MAX_RESIDUAL = 0.1
MAX_STEP = 0.2
MAX_RISE = 0.01
END_TOL = 0.02


def _chunks(frames: int, options: ConvertOptions):
    fps = SR / HOP
    return plan_chunks(
        frames, round(options.chunk_s * fps), round(options.context_s * fps), round(options.crossfade_s * fps)
    )


def _joins(result_len: int, options: ConvertOptions) -> list[int]:
    """Sample index of each join (centre of each crossfade)."""
    chunks = _chunks(-(-result_len // HOP), options)
    return [(a.keep_stop + b.keep_start) * HOP // 2 for a, b in zip(chunks, chunks[1:])]


def _errors(whole: np.ndarray, chunked: np.ndarray, joins: list[int]) -> tuple[float, float]:
    """(max |chunked - whole| farther than AWAY_S from every join, max within AWAY_S of a join)."""
    near = np.zeros(len(whole), bool)
    for j in joins:
        near[max(0, j - int(AWAY_S * SR)) : j + int(AWAY_S * SR)] = True
    err = np.abs(whole.astype(np.float64) - chunked)
    return float(err[~near].max()), float(err[near].max())


@pytest.fixture(scope="module")
def song(helpers) -> np.ndarray:
    return helpers.sung_phrases(SECONDS, RATE_IN, seed=7)


@pytest.fixture(scope="module")
def converter(tiny_voice, tiny_extractors) -> VoiceConverter:
    torch.set_num_threads(1)
    return VoiceConverter(tiny_voice, tiny_extractors)


@pytest.fixture(scope="module")
def features(converter, song) -> tuple:
    """(ppg, vec, f0, repeat) exactly as :meth:`VoiceConverter.convert` feeds its synthesis.

    Recorded from one real conversion; the tests then run only the synthesis (where the chunks
    are joined), which keeps them fast.
    """
    real = converter.synthesize
    seen: list[tuple] = []

    def record(ppg, vec, f0, options, repeat=1, cancel=None):
        seen.append((ppg, vec, f0, repeat))
        return real(ppg, vec, f0, options, repeat=repeat, cancel=cancel)

    converter.synthesize = record
    try:
        run_to_end(converter.convert(song, RATE_IN, ConvertOptions(report=False, deterministic=True)))
    finally:
        del converter.synthesize
    assert len(seen) == 1
    return seen[0]


def _synth(converter: VoiceConverter, features: tuple, **kw) -> np.ndarray:
    """Synthesis output (N · hop,) float64 for ``ConvertOptions(**kw)``."""
    ppg, vec, f0, repeat = features
    return run_to_end(converter.synthesize(ppg, vec, f0, ConvertOptions(**kw), repeat=repeat)).astype(
        np.float64
    )


@pytest.fixture(scope="module")
def whole(converter, features) -> np.ndarray:
    return _synth(converter, features, deterministic=True, chunk_s=0)


def _shift(d: int):
    """A fade-in delayed by ``d`` samples (its reverse, the fade-out, is then ``d`` early)."""
    return lambda n: np.concatenate([np.zeros(d, np.float32), crossfade_weights(n)[: n - d]])


# Wrong fade-ins of n samples; the splice uses each one's reverse as the fade-out.
WRONG_FADES = {
    "offset by 2 samples": _shift(2),
    "offset by 8 samples": _shift(8),
    "equal-power (sin, not sin²)": lambda n: np.sqrt(crossfade_weights(n)),
    "none: plain overlap-add": lambda n: np.ones(n, np.float32),
    "fades swapped": lambda n: 1 - crossfade_weights(n),
    "none: hard cut at the join": lambda n: (np.arange(n) >= n // 2).astype(np.float32),
}
# Blends that sum to one (swapped, hard cut) give the same samples as the right fade when the
# pieces agree, so only the sampling check can see them.
DETERMINISTIC_CONTROLS = [
    "offset by 2 samples",
    "offset by 8 samples",
    "equal-power (sin, not sin²)",
    "none: plain overlap-add",
]
SAMPLING_CONTROLS = [
    "fades swapped",
    "none: hard cut at the join",
    "offset by 8 samples",
    "none: plain overlap-add",
]


def _chunked_deterministic(converter, features) -> tuple[np.ndarray, list[int]]:
    options = ConvertOptions(deterministic=True, chunk_s=CHUNK_S)
    chunked = _synth(converter, features, deterministic=True, chunk_s=CHUNK_S)
    return chunked, _joins(len(chunked), options)


def test_deterministic_chunked_equals_whole_including_joins(converter, features, whole) -> None:
    chunked, joins = _chunked_deterministic(converter, features)
    assert len(chunked) == len(whole) == round(SECONDS * SR)  # 1200 frames exactly
    assert len(joins) == 5
    away, near = _errors(whole, chunked, joins)
    print(f"seams: max |chunked - whole| away {away:.2e}, within ±{AWAY_S} s of joins {near:.2e}")
    assert away <= AGREE_ATOL, f"chunked and whole differ by {away:.2e} away from the joins"
    assert near <= JOIN_ATOL, f"chunked and whole differ by {near:.2e} near the joins"


@pytest.mark.parametrize("name", DETERMINISTIC_CONTROLS)
def test_control_wrong_fade_differs_from_whole_at_joins(
    converter, features, whole, monkeypatch, name
) -> None:
    monkeypatch.setattr(convert_module, "crossfade_weights", WRONG_FADES[name])
    chunked, joins = _chunked_deterministic(converter, features)
    away, near = _errors(whole, chunked, joins)
    print(f"control {name}: away {away:.2e}, near {near:.2e}")
    assert away <= AGREE_ATOL  # the fade only touches the joins ...
    assert near > 10 * JOIN_ATOL  # ... and there the check sees it


def test_control_phase_reset_at_each_chunk_is_detected(converter, features, whole, monkeypatch) -> None:
    real = convert_module.chunk_source
    monkeypatch.setattr(
        convert_module,
        "chunk_source",
        lambda m, f0, cycles, *a: real(m, f0, torch.zeros((), dtype=torch.float64), *a),
    )
    chunked, joins = _chunked_deterministic(converter, features)
    away, near = _errors(whole, chunked, joins)
    print(f"control phase reset: away {away:.2e}, near {near:.2e}")
    assert away > 10 * AGREE_ATOL


def _sampled_with_pieces(converter, features) -> tuple[np.ndarray, list[np.ndarray]]:
    """Chunked sampling-mode output and each chunk's decoder output (before splicing), both float64."""
    dec = converter.generator.dec
    real = dec.synthesize
    pieces: list[np.ndarray] = []

    def record(z, spk, source):
        out = real(z, spk, source)
        pieces.append(out[0, 0].float().cpu().numpy().astype(np.float64))
        return out

    dec.synthesize = record
    try:
        audio = _synth(converter, features, deterministic=False, noise_scale=1.0, seed=3, chunk_s=CHUNK_S)
    finally:
        del dec.synthesize
    return audio, pieces


def _blend_faults(audio: np.ndarray, pieces: list[np.ndarray]) -> list[str]:
    """What is wrong with each join's blend (empty: every join blends smoothly from A to B).

    Around each join, per block of BLOCK samples, the least-squares ``a`` with
    ``audio ≈ a·A + (1 - a)·B`` (A, B: the earlier and later chunk's decoder output there).
    """
    chunks = _chunks(-(-len(audio) // HOP), ConvertOptions(chunk_s=CHUNK_S))
    assert len(pieces) == len(chunks)
    span = int(BLEND_SPAN_S * SR)
    faults = []
    for i in range(1, len(chunks)):
        join = (chunks[i - 1].keep_stop + chunks[i].keep_start) * HOP // 2
        lo, hi = join - span, join + span
        a_piece = pieces[i - 1][lo - chunks[i - 1].start * HOP : hi - chunks[i - 1].start * HOP]
        b_piece = pieces[i][lo - chunks[i].start * HOP : hi - chunks[i].start * HOP]
        y, d = (audio[lo:hi] - b_piece).reshape(-1, BLOCK), (a_piece - b_piece).reshape(-1, BLOCK)
        assert np.sqrt((d * d).mean()) > 1e-5, "the pieces agree: nothing to see a blend by"
        a = (y * d).sum(1) / (d * d).sum(1)
        resid = float(np.sqrt(((y - a[:, None] * d) ** 2).sum(1) / (d * d).sum(1)).max())
        step, rise = float(np.abs(np.diff(a)).max()), float(np.diff(a).max())
        print(
            f"join {i}: a {a[0]:.3f}..{a[-1]:.3f}, step {step:.3f}, rise {rise:.3f}, residual {resid:.2e}, "
            f"rms(A - B) {np.sqrt((d * d).mean()):.2e}"
        )
        if resid > MAX_RESIDUAL:
            faults.append(f"join {i}: not a blend of the two chunks (relative residual {resid:.2e})")
        if abs(a[0] - 1) > END_TOL or abs(a[-1]) > END_TOL:
            faults.append(f"join {i}: blend runs from {a[0]:.3f} to {a[-1]:.3f}, not from 1 to 0")
        if step > MAX_STEP or rise > MAX_RISE:
            faults.append(f"join {i}: blend weight steps by {step:.3f} / rises by {rise:.3f}")
    return faults


def test_sampling_joins_blend_smoothly_from_one_chunk_to_the_next(converter, features) -> None:
    audio, pieces = _sampled_with_pieces(converter, features)
    assert _blend_faults(audio, pieces) == []


@pytest.mark.parametrize("name", SAMPLING_CONTROLS)
def test_control_wrong_fade_breaks_the_blend(converter, features, monkeypatch, name) -> None:
    monkeypatch.setattr(convert_module, "crossfade_weights", WRONG_FADES[name])
    audio, pieces = _sampled_with_pieces(converter, features)
    faults = _blend_faults(audio, pieces)
    print(f"control {name}: {faults[:1]}")
    assert len(faults) >= 5  # every join
