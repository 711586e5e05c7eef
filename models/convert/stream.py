"""Streaming conversion: block by block, for live singing, with the offline converter's pieces.

:class:`StreamingConverter` wraps a :class:`models.convert.converter.VoiceConverter` (same voice,
same extractors, same checks) and converts a stream given in blocks of 16 kHz audio, returning
converted blocks at the model's 32 kHz. Nothing is changed in the model; each block runs the
offline pipeline on a short window (all counts in the model's 10 ms frames)::

      |<- context ->|<- search ->|<- block ->|<- crossfade ->|<- lookahead ->|   window (N frames)
                                  emitted now  kept for the     synthesised,
                                               next splice      not emitted yet

1. the new block joins a history of 16 kHz input; the window is its last N frames (zeros before
   the stream started);
2. F0 over the whole window with the voice's pitch extractor (FCPE or CREPE-tiny live; any
   registered one works); a frame's F0 is *committed* once it is at least ``lookahead`` frames
   from the window's end, and never changes after that. The key shift is applied there, and an
   unvoiced frame holds the last voiced pitch (the offline "interpolate" rule needs the future);
3. content features of the window exactly as offline: the encoders' own ``encode`` (Whisper: the
   window padded to 30 s, log-mel, encoder; HuBERT: the window), at 50 Hz, repeated to 100 Hz;
4. synthesis of the window with the NSF harmonic source started at the phase the whole stream's
   source has at the window's first frame (:func:`models.convert.chunks.chunk_source`; the
   fundamental's cycles so far are summed over committed F0 only, so every window agrees on the
   phase of every sample);
5. the splice (SOLA, as RVC does): within ``search`` samples, the offset whose first
   ``crossfade`` samples best match (normalised cross-correlation) the tail kept from the last
   block is chosen; the block is cut there and crossfaded (equal gain,
   :func:`models.convert.chunks.crossfade_weights`) into that tail.

A converted block therefore starts ``block + crossfade + lookahead + search - offset`` samples
after the input it came from: :attr:`StreamingConverter.algorithmic_latency_s` is the nominal
value (offset 0) and every :class:`StreamBlock` carries the exact input position it starts at.

Qt-free, device-free (the audio I/O is :mod:`voicecraft_desktop.core.live`). On CUDA the
generator runs under fp16 autocast (the Whisper encoder already runs in fp16 there).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from models.config import Serialisable
from models.convert.chunks import chunk_source, crossfade_weights
from models.convert.options import KEY_LIMIT, OptionError, _check_number

FEATURE_HOP = 160  # 16 kHz samples per model frame (10 ms)
BLOCK_CHOICES_S = (0.16, 0.32, 0.64)  # the block sizes the app offers (and the benchmark measures)
MAX_BLOCK_S = 2.0
MAX_CONTEXT_S = 10.0
MAX_CROSSFADE_S = 0.2
MAX_LOOKAHEAD_S = 0.2
MAX_SEARCH_S = 0.05
UNVOICED_LIVE = ("hold", "zero")
LIVE_PITCH_METHODS = ("fcpe", "crepe-tiny", "dio", "harvest")  # fast enough to run per block


@dataclass(frozen=True)
class StreamOptions(Serialisable):
    """How live conversion cuts the stream (seconds; each rounded to whole 10 ms frames).

    Attributes:
        block_s: new input per step (rounded to an even number of frames: one content frame is
            two model frames).
        context_s: extra past audio the features and the synthesis see in each window.
        crossfade_s: length of the crossfade at each splice.
        lookahead_s: frames synthesised at the window's end but not emitted yet (their F0 and
            content lack right context).
        search_s: how far the splice may move to find the best-matching offset (SOLA).
        key: transpose in semitones.
        noise_scale: prior sampling noise (as offline; 0 = the prior mean).
        deterministic: no random draw at all (tests).
        seed: seed of the random draws.
        unvoiced: "hold" (an unvoiced frame keeps the last voiced pitch: the live stand-in for the
            offline "interpolate", which needs the future) or "zero" (as offline "zero").
        decoder_context_s: the decoder (convolutional) decodes only the frames a splice can use
            plus this much before them; the prior sees the whole window.
        half: fp16 autocast on CUDA (ignored on the CPU).
    """

    block_s: float = 0.32
    context_s: float = 1.0
    crossfade_s: float = 0.04
    lookahead_s: float = 0.04
    search_s: float = 0.01
    key: float = 0.0
    noise_scale: float = 0.4
    deterministic: bool = False
    seed: int = 0
    unvoiced: str = "hold"
    decoder_context_s: float = 0.3
    half: bool = True

    def __post_init__(self) -> None:
        checks = (
            ("block_s", 0.02, MAX_BLOCK_S, "the block size", "s"),
            ("context_s", 0.0, MAX_CONTEXT_S, "the extra context", "s"),
            ("crossfade_s", 0.0, MAX_CROSSFADE_S, "the crossfade", "s"),
            ("lookahead_s", 0.0, MAX_LOOKAHEAD_S, "the lookahead", "s"),
            ("search_s", 0.0, MAX_SEARCH_S, "the splice search range", "s"),
            ("decoder_context_s", 0.0, MAX_CONTEXT_S, "the decoder context", "s"),
            ("key", -KEY_LIMIT, KEY_LIMIT, "the key shift", "semitones"),
            ("noise_scale", 0.0, 10.0, "the noise scale", ""),
        )
        for name, lo, hi, what, unit in checks:  # settings="live": the app names them as the Live page does
            _check_number(name, what, getattr(self, name), lo, hi, unit, settings="live")
        if self.unvoiced not in UNVOICED_LIVE:
            raise OptionError("unvoiced", f"unvoiced frames are 'hold' or 'zero', not {self.unvoiced!r}",
                              code="option_choice", value=str(self.unvoiced), settings="live")
        if self.crossfade_s > self.block_s:
            raise OptionError("crossfade_s", "the crossfade cannot be longer than the block",
                              code="option_crossfade_block", settings="live")

    def frames(self, seconds: float) -> int:
        return int(round(seconds * 100))

    @property
    def block_frames(self) -> int:
        return max(2, 2 * int(round(self.block_s * 50)))


@dataclass
class StreamBlock:
    """One converted block.

    Attributes:
        audio: (block · 320,) float32 at 32 kHz.
        source_start: the input sample (at 32 kHz, counted from the stream's start) its first
            sample was converted from; ``None`` for a block emitted before any input reached it.
        offset: the splice offset chosen in this block (samples, 0..search).
        f0_in: the committed input F0 of the frames committed in this step (Hz, before the key).
        seconds: processing time of the step.
    """

    audio: np.ndarray
    source_start: int | None
    offset: int
    f0_in: np.ndarray
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


class StreamingConverter:
    """Converts a stream block by block with a :class:`VoiceConverter`'s voice and extractors.

    Args:
        converter: the offline converter (its voice, extractors and device are used as they are).
        options: :class:`StreamOptions`.

    Call :meth:`process` with exactly :attr:`block_samples` samples of 16 kHz audio each time; it
    returns a :class:`StreamBlock` of ``2 · block_samples`` samples at 32 kHz. Not thread-safe:
    one thread (the live engine's model thread) calls it; :meth:`set_key` may be called from any.
    """

    def __init__(self, converter: Any, options: StreamOptions | None = None) -> None:
        self.converter = converter
        self.options = options or StreamOptions()
        o = self.options
        a = converter.config.audio
        self.hop = int(a.hop_length)
        self.sample_rate = int(a.sample_rate)
        self.repeat = int(a.content_repeat)
        if a.feature_hop_length != FEATURE_HOP or self.sample_rate != self.hop * 100:
            raise ValueError("live conversion needs the model's 10 ms frames (16 kHz features, 32 kHz audio)")
        self.block = o.block_frames
        self.fade = o.frames(o.crossfade_s)
        self.lookahead = o.frames(o.lookahead_s)
        self.search = int(round(o.search_s * self.sample_rate))
        self._search_frames = search_frames = -(-self.search // self.hop)
        self.dec_context = o.frames(o.decoder_context_s)
        need = self.block + self.fade + self.lookahead + search_frames + o.frames(o.context_s)
        self.window = need + need % 2  # an even number of frames: whole content frames
        self.block_samples = self.block * FEATURE_HOP
        self._key = float(o.key)
        self._zero = o.unvoiced == "zero"
        self._device = converter.device
        self._spk = converter.voice.speaker_tensor(self._device)
        self.reset()

    # -- state ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the stream: the next block is the first."""
        self._hist = np.zeros(self.window * FEATURE_HOP, np.float32)  # the last N frames of input
        self._frames = 0  # frames received
        self._f0_raw = np.zeros(self.window, np.float32)  # committed F0 (Hz, source key) of the window
        self._f0_fed = np.zeros(self.window, np.float64)  # committed fed F0 of the window
        self._committed = 0  # frames whose F0 is final (absolute count)
        self._cycles = 0.0  # fundamental cycles before the window's first frame
        self._last_voiced = 0.0  # last voiced fed F0 (unvoiced frames hold it)
        self._tail = np.zeros(0, np.float32)  # the previous block's crossfade tail
        self._step = 0

    def set_key(self, semitones: float) -> None:
        """Changes the key from the next committed frame on (frames already committed keep theirs)."""
        _check_number("key", "the key shift", semitones, -KEY_LIMIT, KEY_LIMIT, "semitones", settings="live")
        self._key = float(semitones)

    @property
    def key(self) -> float:
        return self._key

    @property
    def algorithmic_latency_s(self) -> float:
        """Block + crossfade + lookahead + splice search: how long after a sample enters the
        engine its converted sample leaves it, before any processing time (the offset moves it
        earlier by at most the search range)."""
        samples = (self.block + self.fade + self.lookahead) * self.hop + self.search
        return samples / self.sample_rate

    # -- one step ------------------------------------------------------------------------------

    @torch.inference_mode()
    def process(self, block16: np.ndarray) -> StreamBlock:
        """Converts one block of 16 kHz input (exactly :attr:`block_samples` samples)."""
        t_start = time.perf_counter()
        block16 = np.asarray(block16, np.float32)
        if block16.shape != (self.block_samples,):
            raise ValueError(f"expected {self.block_samples} samples of 16 kHz audio, got {block16.shape}")
        timings: dict[str, float] = {}
        n, b, hop = self.window, self.block, self.hop
        # 1. the window of input
        self._hist = np.concatenate([self._hist[self.block_samples :], block16])
        self._frames += b
        end = self._frames  # absolute frame one past the window
        first = end - n  # absolute frame of the window's first frame (negative: before the stream)
        # 2. pitch; commit the frames now far enough from the end
        t0 = time.perf_counter()
        f0 = self.converter.extractors.pitch.extract(self._hist).f0_hz[:n]
        timings["pitch"] = time.perf_counter() - t0
        shift = b  # the window moved by one block: drop its oldest frames' committed F0
        self._cycles += float(np.sum(self._f0_fed[:shift]) * hop / self.sample_rate)
        self._f0_raw = np.concatenate([self._f0_raw[shift:], np.zeros(shift, np.float32)])
        self._f0_fed = np.concatenate([self._f0_fed[shift:], np.zeros(shift, np.float64)])
        commit_to = max(0, end - self.lookahead)
        new_from = self._committed
        ratio = 2.0 ** (self._key / 12.0)
        for frame in range(max(new_from, first), commit_to):
            i = frame - first
            raw = float(f0[i])
            self._f0_raw[i] = raw
            if raw > 0 or self._zero:
                self._last_voiced = raw * ratio
            self._f0_fed[i] = self._last_voiced
        committed_now = self._f0_raw[max(new_from, first) - first : commit_to - first].copy()
        self._committed = max(self._committed, commit_to)
        # frames past the commit point (the lookahead) get their provisional F0, never kept
        fed = self._f0_fed.copy()
        last = self._last_voiced
        for i in range(commit_to - first, n):
            raw = float(f0[i]) * ratio
            last = raw if raw > 0 or self._zero else last
            fed[i] = last
        # 3. content features of the window, as offline
        t0 = time.perf_counter()
        ex = self.converter.extractors
        ppg = ex.ppg.encode(self._hist)
        vec = ex.vec.encode(self._hist)
        timings["content"] = time.perf_counter() - t0
        # 4. synthesis of the window, phase-continuous
        t0 = time.perf_counter()
        audio = self._synthesize(ppg, vec, fed)
        timings["synthesis"] = time.perf_counter() - t0
        # 5. splice
        emitted, offset = self._splice(audio)
        self._step += 1
        win_start = first * hop  # absolute 32 kHz sample of the window's first sample
        cut = (n - self.lookahead - self.fade - b) * hop - self.search + offset
        source = win_start + cut
        return StreamBlock(
            audio=emitted,
            source_start=source if source + len(emitted) > 0 else None,
            offset=offset,
            f0_in=committed_now,
            seconds=time.perf_counter() - t_start,
            timings=timings,
        )

    def _synthesize(self, ppg: np.ndarray, vec: np.ndarray, fed: np.ndarray) -> np.ndarray:
        """The window's audio: what :meth:`VoiceConverter.synthesize` does for one chunk, with the
        source's starting phase taken from the stream's committed F0."""
        conv, o, dev = self.converter, self.options, self._device
        n = self.window
        rows = np.minimum(np.arange(n) // self.repeat, len(ppg) - 1)
        rows_v = np.minimum(np.arange(n) // self.repeat, len(vec) - 1)
        ppg_t = torch.from_numpy(np.ascontiguousarray(ppg[rows].T, dtype=np.float32))[None].to(dev)
        vec_t = torch.from_numpy(np.ascontiguousarray(vec[rows_v].T, dtype=np.float32))[None].to(dev)
        f0_t = torch.from_numpy(fed.astype(np.float32))[None].to(dev)
        lengths = torch.tensor([n], device=dev)
        scale = 0.0 if o.deterministic else o.noise_scale
        prior_gen = torch.Generator(device=dev)
        prior_gen.manual_seed((int(o.seed) * 1_000_003 + self._step) % 2**64)
        source_gen = torch.Generator(device=dev)
        source_gen.manual_seed(int(o.seed))  # one draw of the overtones' start phases per stream
        gen = conv.generator
        half = o.half and dev.type == "cuda"
        # The decoder is convolutional: only the frames the splice can use, plus its context, are
        # decoded (the prior still sees the whole window).
        skip = max(0, self.window - self.lookahead - self.fade - self.block - self._search_frames - self.dec_context)
        cycles = self._cycles + float(np.sum(fed[:skip]) * self.hop / self.sample_rate)
        with torch.autocast(dev.type, dtype=torch.float16, enabled=half):
            z = gen.latent(ppg_t, vec_t, f0_t, self._spk, lengths, scale, prior_gen)[:, :, skip:]
            source = chunk_source(
                gen.dec.m_source,
                f0_t[:, skip:],
                torch.tensor(cycles, dtype=torch.float64),
                self.hop,
                self.sample_rate,
                o.deterministic,
                source_gen,
            )
            out = gen.dec.synthesize(z, self._spk, source)
        audio = np.zeros(n * self.hop, np.float32)
        audio[skip * self.hop :] = out[0, 0].float().cpu().numpy()
        return audio

    def _splice(self, audio: np.ndarray) -> tuple[np.ndarray, int]:
        """SOLA: the block cut at the best-matching offset, crossfaded into the kept tail."""
        hop, b = self.hop, self.block
        fade = self.fade * hop
        start = (self.window - self.lookahead - self.fade - b) * hop - self.search
        offset = best_offset(audio[start : start + fade + self.search], self._tail) if len(self._tail) else 0
        at = start + offset
        out = audio[at : at + b * hop].copy()
        if len(self._tail):
            w = crossfade_weights(fade)
            out[:fade] = out[:fade] * w + self._tail * w[::-1]
        self._tail = audio[at + b * hop : at + b * hop + fade].copy()
        return out, offset


def best_offset(candidates: np.ndarray, reference: np.ndarray) -> int:
    """The offset in ``[0, len(candidates) - len(reference)]`` where ``candidates`` best matches
    ``reference``: the maximum of the normalised cross-correlation (RVC's SOLA rule). 0 for a
    silent reference or candidate."""
    m = len(reference)
    span = len(candidates) - m
    if m == 0 or span <= 0:
        return 0
    x = np.asarray(candidates, np.float64)
    r = np.asarray(reference, np.float64)
    num = np.correlate(x, r, mode="valid")  # (span + 1,)
    energy = np.convolve(x * x, np.ones(m), mode="valid")
    score = num / np.sqrt(energy + 1e-8)
    return int(np.argmax(score)) if np.any(energy > 1e-12) else 0


def stream_wave(stream: StreamingConverter, wave16: np.ndarray, cancel: threading.Event | None = None) -> list[StreamBlock]:
    """Feeds a whole 16 kHz waveform through ``stream`` block by block (zero-padded to whole
    blocks, plus enough silence to flush the latency); returns every block. For tests and the
    benchmark."""
    bs = stream.block_samples
    extra = int(math.ceil(stream.algorithmic_latency_s * 16000 / bs)) + 1
    total = -(-len(wave16) // bs) + extra
    padded = np.zeros(total * bs, np.float32)
    padded[: len(wave16)] = wave16
    blocks = []
    for i in range(total):
        if cancel is not None and cancel.is_set():
            break
        blocks.append(stream.process(padded[i * bs : (i + 1) * bs]))
    return blocks
