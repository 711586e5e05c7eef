"""Streaming conversion (models/convert/stream.py): block by block equals offline, clean splices,
phase-continuous NSF source, latency accounting. CPU, tiny voice, tiny encoders, dio pitch.

Tolerances (stated here, checked below):
- away from splices (each block's crossfade excluded), the streamed audio equals the offline
  conversion of the same WAV aligned by the position each block reports, to within 30 dB SNR per
  block, measured on the sample-to-sample differences (the random voice's output has a large DC
  offset); a 3-sample misalignment drops below 30 dB (the control);
- no splice makes a sample step larger than the largest step of the signal within ±50 ms of it;
  a splice cut without crossfade at a wrong offset does (control).

The tiny random voice's output is dominated by its NSF source (replacing one second of input
changes the offline output by about -43 dB), so these checks mostly test alignment, F0, phase and
splicing; the content features' own dependence on the window is measured in the report.
"""

from __future__ import annotations

import numpy as np
import pytest

import models.convert.stream as stream_mod
from models.convert.converter import VoiceConverter
from models.convert.options import ConvertOptions, OptionError, run_to_end
from models.convert.stream import StreamingConverter, StreamOptions, best_offset, stream_wave

HOP = 320
SNR_TOLERANCE_DB = 30.0


def _options(**kw) -> StreamOptions:
    base = dict(block_s=0.32, context_s=0.6, crossfade_s=0.04, lookahead_s=0.04, search_s=0.01,
                deterministic=True, unvoiced="zero")
    base.update(kw)
    return StreamOptions(**base)


@pytest.fixture(scope="module")
def converter(tiny_voice, tiny_extractors):
    return VoiceConverter(tiny_voice, tiny_extractors)


@pytest.fixture(scope="module")
def source_converter(tmp_path_factory, tiny_extractors, helpers):
    """A tiny voice whose decoder returns its NSF excitation unchanged: a smooth, periodic,
    phase-critical signal on which a bad splice shows (the random voices' output is a DC offset
    plus white-ish noise, where no splice could show)."""
    voice = helpers.make_voice(tmp_path_factory.mktemp("source-voice") / "v", seed=5)
    voice.generator.dec.synthesize = lambda z, spk, source: 0.5 * source
    return VoiceConverter(voice, tiny_extractors)


@pytest.fixture(scope="module")
def song(helpers):
    return helpers.sung_phrases(3.0, 16000, seed=3)


@pytest.fixture(scope="module")
def offline(converter, song):
    opts = ConvertOptions(deterministic=True, unvoiced="zero", silence_gate=False, match_loudness=False,
                          report=False)
    return run_to_end(converter.convert(song, 16000, opts)).audio


@pytest.fixture(scope="module")
def streamed(converter, song):
    s = StreamingConverter(converter, _options())
    return s, stream_wave(s, song)


def _block_snrs(s, blocks, offline, shift=0):
    fade = s.fade * HOP
    snrs = []
    for bl in blocks:
        if bl.source_start is None or bl.source_start < 0:
            continue
        start = bl.source_start + fade + shift
        part = bl.audio[fade:]
        if start < 0 or start + len(part) > len(offline):
            continue
        # on sample differences: the random voice's output carries a large DC offset that would
        # otherwise dominate the signal's energy and hide any error
        ref = np.diff(offline[start : start + len(part)])
        err = np.diff(part) - ref
        snrs.append(10 * np.log10(np.sum(ref**2) / max(np.sum(err**2), 1e-20)))
    return np.array(snrs)


def test_streamed_equals_offline_away_from_splices(streamed, offline):
    s, blocks = streamed
    snrs = _block_snrs(s, blocks, offline)
    assert len(snrs) >= 6
    assert snrs.min() >= SNR_TOLERANCE_DB, snrs
    # control: the same comparison misaligned by 3 samples fails it
    assert _block_snrs(s, blocks, offline, shift=3).min() < SNR_TOLERANCE_DB


def _splice_steps(audio, block, radius=1600):
    """(step at each splice, largest step of the signal within ±radius samples, splice excluded)."""
    d = np.abs(np.diff(audio))
    out = []
    for p in range(block, len(audio) - radius, block):
        at = d[p - 1]
        near = np.concatenate([d[p - radius : p - 2], d[p + 1 : p + radius]]).max()
        out.append((at, near))
    return np.array(out)


def test_splices_have_no_step_larger_than_the_signal(source_converter, song):
    s = StreamingConverter(source_converter, _options())
    audio = np.concatenate([b.audio for b in stream_wave(s, song)])
    steps = _splice_steps(audio, s.block * HOP)
    assert len(steps) >= 8
    assert np.all(steps[:, 0] <= steps[:, 1]), steps


def test_broken_splice_is_caught(source_converter, song, monkeypatch):
    """Control: cutting every other block 53 samples late (a splice that jumps, as a wrong
    offset does), without a crossfade, must show as a step."""

    def broken(self, audio):
        hop, b = self.hop, self.block
        at = (self.window - self.lookahead - self.fade - b) * hop - self.search + 53 * (self._step % 2)
        return audio[at : at + b * hop].copy(), 0

    monkeypatch.setattr(StreamingConverter, "_splice", broken)
    s = StreamingConverter(source_converter, _options())
    audio = np.concatenate([b.audio for b in stream_wave(s, song[:32000])])
    steps = _splice_steps(audio, s.block * HOP)
    assert np.any(steps[:, 0] > steps[:, 1]), steps


def _captured_sources(converter, song, monkeypatch, reset_phase=False):
    """Every block's NSF excitation, placed on the stream's sample axis."""
    seen = []
    real = stream_mod.chunk_source

    def spy(m_source, f0, cycles, hop, sr, det, gen):
        if reset_phase:
            cycles = cycles * 0
        out = real(m_source, f0, cycles, hop, sr, det, gen)
        seen.append(out[0, 0].float().numpy().copy())
        return out

    monkeypatch.setattr(stream_mod, "chunk_source", spy)
    s = StreamingConverter(converter, _options())
    starts = []
    bs = s.block_samples
    for i in range(len(song) // bs):
        s.process(song[i * bs : (i + 1) * bs])
        end = s._frames
        skip = max(0, s.window - s.lookahead - s.fade - s.block - s._search_frames - s.dec_context)
        starts.append(((end - s.window + skip) * HOP, (end - s.lookahead) * HOP))
    return s, [(a, x, c) for (a, c), x in zip(starts, seen)]


def _overlap_error(placed):
    """Largest difference of consecutive blocks' excitations where both windows hold committed F0
    (the earlier window's frames past its commit point were provisional)."""
    worst = 0.0
    for (a0, x0, committed), (a1, x1, _) in zip(placed[:-1], placed[1:]):
        lo, hi = max(a0, a1, 0), min(a0 + len(x0), a1 + len(x1), committed)
        if hi > lo:
            worst = max(worst, float(np.abs(x0[lo - a0 : hi - a0] - x1[lo - a1 : hi - a1]).max()))
    return worst


def test_nsf_phase_continuous_across_blocks(converter, song, monkeypatch):
    """Where two blocks' windows overlap (on committed F0) their excitations agree sample for
    sample, i.e. every block starts the harmonic source at the whole stream's phase."""
    s, placed = _captured_sources(converter, song[:40000], monkeypatch)
    worst = _overlap_error(placed)
    assert worst < 1e-4
    # control: restarting the phase in every block breaks the agreement
    monkeypatch.undo()
    s, placed = _captured_sources(converter, song[:40000], monkeypatch, reset_phase=True)
    assert _overlap_error(placed) > 0.01  # the excitation itself peaks near 0.1


def test_latency_accounting(converter, helpers):
    """A note starting at t0 comes out at t0 + the reported algorithmic latency (± one block),
    counting the output stream from the moment the first block was complete."""
    opts = _options()
    t0 = 0.75
    burst = np.zeros(int(2.2 * 16000), np.float32)
    burst[int(t0 * 16000) :] = helpers.harmonic_tone(220.0, 2.2 - t0, 16000)[: len(burst) - int(t0 * 16000)]
    silent = np.zeros_like(burst)
    runs = []
    for wave in (burst, silent):
        s = StreamingConverter(converter, opts)
        runs.append(np.concatenate([b.audio for b in stream_wave(s, wave)]))
    diff = np.abs(runs[0] - runs[1])
    onset = int(np.argmax(diff > 0.05 * diff.max()))  # first converted sample the note changed
    block = s.block * HOP
    measured = (onset + block) / 32000 - t0  # output sample j plays when block j // B + 1 is in
    assert abs(measured - s.algorithmic_latency_s) <= block / 32000, (measured, s.algorithmic_latency_s)


def test_best_offset_finds_the_shift():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(1000).astype(np.float32)
    assert best_offset(x[:400], x[37:37 + 100]) == 37
    assert best_offset(np.zeros(400), np.zeros(100)) == 0


@pytest.mark.parametrize(
    "field,value",
    [("block_s", 0.0), ("block_s", 5.0), ("crossfade_s", 0.5), ("key", 60.0), ("unvoiced", "x"),
     ("context_s", float("nan"))],
)
def test_options_refuse_bad_values(field, value):
    with pytest.raises(OptionError) as err:
        StreamOptions(**{field: value})
    assert err.value.option == field
