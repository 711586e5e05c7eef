"""Chunked synthesis has no seams: a 95 s input converted in 15 s chunks vs all at once.

Tiny preset, deterministic (prior mean, noiseless fixed-phase NSF source), so both runs are
comparable sample by sample. Acceptance: (1) away from the joins (±0.5 s) the two agree;
(2) the largest sample-to-sample jump within ±20 ms of any join is no larger than the largest
anywhere else in the chunked signal. A control run with the chunk source's phase continuity
removed must fail (1), so the test can tell a seam from none.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import models.convert as convert_module
from models.convert import ConvertOptions, run_to_end

SECONDS = 95.0
CHUNK_S = 15.0
AWAY_S = 0.5
JOIN_WINDOW_S = 0.02
AGREE_ATOL = 1e-3  # the output's RMS is ~0.5: agreement to -54 dB


def _joins(result_len: int, options: ConvertOptions) -> list[int]:
    frames = -(-result_len // 320)
    chunks = convert_module.plan_chunks(
        frames, round(options.chunk_s * 100), round(options.context_s * 100), round(options.crossfade_s * 100)
    )
    return [c.keep_start * 320 + round(options.crossfade_s * 100) * 160 for c in chunks[1:]]


def _metrics(whole: np.ndarray, chunked: np.ndarray, joins: list[int]) -> tuple[float, float, float]:
    away = np.ones(len(whole), bool)
    near = np.zeros(len(whole) - 1, bool)
    for j in joins:
        away[max(0, j - int(AWAY_S * 32000)) : j + int(AWAY_S * 32000)] = False
        near[max(0, j - int(JOIN_WINDOW_S * 32000)) : j + int(JOIN_WINDOW_S * 32000)] = True
    jumps = np.abs(np.diff(chunked))
    return float(np.max(np.abs(whole - chunked)[away])), float(jumps[near].max()), float(jumps[~near].max())


@pytest.fixture(scope="module")
def song(helpers) -> np.ndarray:
    return helpers.sung_phrases(SECONDS, 44100, seed=7)


@pytest.fixture(scope="module")
def whole(tiny_voice, tiny_extractors, song) -> np.ndarray:
    from models.convert import VoiceConverter

    torch.set_num_threads(1)
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    return run_to_end(
        conv.convert(song, 44100, ConvertOptions(deterministic=True, report=False, chunk_s=0))
    ).audio


@pytest.mark.slow
@pytest.mark.timeout(1800)  # ~80 s alone on 2 cores; the unchunked 95 s reference run is O(T²)
def test_chunked_conversion_has_no_seams(tiny_voice, tiny_extractors, song, whole) -> None:
    from models.convert import VoiceConverter

    conv = VoiceConverter(tiny_voice, tiny_extractors)
    options = ConvertOptions(deterministic=True, report=False, chunk_s=CHUNK_S)
    chunked = run_to_end(conv.convert(song, 44100, options)).audio
    assert len(chunked) == len(whole) == round(SECONDS * 32000)
    joins = _joins(len(chunked), options)
    assert len(joins) == 5
    diff_away, jump_at_joins, jump_elsewhere = _metrics(whole, chunked, joins)
    print(
        f"seams: diff away {diff_away:.2e}, jump at joins {jump_at_joins:.4f}, elsewhere {jump_elsewhere:.4f}"
    )
    assert diff_away <= AGREE_ATOL, f"chunked and whole differ by {diff_away:.2e} away from the joins"
    assert jump_at_joins <= jump_elsewhere, (
        f"join jump {jump_at_joins:.4f} > largest elsewhere {jump_elsewhere:.4f}"
    )


@pytest.mark.slow
@pytest.mark.timeout(1800)  # ~80 s alone on 2 cores; the unchunked 95 s reference run is O(T²)
def test_control_phase_reset_at_each_chunk_is_detected(
    tiny_voice, tiny_extractors, song, whole, monkeypatch
) -> None:
    from models.convert import VoiceConverter

    real = convert_module.chunk_source
    monkeypatch.setattr(
        convert_module,
        "chunk_source",
        lambda m, f0, cycles, *a: real(m, f0, torch.zeros((), dtype=torch.float64), *a),
    )
    conv = VoiceConverter(tiny_voice, tiny_extractors)
    options = ConvertOptions(deterministic=True, report=False, chunk_s=CHUNK_S)
    naive = run_to_end(conv.convert(song, 44100, options)).audio
    diff_away, _, _ = _metrics(whole, naive, _joins(len(naive), options))
    assert diff_away > 10 * AGREE_ATOL
