"""What a conversion takes and gives: :class:`ConvertOptions` (every option checked against its
range), the progress and result types, the conversion errors, and the limits they share.

Qt-free and light (numpy only); the CLI and the app build their options here, so both refuse the
same values with the same words (never a command-line flag: the app shows them too).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.config import Serialisable
from models.features.retrieval import DEFAULT_K as RETRIEVAL_DEFAULT_K
from models.features.retrieval import MAX_K as RETRIEVAL_MAX_K

OUTPUT_SAMPLE_RATE = 32000  # the model's rate (AudioConfig.sample_rate); every conversion is at this rate
# Rates an output file may be written at: the native one, or resampled (soxr) for a DAW session.
OUTPUT_SAMPLE_RATES = (OUTPUT_SAMPLE_RATE, 44100, 48000)
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
    CLI names its flag, the app its control). ``code`` and ``params`` (``option`` plus the bounds) say
    the same for the app's translation (``models.errors.UserError``); without a code the English stays."""

    def __init__(self, option: str, message: str, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.option = option
        if code is not None:
            self.code, self.params = code, {"option": option, **params}


class ConvertCancelled(RuntimeError):
    """The cancel event was set; nothing was produced."""


UNVOICED_MODES = ("interpolate", "zero")
AUTO_KEY_MODES = ("off", "semitones", "octaves")


@dataclass(frozen=True)
class ConvertOptions(Serialisable):
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
        retrieval_ratio: feature retrieval (the reference's ``--retrieval-ratio``): 0 (off) to 1
            (content features replaced by their nearest rows in the voice's index); needs an index.
        retrieval_k: nearest rows per frame (the reference's ``--n-retrieval-vectors``, default 3).
        speed: "exact" (the reference's arithmetic) or "fast" (cheaper encoders and generator on a
            CPU, measured close to exact: :mod:`models.convert.fast`, docs/FAST_PATH.md).
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
    retrieval_ratio: float = 0.0
    retrieval_k: int = RETRIEVAL_DEFAULT_K
    speed: str = "exact"

    def __post_init__(self) -> None:
        """Refuses every option outside its range, NaN and infinities included (the CLI and the app
        both build their options here, so they share this rule). Messages name the option in words,
        never a command-line flag: the app shows them too."""
        if self.auto_key not in AUTO_KEY_MODES:
            raise OptionError("auto_key", f"auto_key must be one of {', '.join(AUTO_KEY_MODES)}, not "
                              f"{self.auto_key!r}", code="option_choice", value=str(self.auto_key))
        if self.unvoiced not in UNVOICED_MODES:
            raise OptionError("unvoiced", f"unvoiced must be one of {', '.join(UNVOICED_MODES)}, not "
                              f"{self.unvoiced!r}", code="option_choice", value=str(self.unvoiced))
        if not isinstance(self.f0_method, str):
            raise OptionError("f0_method", f"the pitch method must be a name, not {self.f0_method!r}",
                              code="option_choice", value=str(self.f0_method))
        if self.speed not in ("exact", "fast"):
            raise OptionError("speed", f"speed must be exact or fast, not {self.speed!r}",
                              code="option_choice", value=str(self.speed))
        for name in ("deterministic", "silence_gate", "match_loudness", "report"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise OptionError(name, f"{name} must be true or false, not {getattr(self, name)!r}",
                                  code="option_on_off")
        _check_number("key", "the key", self.key, -KEY_LIMIT, KEY_LIMIT, "semitones")
        _check_number("noise_scale", "the noise scale", self.noise_scale, 0.0, MAX_NOISE_SCALE)
        _check_number("chunk_s", "the chunk length", self.chunk_s, 0.0, MAX_CHUNK_S, "s")
        if 0 < self.chunk_s < MIN_CHUNK_S:
            raise OptionError(
                "chunk_s", f"the chunk length must be at least {MIN_CHUNK_S:g} s (or 0 for no chunking)",
                code="option_chunk_short", minimum=MIN_CHUNK_S,
            )
        _check_number("context_s", "the chunk context", self.context_s, 0.0, MAX_CONTEXT_S, "s")
        _check_number("crossfade_s", "the crossfade", self.crossfade_s, 0.0, 2 * MAX_CONTEXT_S, "s")
        if self.chunk_s and self.crossfade_s / 2 > self.context_s:
            raise OptionError("crossfade_s", "half the crossfade must not exceed the chunk context",
                              code="option_crossfade")
        _check_number("gate_threshold", "the silence gate threshold", self.gate_threshold, 0.0, 1.0)
        _check_number(
            "report_max_s", "the report's length", self.report_max_s, 0.0, MAX_SECONDS, "s", low_open=True
        )
        _check_number(
            "max_input_s", "the input length limit", self.max_input_s, 0.0, MAX_SECONDS, "s", low_open=True
        )
        _check_number("retrieval_ratio", "the retrieval ratio", self.retrieval_ratio, 0.0, 1.0)
        k = self.retrieval_k
        if (
            isinstance(k, (bool, np.bool_))
            or not isinstance(k, (int, np.integer))
            or not 1 <= k <= RETRIEVAL_MAX_K
        ):
            raise OptionError(
                "retrieval_k",
                f"the retrieval neighbours must be a whole number from 1 to {RETRIEVAL_MAX_K}, not {k!r}",
                code="option_whole_range", low=1, high=str(RETRIEVAL_MAX_K),
            )
        seed = self.seed
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise OptionError("seed", f"the seed must be a whole number, not {seed!r}", code="option_whole")
        if not 0 <= int(seed) <= MAX_SEED:
            raise OptionError("seed", f"the seed must be a whole number from 0 to 2^64 − 1, not {seed}",
                              code="option_whole_range", low=0, high="2^64 − 1")


def _check_number(
    option: str, what: str, value: Any, low: float, high: float, unit: str = "", low_open: bool = False,
    **params: object,
) -> None:
    """Raises :class:`OptionError` for ``option`` unless ``value`` is a real, finite number within
    [low, high] (or (low, high] with ``low_open``); the message says what, the range and the value,
    in one line. ``params`` go into the error's (e.g. ``settings="live"``: whose setting it is)."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    if ok:
        number = float(value)
        ok = math.isfinite(number) and (number > low if low_open else number >= low) and number <= high
    if not ok:
        unit = f" {unit}" if unit else ""
        span = f"above {low:g}" if low_open else f"from {low:g}"
        raise OptionError(option, f"{what} must be a finite number {span} to {high:g}{unit}, not {value!r}",
                          code="option_above" if low_open else "option_range", low=low, high=high,
                          unit=unit.strip(), **params)


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
