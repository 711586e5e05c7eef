"""Conversion engine: any song into a trained voice, at any length, without seams.

Public API (Qt-free; the CLI and the GUI's Convert page drive it)::

    extractors = Extractors(pitch=create_pitch_extractor("fcpe"), ppg=whisper, vec=hubert,
                            speaker=SpeakerEncoder())          # loaded by the caller
    converter = VoiceConverter(voice, extractors, device="cpu")  # checks the extractor set
    gen = converter.convert(wave, rate, ConvertOptions(key=2), cancel=threading.Event())
    for progress in gen: ...                                    # ConvertProgress
    result = <StopIteration.value>                              # ConvertResult (or run_to_end(gen))

Pipeline for one input (everything at the model's 10 ms frames, N = ceil(T·32000/rate / 320)):

1. audio to 16 kHz mono, zero-padded to N frames (the output is trimmed back to the input's
   length at 32 kHz);
2. F0 of the whole song with the chosen extractor (``models.features.pitch``: range, confidence median,
   octave-jump guard and edge-preserving smoothing all happen there, once); key shift by
   ``key`` semitones, or automatic key from the voice's F0 statistics (whole semitones or
   octaves); unvoiced frames get an interpolated pitch (the reference's inference) or stay
   at 0 Hz (``unvoiced="zero"``: coarse bin 1 and a noise excitation, as in training);
3. content features (PPG, units) of the whole song at 50 Hz, window by window as
   :meth:`models.features.content.base.ContentEncoder.plan` cuts it (the one place that windows
   encoders), with progress and cancel between windows;
4. synthesis in chunks of ``chunk_s`` seconds with ``context_s`` of extra frames on each side
   (the prior's attention sees the whole chunk, so cost is flat with length and memory is
   bounded), trimmed and joined by an equal-gain crossfade of ``crossfade_s``. The NSF
   excitation is phase-continuous across chunks: each chunk's harmonic source starts at the
   exact phase the whole-song source would have there (see :func:`chunk_source`), so chunks
   agree where they overlap;
5. optional silence gate: regions that silero-vad (shipped with its weights) calls non-speech
   and that carry no pitch (±100 ms) are muted with 10 ms ramps, so noise in gaps is not turned
   into voice while long sung vowels a speech VAD may miss stay; optional loudness match to the
   source (RMS of its active frames, peak-limited);
6. the quality report (:mod:`models.convert.report`).

Errors are :class:`ConvertError` (message names the input and the problem); a cancel raises
:class:`ConvertCancelled`. Nothing here writes files: :func:`models.convert.files.write_audio` does,
atomically.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from models.config import _Serialisable
from models.convert.post import GATE_VOICED_PAD, apply_gate, dilate, match_loudness, speech_mask
from models.features.pitch import PitchExtractor, interpolate_unvoiced

PITCH_WINDOW_S = 60.0  # F0 is extracted in windows of this length (bounded memory) ...
PITCH_CONTEXT_S = 2.0  # ... each with this much extra audio on both sides, discarded
OUTPUT_SAMPLE_RATE = 32000  # the model's rate (AudioConfig.sample_rate); every output is at this rate
MAX_INPUT_S = 30 * 60.0  # longer inputs are refused: split them (features alone would need GBs)
MIN_INPUT_S = 0.1
KEY_LIMIT = 48.0  # semitones either way (four octaves)
MAX_NOISE_SCALE = 10.0  # reference 1.0; far above it the prior's sample is noise
MIN_CHUNK_S, MAX_CHUNK_S = 1.0, 3600.0
MAX_CONTEXT_S = 10.0
MAX_SECONDS = 24 * 3600.0  # any duration option: finite and at most a day
MAX_SEED = 2**64 - 1  # torch generators take 64-bit seeds


class ConvertError(ValueError):
    """A conversion that cannot run: bad input, mismatched voice and extractors, bad options."""


class OptionError(ValueError):
    """An option of :class:`ConvertOptions` out of its range; ``option`` is the field's name (the
    CLI names its flag, the app its control)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


class ConvertCancelled(RuntimeError):
    """The cancel event was set; nothing was produced."""


UNVOICED_MODES = ("interpolate", "zero")
AUTO_KEY_MODES = ("off", "semitones", "octaves")


@dataclass(frozen=True)
class ConvertOptions(_Serialisable):
    """How to convert (JSON round-trip with ``to_dict``/``from_dict``; unknown keys raise).

    Attributes:
        key: transpose in semitones (ignored when ``auto_key`` is not "off").
        auto_key: "off", "semitones" (shift the source's median F0 to the voice's, rounded to whole
            semitones) or "octaves" (same, rounded to whole octaves).
        f0_method: pitch extractor name, or "auto" (the voice's own if it is a known extractor
            that runs well on this device, else the device default).
        unvoiced: "interpolate" (the reference: every frame gets a pitch) or "zero".
        noise_scale: prior sampling noise (reference 1.0; 0 gives the prior mean).
        deterministic: no random draw at all (prior mean, fixed-phase noiseless source): tests.
        seed: seed of the random draws when not deterministic (same seed, same audio).
        chunk_s: synthesis chunk length in seconds (0: the whole input at once; memory grows
            with the square of the length).
        context_s: extra seconds synthesised on each side of a chunk and discarded.
        crossfade_s: length of the crossfade at each join.
        silence_gate: mute regions silero-vad calls non-speech.
        gate_threshold: silero-vad speech probability threshold.
        match_loudness: scale the output to the source's RMS (active frames), peak-limited.
        report: compute the quality report (F0 error, voicing agreement, speaker similarity).
        report_max_s: the speaker-similarity part of the report looks at most this much audio.
        max_input_s: refuse longer inputs.
    """

    key: float = 0.0
    auto_key: str = "off"
    f0_method: str = "auto"
    unvoiced: str = "interpolate"
    noise_scale: float = 1.0
    deterministic: bool = False
    seed: int = 1234
    chunk_s: float = 10.0
    context_s: float = 0.5
    crossfade_s: float = 0.1
    silence_gate: bool = False
    gate_threshold: float = 0.35
    match_loudness: bool = False
    report: bool = True
    report_max_s: float = 60.0
    max_input_s: float = MAX_INPUT_S

    def __post_init__(self) -> None:
        """Refuses every option outside its range, NaN and infinities included (the CLI and the app
        both build their options here, so they share this rule). Messages name the option in words,
        never a command-line flag: the app shows them too."""
        if self.auto_key not in AUTO_KEY_MODES:
            raise ValueError(f"auto_key must be one of {', '.join(AUTO_KEY_MODES)}, not {self.auto_key!r}")
        if self.unvoiced not in UNVOICED_MODES:
            raise ValueError(f"unvoiced must be one of {', '.join(UNVOICED_MODES)}, not {self.unvoiced!r}")
        if not isinstance(self.f0_method, str):
            raise ValueError(f"the pitch method must be a name, not {self.f0_method!r}")
        for name in ("deterministic", "silence_gate", "match_loudness", "report"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name} must be true or false, not {getattr(self, name)!r}")
        _check_number("key", "the key", self.key, -KEY_LIMIT, KEY_LIMIT, "semitones")
        _check_number("noise_scale", "the noise scale", self.noise_scale, 0.0, MAX_NOISE_SCALE)
        _check_number("chunk_s", "the chunk length", self.chunk_s, 0.0, MAX_CHUNK_S, "s")
        if 0 < self.chunk_s < MIN_CHUNK_S:
            raise OptionError(
                "chunk_s", f"the chunk length must be at least {MIN_CHUNK_S:g} s (or 0 for no chunking)"
            )
        _check_number("context_s", "the chunk context", self.context_s, 0.0, MAX_CONTEXT_S, "s")
        _check_number("crossfade_s", "the crossfade", self.crossfade_s, 0.0, 2 * MAX_CONTEXT_S, "s")
        if self.chunk_s and self.crossfade_s / 2 > self.context_s:
            raise OptionError("crossfade_s", "half the crossfade must not exceed the chunk context")
        _check_number("gate_threshold", "the silence gate threshold", self.gate_threshold, 0.0, 1.0)
        _check_number(
            "report_max_s", "the report's length", self.report_max_s, 0.0, MAX_SECONDS, "s", low_open=True
        )
        _check_number(
            "max_input_s", "the input length limit", self.max_input_s, 0.0, MAX_SECONDS, "s", low_open=True
        )
        seed = self.seed
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise OptionError("seed", f"the seed must be a whole number, not {seed!r}")
        if not 0 <= int(seed) <= MAX_SEED:
            raise OptionError("seed", f"the seed must be a whole number from 0 to 2^64 − 1, not {seed}")


def _check_number(
    option: str, what: str, value: Any, low: float, high: float, unit: str = "", low_open: bool = False
) -> None:
    """Raises :class:`OptionError` for ``option`` unless ``value`` is a real, finite number within
    [low, high] (or (low, high] with ``low_open``); the message says what, the range and the value,
    in one line."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    if ok:
        number = float(value)
        ok = math.isfinite(number) and (number > low if low_open else number >= low) and number <= high
    if not ok:
        unit = f" {unit}" if unit else ""
        span = f"above {low:g}" if low_open else f"from {low:g}"
        raise OptionError(option, f"{what} must be a finite number {span} to {high:g}{unit}, not {value!r}")


@dataclass(frozen=True)
class ConvertProgress:
    """One step of a conversion.

    Attributes:
        stage: "pitch", "content", "synthesis", "post" or "report".
        done: units finished in this stage (windows, chunks).
        total: units in this stage.
        fraction: overall progress in [0, 1] (stage weights are rough cost shares).
        elapsed_s: seconds since the conversion started.
        message: a short human-readable line.
    """

    stage: str
    done: int
    total: int
    fraction: float
    elapsed_s: float
    message: str = ""


@dataclass
class ConvertResult:
    """What a conversion produced.

    Attributes:
        audio: (T,) float32 at ``sample_rate``; T equals the input's duration at 32 kHz.
        sample_rate: 32000.
        source_f0: (N,) F0 of the input in Hz per 10 ms frame, 0 where unvoiced.
        target_f0: (N,) F0 fed to the model (shifted; unvoiced frames filled or 0 per options).
        intended_f0: (N,) shifted source F0, 0 where the source is unvoiced (what the output should sing).
        key: the semitone shift applied (the automatic one when auto_key was used).
        report: the quality report, or ``None`` when not requested.
        notes: warnings worth showing (e.g. a pitch extractor other than the voice's).
        timings: seconds per stage.
    """

    audio: np.ndarray
    sample_rate: int
    source_f0: np.ndarray
    target_f0: np.ndarray
    intended_f0: np.ndarray
    key: float
    report: Any = None
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Extractors:
    """The feature extractors conversion uses (loaded by the caller, e.g. from an AssetStore).

    Attributes:
        pitch: F0 extractor.
        ppg: PPG encoder (``None`` only if the voice takes no PPG; ours always do).
        vec: unit encoder.
        speaker: resemblyzer encoder for the report's similarity, or ``None`` (no similarity).
        weights_sha256: role ("ppg"/"vec") -> sha256 of the loaded weights, where known; checked
            against the hashes a voice recorded.
    """

    pitch: PitchExtractor
    ppg: Any
    vec: Any
    speaker: Any = None
    weights_sha256: dict[str, str] = field(default_factory=dict)


def run_to_end(
    gen: Iterator[ConvertProgress], on_progress: Callable[[ConvertProgress], None] | None = None
) -> Any:
    """Drives a conversion generator; returns its result (the ``StopIteration`` value)."""
    while True:
        try:
            item = next(gen)
        except StopIteration as stop:
            return stop.value
        if on_progress is not None:
            on_progress(item)


# ------------------------------------------------------------------------------ pure helpers


def auto_key_shift(source_f0: np.ndarray, voice_median_hz: float, mode: str) -> float:
    """Semitones that move the source's median voiced F0 to the voice's median.

    Args:
        source_f0: (N,) Hz, 0 where unvoiced.
        voice_median_hz: median F0 of the voice's training data.
        mode: "semitones" (round to whole semitones) or "octaves" (round to whole octaves).

    Returns:
        The shift in semitones (0 when the source has no voiced frame).
    """
    voiced = source_f0[source_f0 > 0]
    if voiced.size == 0 or voice_median_hz <= 0:
        return 0.0
    semis = 12.0 * math.log2(voice_median_hz / float(np.median(voiced)))
    return float(12 * round(semis / 12)) if mode == "octaves" else float(round(semis))


def target_f0(source_f0: np.ndarray, key: float, unvoiced: str) -> tuple[np.ndarray, np.ndarray]:
    """Applies the key shift and the unvoiced-frame rule.

    Returns:
        (fed, intended): ``fed`` is what the model gets (interpolated through unvoiced frames in
        "interpolate" mode), ``intended`` is the shifted F0 with 0 where the source is unvoiced.
    """
    intended = (np.asarray(source_f0, np.float64) * 2.0 ** (key / 12.0)).astype(np.float32)
    fed = interpolate_unvoiced(intended) if unvoiced == "interpolate" else intended.copy()
    return fed, intended


@dataclass(frozen=True)
class Chunk:
    """One synthesis chunk, in model frames: synthesise [start, stop), keep [keep_start, keep_stop)."""

    start: int
    stop: int
    keep_start: int
    keep_stop: int


def plan_chunks(frames: int, chunk: int, context: int, fade: int) -> list[Chunk]:
    """Cuts ``frames`` into chunks of ``chunk`` frames (the last may be longer, up to 1.5 chunks)
    with ``context`` extra frames on each side; neighbours' kept ranges overlap by ``fade`` frames
    centred on each join. ``chunk <= 0`` or a short input gives one chunk."""
    if chunk <= 0 or frames <= chunk + chunk // 2:
        return [Chunk(0, frames, 0, frames)]
    joins = list(range(chunk, frames - chunk // 2, chunk))
    bounds = [0, *joins, frames]
    half_lo, half_hi = fade // 2, fade - fade // 2
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        ks = a - half_lo if a > 0 else 0
        ke = b + half_hi if b < frames else frames
        out.append(Chunk(max(0, a - context), min(frames, b + context), ks, ke))
    return out


def chunk_source(
    m_source: torch.nn.Module,
    f0_frames: torch.Tensor,
    start_cycles: torch.Tensor,
    hop: int,
    sample_rate: int,
    deterministic: bool,
    generator: torch.Generator | None,
) -> torch.Tensor:
    """NSF excitation of one chunk, phase-continuous with the whole-song excitation.

    The harmonic source's phase for harmonic k at a sample is frac(k · P), P the fundamental's
    cycles so far (Σ f0 / sr). Prepending one sample whose frequency is frac(P₀) · sr, P₀ the
    cycles before the chunk, makes the source's own cumulative sum start every harmonic at
    frac(k · P₀) — exactly where the unchunked source would be — and that sample is dropped.
    The model's own :class:`models.nets.nn.nsf.HarmonicSource` does all the work (no second copy).

    Args:
        m_source: the decoder's ``HarmonicSource``.
        f0_frames: (1, L) Hz at the frame rate.
        start_cycles: scalar float64, P₀.
        hop: samples per frame.
        sample_rate: audio rate.
        deterministic, generator: as for the source itself.

    Returns:
        (1, 1, L · hop) excitation.
    """
    f0_audio = torch.repeat_interleave(f0_frames.float(), hop, dim=1)
    prime = (start_cycles % 1.0) * sample_rate
    primed = torch.cat([prime.to(f0_audio.dtype).reshape(1, 1).to(f0_audio.device), f0_audio], dim=1)
    return m_source(primed, deterministic=deterministic, generator=generator)[..., 1:]


def crossfade_weights(length: int) -> np.ndarray:
    """Equal-gain (sin², summing to one with its mirror) fade-in of ``length`` samples."""
    if length <= 0:
        return np.ones(0, np.float32)
    t = (np.arange(length, dtype=np.float64) + 0.5) / length
    return (np.sin(0.5 * np.pi * t) ** 2).astype(np.float32)


# ------------------------------------------------------------------------------ the converter


class VoiceConverter:
    """Converts audio into one voice.

    Args:
        voice: a loaded :class:`models.formats.artifact.Voice` (ours or an imported so-vits-svc-5.0 voice).
        extractors: the feature extractors; checked against what the voice was trained with.
        device: where the generator runs (the extractors were placed by the caller).

    Raises:
        ConvertError: the content encoders are not the voice's (name, output size, weights hash).
    """

    def __init__(self, voice: Any, extractors: Extractors, device: torch.device | str = "cpu") -> None:
        self.voice = voice
        self.extractors = extractors
        self.device = torch.device(device)
        self.config = voice.config
        self.generator = voice.generator.to(self.device).eval()
        self.notes = check_extractors(voice, extractors)

    @property
    def name(self) -> str:
        return str(self.voice.manifest.name)

    # -------------------------------------------------------------- frame-level synthesis

    @torch.inference_mode()
    def synthesize(
        self,
        ppg: np.ndarray,
        vec: np.ndarray,
        f0: np.ndarray,
        options: ConvertOptions,
        repeat: int = 1,
        cancel: threading.Event | None = None,
    ) -> Iterator[tuple[int, int]]:
        """Chunked synthesis from frame features (the engine's core; :meth:`convert` wraps it).

        Args:
            ppg: (M, D_ppg) content features; model frame i uses row ``i // repeat``.
            vec: (M, D_vec) likewise.
            f0: (N,) Hz at the model's frame rate, exactly what the model is fed.
            options: chunking, noise and determinism.
            repeat: model frames per content row (1 when already at the model rate, 2 at 50 Hz).
            cancel: checked before every chunk.

        Yields:
            (done, total) chunks after each chunk.

        Returns:
            (N · hop,) float32 audio (``StopIteration.value``; see :func:`run_to_end`).
        """
        a = self.config.audio
        hop, sr = a.hop_length, a.sample_rate
        n = int(len(f0))
        fps = sr / hop
        chunks = plan_chunks(
            n, round(options.chunk_s * fps), round(options.context_s * fps), round(options.crossfade_s * fps)
        )
        out = np.zeros(n * hop, dtype=np.float32)
        spk = self.voice.speaker_tensor(self.device)
        f0_64 = np.asarray(f0, dtype=np.float64)
        cycles = np.concatenate([[0.0], np.cumsum(f0_64 * hop / sr)])  # fundamental cycles before each frame
        prior_gen = torch.Generator(device=self.device)
        for i, c in enumerate(chunks):
            if cancel is not None and cancel.is_set():
                raise ConvertCancelled("conversion cancelled")
            idx = np.arange(c.start, c.stop)
            rows = np.minimum(idx // repeat, len(ppg) - 1)
            ppg_t = torch.from_numpy(np.ascontiguousarray(ppg[rows].T, dtype=np.float32))[None].to(
                self.device
            )
            rows_v = np.minimum(idx // repeat, len(vec) - 1)
            vec_t = torch.from_numpy(np.ascontiguousarray(vec[rows_v].T, dtype=np.float32))[None].to(
                self.device
            )
            f0_t = torch.from_numpy(f0_64[c.start : c.stop].astype(np.float32))[None].to(self.device)
            lengths = torch.tensor([c.stop - c.start], device=self.device)
            scale = 0.0 if options.deterministic else options.noise_scale
            prior_gen.manual_seed((int(options.seed) * 1_000_003 + i) % 2**64)  # any 64-bit seed
            z = self.generator.latent(ppg_t, vec_t, f0_t, spk, lengths, scale, prior_gen)
            # Same seed for every chunk: the overtones' random start phases are one draw per song.
            source_gen = torch.Generator(device=self.device)
            source_gen.manual_seed(int(options.seed))
            source = chunk_source(
                self.generator.dec.m_source,
                f0_t,
                torch.tensor(cycles[c.start], dtype=torch.float64),
                hop,
                sr,
                options.deterministic,
                source_gen,
            )
            audio = self.generator.dec.synthesize(z, spk, source)[0, 0].float().cpu().numpy()
            piece = audio[(c.keep_start - c.start) * hop : (c.keep_stop - c.start) * hop]
            lo, hi = c.keep_start * hop, c.keep_stop * hop
            weight = np.ones(hi - lo, dtype=np.float32)
            if i > 0:  # fade in over the overlap with the previous chunk
                fade_in = (chunks[i - 1].keep_stop - c.keep_start) * hop
                weight[:fade_in] = crossfade_weights(fade_in)
            if i < len(chunks) - 1:
                fade_out = (c.keep_stop - chunks[i + 1].keep_start) * hop
                if fade_out:
                    weight[len(weight) - fade_out :] = crossfade_weights(fade_out)[::-1]
            out[lo:hi] += piece * weight
            yield (i + 1, len(chunks))
        return out

    # -------------------------------------------------------------- whole conversion

    def convert(
        self,
        wave: np.ndarray,
        rate: int,
        options: ConvertOptions | None = None,
        cancel: threading.Event | None = None,
        name: str = "input",
    ) -> Iterator[ConvertProgress]:
        """Converts one waveform.

        Args:
            wave: (T,) or (T, channels) float audio at ``rate`` (channels are averaged).
            rate: its sample rate in Hz (any).
            options: see :class:`ConvertOptions`.
            cancel: set it to stop between windows/chunks (raises :class:`ConvertCancelled`).
            name: how errors refer to the input (e.g. its file name).

        Yields:
            :class:`ConvertProgress`.

        Returns:
            :class:`ConvertResult` (``StopIteration.value``; see :func:`run_to_end`).
        """
        from models.features.audio import resample

        options = options or ConvertOptions()
        start = time.monotonic()
        timings: dict[str, float] = {}
        wave = _check_wave(wave, rate, options, name)
        a = self.config.audio
        hop = a.hop_length
        out_len = int(round(len(wave) * a.sample_rate / rate))
        frames = -(-out_len // hop)
        wave16 = resample(wave, rate, a.feature_sample_rate)
        need16 = frames * a.feature_hop_length
        wave16 = np.pad(wave16, (0, max(0, need16 - len(wave16))))[:need16]
        weights = {"pitch": 0.1, "content": 0.3, "synthesis": 0.5, "post": 0.1}

        def progress(stage: str, done: int, total: int, message: str = "") -> ConvertProgress:
            order = list(weights)
            base = sum(weights[s] for s in order[: order.index(stage)])
            frac = base + weights[stage] * (done / max(total, 1))
            return ConvertProgress(stage, done, total, min(frac, 1.0), time.monotonic() - start, message)

        def check_cancel() -> None:
            if cancel is not None and cancel.is_set():
                raise ConvertCancelled(f"{name}: conversion cancelled")

        # 1. pitch
        t0 = time.monotonic()
        check_cancel()
        yield progress("pitch", 0, 1, "pitch")
        pitch = self._pitch_extractor(options)
        source_f0 = np.zeros(frames, np.float32)
        for done_p, total_p, piece_start, piece in extract_pitch(pitch, wave16):
            m = max(0, min(frames - piece_start, len(piece)))
            source_f0[piece_start : piece_start + m] = piece[:m]
            check_cancel()
            if done_p < total_p:
                yield progress("pitch", done_p, total_p + 1, f"pitch {done_p}/{total_p}")
        notes = list(self.notes)
        key = float(options.key)
        if options.auto_key != "off":
            stats = self.voice.manifest.f0_stats
            if stats is None:
                raise ConvertError(
                    f"voice {self.name!r} has no F0 statistics, so the key cannot be set "
                    f"automatically; give a key in semitones instead"
                )
            key = auto_key_shift(source_f0, stats.median_hz, options.auto_key)
            if not np.any(source_f0 > 0):
                notes.append(f"{name}: no voiced frames found; automatic key left the pitch unchanged")
        fed_f0, intended_f0 = target_f0(source_f0, key, options.unvoiced)
        if not np.any(fed_f0 > 0):
            notes.append(f"{name}: no pitch found in the input; the result will be unvoiced")
        timings["pitch"] = time.monotonic() - t0
        yield progress("pitch", 1, 1, f"key {key:+g}")

        # 2. content features, window by window
        t0 = time.monotonic()
        feats: dict[str, np.ndarray] = {}
        encoders = [(r, e) for r, e in (("ppg", self.extractors.ppg), ("vec", self.extractors.vec))]
        plans = [(r, e, e.plan(len(wave16))) for r, e in encoders]
        total_windows = sum(len(p) for _, _, p in plans)
        done = 0
        for role, encoder, plan in plans:
            base = done

            def window_progress(i: int, role: str = role, base: int = base) -> ConvertProgress:
                check_cancel()
                return progress(
                    "content", base + i, total_windows, f"{role} window {base + i}/{total_windows}"
                )

            feats[role] = yield from _relay(encode_windows(encoder, wave16, plan), window_progress)
            done += len(plan)
        timings["content"] = time.monotonic() - t0

        # 3. synthesis
        t0 = time.monotonic()
        chunks = self.synthesize(
            feats["ppg"], feats["vec"], fed_f0, options, repeat=a.content_repeat, cancel=cancel
        )
        audio = yield from _relay(
            chunks, lambda dt: progress("synthesis", dt[0], dt[1], f"chunk {dt[0]}/{dt[1]}")
        )
        audio = audio[:out_len]
        del feats
        timings["synthesis"] = time.monotonic() - t0

        # 4. post-processing
        t0 = time.monotonic()
        check_cancel()
        if options.silence_gate:
            mask = speech_mask(wave16, frames, options.gate_threshold) | dilate(
                source_f0 > 0, GATE_VOICED_PAD
            )
            audio = apply_gate(audio, mask, hop, a.sample_rate)
        if options.match_loudness:
            audio = match_loudness(audio, resample(wave, rate, a.sample_rate)[:out_len])
        timings["post"] = time.monotonic() - t0
        _check_output(audio, name)
        yield progress("post", 1, 1, "done")
        result = ConvertResult(
            audio=audio.astype(np.float32),
            sample_rate=a.sample_rate,
            source_f0=source_f0,
            target_f0=fed_f0,
            intended_f0=intended_f0,
            key=key,
            notes=notes,
            timings=timings,
        )
        if options.report:
            from models.convert.report import quality_report

            t0 = time.monotonic()
            check_cancel()
            result.report = quality_report(
                result,
                wave16,
                a.feature_sample_rate,
                pitch,
                self.extractors.speaker,
                self.voice.manifest,
                options.report_max_s,
            )
            timings["report"] = time.monotonic() - t0
        return result

    def _pitch_extractor(self, options: ConvertOptions) -> PitchExtractor:
        from models.features.pitch import PITCH_EXTRACTORS, create_pitch_extractor

        if options.f0_method == "auto" or options.f0_method == self.extractors.pitch.name:
            return self.extractors.pitch
        if options.f0_method not in PITCH_EXTRACTORS:
            raise ConvertError(
                f"unknown pitch method {options.f0_method!r}; choose auto or one of "
                f"{', '.join(PITCH_EXTRACTORS)}"
            )
        return create_pitch_extractor(options.f0_method, self.config.pitch, self.extractors.pitch.device)


def extract_pitch(
    pitch: PitchExtractor,
    wave16: np.ndarray,
    window_s: float = PITCH_WINDOW_S,
    context_s: float = PITCH_CONTEXT_S,
) -> Iterator[tuple[int, int, int, np.ndarray]]:
    """F0 of a long 16 kHz input in windows, so memory stays bounded whatever the length.

    Each window is extracted with ``context_s`` of audio on each side (more than the extractors'
    receptive fields and the post-processing filters, ±12 frames), and only its interior is kept,
    so the stitched track equals a whole-input extraction except for global decoders (CREPE's
    Viterbi path may differ within a window's context).

    Yields:
        (done, total, first_frame, f0_hz) per window: the interior's F0 starting at model frame
        ``first_frame``.
    """
    hop = pitch.hop_length
    total_frames = len(wave16) // hop + 1
    step, ctx = int(window_s * pitch.sample_rate) // hop, int(context_s * pitch.sample_rate) // hop
    starts = list(range(0, total_frames - step // 2, step)) or [0]  # the last window takes the tail
    for i, a in enumerate(starts):
        b = total_frames if i == len(starts) - 1 else a + step
        lo, hi = max(0, a - ctx), min(total_frames, b + ctx)
        f0 = pitch.extract(wave16[lo * hop : hi * hop]).f0_hz
        yield i + 1, len(starts), a, np.asarray(f0[a - lo : b - lo], np.float32)


def encode_windows(encoder: Any, wave16: np.ndarray, plan: list[Any]) -> Iterator[int]:
    """The content encoder's own windowing (``encoder.plan``), one window per step, so conversion can
    report progress and honour cancel between windows.

    Yields:
        1, 2, ... after each window.

    Returns:
        (T // 320, dim) float32 features, identical to ``encoder.encode(wave16)``.
    """
    wave_t = torch.from_numpy(np.ascontiguousarray(wave16, dtype=np.float32)).to(encoder.device)
    total = encoder.frames(len(wave_t))
    out = np.zeros((total, encoder.dim), dtype=np.float32)
    hop = encoder.hop_length
    for i, win in enumerate(plan):
        stop_sample = len(wave_t) if win.stop == total and win.start == 0 else win.stop * hop
        with torch.inference_mode():
            feats = encoder.encode_window(wave_t[win.start * hop : stop_sample])
        if feats.shape[-1] != encoder.dim:
            raise ConvertError(f"{encoder.name}: gives {feats.shape[-1]}-d features, expected {encoder.dim}")
        out[win.keep_start : win.keep_stop] = (
            feats[win.keep_start - win.start : win.keep_stop - win.start].float().cpu().numpy()
        )
        yield i + 1
    return out


def _relay(gen: Iterator[Any], to_progress: Callable[[Any], ConvertProgress]) -> Any:
    """``yield from`` with each item mapped to a :class:`ConvertProgress`; returns ``gen``'s value."""
    while True:
        try:
            item = next(gen)
        except StopIteration as stop:
            return stop.value
        yield to_progress(item)


def voice_encoder_names(voice: Any) -> dict[str, str]:
    """The content encoders a voice was trained with: role ("ppg"/"vec") -> registry name.

    The manifest's record of the dataset's encoders wins when it names a known encoder; otherwise
    (imported voices record descriptive names) the voice config's ``content`` section does.
    """
    from models.features.content import ENCODERS

    cfg = voice.config.content
    names = {"ppg": cfg.ppg_encoder, "vec": cfg.vec_encoder}
    for role in names:
        recorded = (voice.manifest.content_encoders.get(role) or {}).get("name")
        if isinstance(recorded, str) and recorded in ENCODERS:
            names[role] = recorded
    return names


def check_extractors(voice: Any, extractors: Extractors) -> list[str]:
    """Refuses content encoders other than the voice's; returns notes on softer mismatches.

    Checked: the encoder's registry name against :func:`voice_encoder_names`, its output size
    against the model's input size, and (where both are known) the weights' sha256 against the
    voice's record. A different encoder code version, or a pitch extractor other than the
    training one, is allowed (F0 is in Hz either way) but noted.

    Raises:
        ConvertError: naming the voice, the role, what it was trained with and what is installed.
    """
    manifest = voice.manifest
    cfg = voice.config
    name = manifest.name
    dims = {"ppg": cfg.model.ppg_dim, "vec": cfg.model.vec_dim}
    notes = []
    for role, want_name in voice_encoder_names(voice).items():
        want_dim = dims[role]
        enc = getattr(extractors, role)
        if enc is None:
            raise ConvertError(f"voice {name!r} needs a {role} encoder ({want_name}) but none is loaded")
        if enc.name != want_name:
            raise ConvertError(
                f"voice {name!r} was trained with {role} encoder {want_name!r}, but {enc.name!r} "
                f"is installed; convert with the encoder the voice was trained with"
            )
        if int(enc.dim) != int(want_dim):
            raise ConvertError(
                f"voice {name!r} expects {want_dim}-d {role} features from {want_name!r}, but the "
                f"installed {enc.name!r} gives {enc.dim}-d (a different model size)"
            )
        record = manifest.content_encoders.get(role) or {}
        recorded, have = record.get("sha256"), extractors.weights_sha256.get(role)
        if recorded and have and recorded != have:
            raise ConvertError(
                f"voice {name!r} was trained with {want_name!r} weights sha256 {recorded[:12]}…, "
                f"but the installed file has {have[:12]}…; features would not match"
            )
        version = record.get("version")
        if version and getattr(enc, "version", None) and version != enc.version:
            notes.append(
                f"{role}: voice {name!r} was trained with {want_name} {version}; installed {enc.version}"
            )
    trained = manifest.pitch_extractor
    if trained and trained != extractors.pitch.name:
        notes.append(
            f"pitch: voice {name!r} was trained with {trained}; converting with {extractors.pitch.name}"
        )
    return notes


def _check_output(audio: np.ndarray, name: str) -> None:
    """The converter's own check of its result (``write_audio`` checks again before any write).

    Raises:
        ConvertError: a NaN or infinite sample anywhere (the model or an option went wrong; such a
            buffer would be written as full-scale noise or DC).
    """
    bad = int(np.count_nonzero(~np.isfinite(audio)))
    if bad:
        raise ConvertError(
            f"{name}: the converted audio is not finite ({bad} of {len(audio)} samples are NaN or "
            f"infinite); nothing was written"
        )


def _check_wave(wave: np.ndarray, rate: int, options: ConvertOptions, name: str) -> np.ndarray:
    wave = np.asarray(wave)
    if not isinstance(rate, (int, np.integer)) or rate < 1000 or rate > 768_000:
        raise ConvertError(f"{name}: unsupported sample rate {rate!r} Hz")
    if wave.ndim == 2:
        if wave.shape[1] > wave.shape[0]:
            raise ConvertError(f"{name}: expected (samples, channels) audio, got shape {wave.shape}")
        wave = wave.mean(axis=1)
    elif wave.ndim != 1:
        raise ConvertError(f"{name}: expected mono or (samples, channels) audio, got shape {wave.shape}")
    if wave.size == 0:
        raise ConvertError(f"{name}: contains no audio")
    if not np.issubdtype(wave.dtype, np.floating):
        raise ConvertError(f"{name}: expected float samples, got {wave.dtype}")
    wave = wave.astype(np.float32)
    if not np.all(np.isfinite(wave)):
        raise ConvertError(f"{name}: contains NaN or infinite samples")
    seconds = len(wave) / rate
    if seconds < MIN_INPUT_S:
        raise ConvertError(f"{name}: {seconds:.3f} s is too short to convert (at least {MIN_INPUT_S} s)")
    if seconds > options.max_input_s:
        raise ConvertError(
            f"{name}: {seconds / 60:.1f} minutes is longer than the limit of "
            f"{options.max_input_s / 60:.0f} minutes; split it into parts"
        )
    return wave
