"""Conversion engine: any song into a trained voice, at any length, without seams.

Public API (Qt-free; the CLI and the GUI's Convert page drive it)::

    extractors = Extractors(pitch=create_pitch_extractor("fcpe"), ppg=whisper, vec=hubert,
                            speaker=SpeakerEncoder())          # loaded by the caller
    converter = VoiceConverter(voice, extractors, device="cpu")  # checks the extractor set
    gen = converter.convert(wave, rate, ConvertOptions(key=2), cancel=threading.Event())
    for progress in gen: ...                                    # ConvertProgress
    result = <StopIteration.value>                              # ConvertResult (or run_to_end(gen))

The pieces live beside it: :mod:`models.convert.options` (options, progress, result, errors),
:mod:`models.convert.extractors` (the extractor set and its check), :mod:`models.convert.key`
(automatic key, fed F0), :mod:`models.convert.chunks` (chunk plan, NSF phase, crossfade).

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
   encoders), with progress and cancel between windows; with ``retrieval_ratio`` > 0 each role's
   rows are then pulled toward their nearest rows in the voice's index
   (:mod:`models.features.retrieval`, the reference's ``--enable-retrieval``; row by row, so it is
   applied once at the encoders' 20 ms frames, before the rows are repeated to the model's frames);
4. synthesis in chunks of ``chunk_s`` seconds with ``context_s`` of extra frames on each side
   (the prior's attention sees the whole chunk, so cost is flat with length and memory is
   bounded), trimmed and joined by an equal-gain crossfade of ``crossfade_s``. The NSF
   excitation is phase-continuous across chunks: each chunk's harmonic source starts at the
   exact phase the whole-song source would have there (see
   :func:`models.convert.chunks.chunk_source`), so chunks agree where they overlap;
5. optional silence gate: regions that silero-vad (shipped with its weights) calls non-speech
   and that carry no pitch (±100 ms) are muted with 10 ms ramps, so noise in gaps is not turned
   into voice while long sung vowels a speech VAD may miss stay; optional loudness match to the
   source (RMS of its active frames, peak-limited);
6. the quality report (:mod:`models.convert.report`).

Errors are :class:`~models.convert.options.ConvertError` (message names the input and the
problem); a cancel raises :class:`~models.convert.options.ConvertCancelled`. Nothing here writes
files: :func:`models.convert.files.write_audio` does, atomically.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch

from models.convert.chunks import chunk_source, crossfade_weights, plan_chunks
from models.convert.extractors import Extractors, check_extractors
from models.convert.key import auto_key_shift, target_f0
from models.convert.options import (
    MIN_INPUT_S,
    ConvertCancelled,
    ConvertError,
    ConvertOptions,
    ConvertProgress,
    ConvertResult,
)
from models.convert.post import GATE_VOICED_PAD, apply_gate, dilate, match_loudness, speech_mask
from models.devices import DeviceUnavailable, resolve_device
from models.errors import Message
from models.features.pitch import PitchExtractor

PITCH_WINDOW_S = 60.0  # F0 is extracted in windows of this length (bounded memory) ...
PITCH_CONTEXT_S = 2.0  # ... each with this much extra audio on both sides, discarded
EDITABLE_MAX_S = 15 * 60.0  # keep_features keeps the features of songs up to this long (memory)


class VoiceConverter:
    """Converts audio into one voice.

    Args:
        voice: a loaded :class:`models.formats.artifact.Voice` (ours or an imported so-vits-svc-5.0 voice).
        extractors: the feature extractors; checked against what the voice was trained with.
        device: where the generator runs (the extractors were placed by the caller); checked by
            :func:`models.devices.resolve_device` (``None``: CUDA when available, else the CPU).

    Raises:
        ConvertError: the content encoders are not the voice's (name, output size, weights hash), or
            the device does not exist on this machine.
    """

    def __init__(self, voice: Any, extractors: Extractors, device: torch.device | str = "cpu") -> None:
        self.voice = voice
        self.extractors = extractors
        try:
            self.device = resolve_device(device)
        except DeviceUnavailable as exc:
            raise ConvertError(str(exc)) from None
        self.config = voice.config
        self.generator = voice.generator.to(self.device).eval()
        self.notes = check_extractors(voice, extractors)
        self._indexes: dict[str, Any] | None = None  # the voice's retrieval indexes, loaded when first used

    @property
    def name(self) -> str:
        return str(self.voice.manifest.name)

    def retrieval_indexes(self) -> dict[str, Any]:
        """The voice's retrieval indexes (role -> faiss index), loaded once and checked against the
        voice: feature widths, content encoders and the voice's id.

        Raises:
            ConvertError: the voice has no index, or it is unreadable or another voice's.
        """
        if self._indexes is None:
            from models.convert.retrieval_audio import retrieval_specs
            from models.features.retrieval import RetrievalError, has_indexes, load_voice_indexes

            if not has_indexes(self.voice.folder):
                raise ConvertError(
                    f"voice {self.name!r} has no retrieval index; build one for it, or set the "
                    f"retrieval ratio to 0"
                )
            try:
                self._indexes = load_voice_indexes(self.voice.folder, retrieval_specs(self.voice))
            except RetrievalError as exc:
                raise ConvertError(f"voice {self.name!r}: {exc}") from None
        return self._indexes

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
        edges: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> Iterator[tuple[int, int]]:
        """Chunked synthesis from frame features (the engine's core; :meth:`convert` wraps it).

        Args:
            ppg: (M, D_ppg) content features; model frame i uses row ``i // repeat``.
            vec: (M, D_vec) likewise.
            f0: (N,) Hz at the model's frame rate, exactly what the model is fed.
            options: chunking, noise and determinism.
            repeat: model frames per content row (1 when already at the model rate, 2 at 50 Hz).
            cancel: checked before every chunk.
            edges: when given, filled with each chunk's weighted samples over its fade-in and its
                fade-out (what :meth:`resynthesize` needs to splice a re-run chunk exactly).

        Yields:
            (done, total) chunks after each chunk.

        Returns:
            (N · hop,) float32 audio (``StopIteration.value``; see :func:`run_to_end`).
        """
        a = self.config.audio
        hop = a.hop_length
        n = int(len(f0))
        chunks = self.chunk_plan(n, options)
        out = np.zeros(n * hop, dtype=np.float32)
        f0_64 = np.asarray(f0, dtype=np.float64)
        for i, c in enumerate(chunks):
            if cancel is not None and cancel.is_set():
                raise ConvertCancelled("conversion cancelled")
            part = self._chunk_part(chunks, i, ppg, vec, f0_64, options, repeat)
            out[c.keep_start * hop : c.keep_stop * hop] += part
            if edges is not None:
                edges[i] = _edges(chunks, i, part, hop)
            yield (i + 1, len(chunks))
        return out

    def chunk_plan(self, frames: int, options: ConvertOptions) -> list[Any]:
        """The chunks :meth:`synthesize` cuts ``frames`` model frames into for these options."""
        fps = self.config.audio.sample_rate / self.config.audio.hop_length
        return plan_chunks(
            frames, round(options.chunk_s * fps), round(options.context_s * fps), round(options.crossfade_s * fps)
        )

    def _chunk_part(
        self,
        chunks: list[Any],
        i: int,
        ppg: np.ndarray,
        vec: np.ndarray,
        f0_64: np.ndarray,
        options: ConvertOptions,
        repeat: int,
    ) -> np.ndarray:
        """Chunk ``i`` synthesised with its context, its kept samples weighted by the crossfades:
        a function of the chunk's own frames (content, F0), the cycles of F0 before it and the
        seed only, so re-running it gives the same samples."""
        a = self.config.audio
        hop, sr = a.hop_length, a.sample_rate
        c = chunks[i]
        spk = self.voice.speaker_tensor(self.device)
        generator = self._generator(options)
        # fundamental cycles before the chunk, summed exactly as over the whole song
        start_cycles = float(np.cumsum(f0_64[: c.start] * hop / sr)[-1]) if c.start else 0.0
        idx = np.arange(c.start, c.stop)
        rows = np.minimum(idx // repeat, len(ppg) - 1)
        ppg_t = torch.from_numpy(np.ascontiguousarray(ppg[rows].T, dtype=np.float32))[None].to(self.device)
        rows_v = np.minimum(idx // repeat, len(vec) - 1)
        vec_t = torch.from_numpy(np.ascontiguousarray(vec[rows_v].T, dtype=np.float32))[None].to(self.device)
        f0_t = torch.from_numpy(f0_64[c.start : c.stop].astype(np.float32))[None].to(self.device)
        lengths = torch.tensor([c.stop - c.start], device=self.device)
        scale = 0.0 if options.deterministic else options.noise_scale
        prior_gen = torch.Generator(device=self.device)
        prior_gen.manual_seed((int(options.seed) * 1_000_003 + i) % 2**64)  # any 64-bit seed
        z = generator.latent(ppg_t, vec_t, f0_t, spk, lengths, scale, prior_gen)
        # Same seed for every chunk: the overtones' random start phases are one draw per song.
        source_gen = torch.Generator(device=self.device)
        source_gen.manual_seed(int(options.seed))
        source = chunk_source(
            generator.dec.m_source,
            f0_t,
            torch.tensor(start_cycles, dtype=torch.float64),
            hop,
            sr,
            options.deterministic,
            source_gen,
        )
        audio = generator.dec.synthesize(z, spk, source)[0, 0].float().cpu().numpy()
        piece = audio[(c.keep_start - c.start) * hop : (c.keep_stop - c.start) * hop]
        weight = np.ones(len(piece), dtype=np.float32)
        if i > 0:  # fade in over the overlap with the previous chunk
            fade_in = (chunks[i - 1].keep_stop - c.keep_start) * hop
            weight[:fade_in] = crossfade_weights(fade_in)
        if i < len(chunks) - 1:
            fade_out = (c.keep_stop - chunks[i + 1].keep_start) * hop
            if fade_out:
                weight[len(weight) - fade_out :] = crossfade_weights(fade_out)[::-1]
        return piece * weight

    @torch.inference_mode()
    def resynthesize(
        self, state: Any, f0: np.ndarray, first: int, stop: int, cancel: threading.Event | None = None
    ) -> tuple[np.ndarray, int, int, dict[int, tuple[np.ndarray, np.ndarray]]]:
        """Re-runs only the chunks whose frames (context included) overlap ``[first, stop)`` with
        the fed F0 ``f0`` and splices them into ``state.raw`` (a
        :class:`models.convert.resynth.SynthesisState` kept by :meth:`convert`), sample-exact: the
        result equals :meth:`synthesize` of ``f0`` wherever the cycles of F0 before each chunk are
        unchanged (every phase-neutral edit, :func:`models.convert.f0_edit.phase_neutral`).

        Returns:
            (raw, lo, hi, edges): the new raw audio (a copy; ``state`` is not changed), the samples
            ``[lo, hi)`` that changed, and the chunks' fade samples for the new audio.
        """
        hop = self.config.audio.hop_length
        chunks = self.chunk_plan(len(f0), state.options)
        hit = [i for i, c in enumerate(chunks) if c.start < stop and c.stop > first]
        if not hit:
            return state.raw.copy(), 0, 0, dict(state.edges)
        i0, i1 = hit[0], hit[-1]
        lo, hi = chunks[i0].keep_start * hop, chunks[i1].keep_stop * hop
        seg = np.zeros(hi - lo, np.float32)
        if i0 > 0:  # the unchanged earlier neighbour's fade-out first, as synthesize adds it
            tail = state.edges[i0 - 1][1]
            seg[: len(tail)] += tail
        f0_64 = np.asarray(f0, dtype=np.float64)
        edges = dict(state.edges)
        for i in range(i0, i1 + 1):
            if cancel is not None and cancel.is_set():
                raise ConvertCancelled("re-synthesis cancelled")
            c = chunks[i]
            part = self._chunk_part(chunks, i, state.ppg, state.vec, f0_64, state.options, state.repeat)
            seg[c.keep_start * hop - lo : c.keep_stop * hop - lo] += part
            edges[i] = _edges(chunks, i, part, hop)
        if i1 < len(chunks) - 1:
            head = state.edges[i1 + 1][0]
            seg[len(seg) - len(head) :] += head
        raw = state.raw.copy()
        raw[lo:hi] = seg
        return raw, lo, hi, edges

    # -------------------------------------------------------------- whole conversion

    def convert(
        self,
        wave: np.ndarray,
        rate: int,
        options: ConvertOptions | None = None,
        cancel: threading.Event | None = None,
        name: str = "input",
        *,
        keep_features: bool = False,
        source_f0: np.ndarray | None = None,
    ) -> Iterator[ConvertProgress]:
        """Converts one waveform.

        Args:
            wave: (T,) or (T, channels) float audio at ``rate`` (channels are averaged).
            rate: its sample rate in Hz (any).
            options: see :class:`ConvertOptions`.
            cancel: set it to stop between windows/chunks (raises :class:`ConvertCancelled`).
            name: how errors refer to the input (e.g. its file name).
            keep_features: return a :class:`models.convert.resynth.EditableResult` that keeps the
                content features, the raw synthesis and its chunks' fades, so an edited F0 curve
                can be re-synthesised region by region (:class:`models.convert.resynth.EditSession`).
            source_f0: (N,) Hz per model frame, 0 unvoiced: use this pitch instead of extracting
                it (an F0 file; the key shift still applies). Refused unless it has N frames.

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

        indexes = self.retrieval_indexes() if options.retrieval_ratio > 0 else None  # refused before any work
        too_long_to_edit = keep_features and len(wave) / rate > EDITABLE_MAX_S
        keep_features = keep_features and not too_long_to_edit  # (a longer song's take gigabytes)

        # 1. pitch
        t0 = time.monotonic()
        check_cancel()
        yield progress("pitch", 0, 1, "pitch")
        pitch = self._pitch_extractor(options)
        if source_f0 is not None:
            source_f0 = np.asarray(source_f0, np.float32)
            if source_f0.shape != (frames,) or not np.all(np.isfinite(source_f0)) or np.any(source_f0 < 0):
                raise ConvertError(
                    f"{name}: the given pitch curve must have {frames} finite, non-negative values "
                    f"(one per 10 ms), not {source_f0.shape[0] if source_f0.ndim == 1 else source_f0.shape}"
                )
        else:
            source_f0 = np.zeros(frames, np.float32)
            for done_p, total_p, piece_start, piece in extract_pitch(pitch, wave16):
                m = max(0, min(frames - piece_start, len(piece)))
                source_f0[piece_start : piece_start + m] = piece[:m]
                check_cancel()
                if done_p < total_p:
                    yield progress("pitch", done_p, total_p + 1, f"pitch {done_p}/{total_p}")
        notes = list(self.notes)
        if too_long_to_edit:
            notes.append(Message(
                f"{name}: its pitch cannot be edited after conversion (only songs up to "
                f"{EDITABLE_MAX_S / 60:.0f} minutes); split it into parts to edit them",
                "convert_not_editable", file=name, minutes=EDITABLE_MAX_S / 60,
            ))
        key = float(options.key)
        if options.auto_key != "off":
            stats = self.voice.manifest.f0_stats
            if stats is None:
                raise ConvertError(Message(
                    f"voice {self.name!r} has no F0 statistics, so the key cannot be set "
                    f"automatically; give a key in semitones instead", "convert_no_f0_stats", voice=self.name)
                )
            key = auto_key_shift(source_f0, stats.median_hz, options.auto_key)
            if not np.any(source_f0 > 0):
                notes.append(Message(
                    f"{name}: no voiced frames found; automatic key left the pitch unchanged",
                    "convert_auto_key_unvoiced", file=name))
        fed_f0, intended_f0 = target_f0(source_f0, key, options.unvoiced)
        if not np.any(fed_f0 > 0):
            notes.append(Message(f"{name}: no pitch found in the input; the result will be unvoiced",
                                 "convert_unvoiced", file=name))
        timings["pitch"] = time.monotonic() - t0
        yield progress("pitch", 1, 1, f"key {key:+g}")

        # 2. content features, window by window
        t0 = time.monotonic()
        feats: dict[str, np.ndarray] = {}
        content = self.extractors
        if options.speed == "fast":
            from models.convert.fast import fast_parts

            content = fast_parts(self)  # pieces that cannot be built here stay exact, with a note
            notes.extend(n for n in content.notes if n not in notes)
        encoders = [(r, e) for r, e in (("ppg", content.ppg), ("vec", content.vec))]
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
        if indexes is not None:
            from models.features.retrieval import retrieve

            t0 = time.monotonic()
            for role in ("ppg", "vec"):
                check_cancel()
                feats[role] = retrieve(
                    feats[role], indexes[role], options.retrieval_ratio, options.retrieval_k
                )
            timings["retrieval"] = time.monotonic() - t0

        # 3. synthesis
        t0 = time.monotonic()
        edges: dict[int, tuple[np.ndarray, np.ndarray]] | None = {} if keep_features else None
        more = {"edges": edges} if keep_features else {}  # (tests replace synthesize with the old call)
        chunks = self.synthesize(
            feats["ppg"], feats["vec"], fed_f0, options, repeat=a.content_repeat, cancel=cancel, **more
        )
        raw = yield from _relay(
            chunks, lambda dt: progress("synthesis", dt[0], dt[1], f"chunk {dt[0]}/{dt[1]}")
        )
        audio = raw[:out_len]
        if not keep_features:
            del feats, raw
        timings["synthesis"] = time.monotonic() - t0

        # 4. post-processing
        t0 = time.monotonic()
        check_cancel()
        mask, gain = None, 1.0
        if options.silence_gate:
            mask = speech_mask(wave16, frames, options.gate_threshold) | dilate(
                source_f0 > 0, GATE_VOICED_PAD
            )
            audio = apply_gate(audio, mask, hop, a.sample_rate)
        if options.match_loudness:
            before = audio
            audio = match_loudness(audio, resample(wave, rate, a.sample_rate)[:out_len])
            energy = float(np.dot(before.astype(np.float64), before))
            gain = float(np.dot(audio.astype(np.float64), before) / energy) if energy > 0 else 1.0
        timings["post"] = time.monotonic() - t0
        _check_output(audio, name)
        yield progress("post", 1, 1, "done")
        result_type: Any = ConvertResult
        extra: dict[str, Any] = {}
        if keep_features:
            from models.convert.resynth import EditableResult, SynthesisState

            result_type = EditableResult
            extra["features"] = SynthesisState(
                ppg=feats["ppg"],
                vec=feats["vec"],
                repeat=a.content_repeat,
                options=options,
                fed_f0=np.asarray(fed_f0, np.float32).copy(),
                raw=raw,
                edges=edges or {},
                out_len=out_len,
                gate_mask=mask,
                gain=gain,
                hop=hop,
                sample_rate=a.sample_rate,
                source_16k=wave16,
            )
        result = result_type(
            audio=audio.astype(np.float32),
            sample_rate=a.sample_rate,
            source_f0=source_f0,
            target_f0=fed_f0,
            intended_f0=intended_f0,
            key=key,
            notes=notes,
            timings=timings,
            **extra,
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

    def _generator(self, options: ConvertOptions) -> Any:
        """The generator for ``options.speed``: the voice's own, or the fast path's copy."""
        if options.speed == "fast":
            from models.convert.fast import fast_parts

            return fast_parts(self).generator
        return self.generator

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


def _edges(chunks: list[Any], i: int, part: np.ndarray, hop: int) -> tuple[np.ndarray, np.ndarray]:
    """Chunk ``i``'s weighted samples over its fade-in and over its fade-out (copies)."""
    c = chunks[i]
    fade_in = (chunks[i - 1].keep_stop - c.keep_start) * hop if i > 0 else 0
    fade_out = (c.keep_stop - chunks[i + 1].keep_start) * hop if i < len(chunks) - 1 else 0
    return part[:fade_in].copy(), part[len(part) - fade_out :].copy() if fade_out else part[:0].copy()


def _relay(gen: Iterator[Any], to_progress: Callable[[Any], ConvertProgress]) -> Any:
    """``yield from`` with each item mapped to a :class:`ConvertProgress`; returns ``gen``'s value."""
    while True:
        try:
            item = next(gen)
        except StopIteration as stop:
            return stop.value
        yield to_progress(item)


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
        too_short = ConvertError(f"{name}: {seconds:.3f} s is too short to convert (at least {MIN_INPUT_S} s)")
        too_short.code = "audio_too_short"  # shown in the user's language by the app
        too_short.params = {"path": name, "seconds": seconds, "minimum": MIN_INPUT_S}
        raise too_short
    if seconds > options.max_input_s:
        raise ConvertError(
            f"{name}: {seconds / 60:.1f} minutes is longer than the limit of "
            f"{options.max_input_s / 60:.0f} minutes; split it into parts"
        )
    return wave
