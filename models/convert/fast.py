"""The "fast" conversion path (issue 18): the same networks and weights, cheaper to run on a CPU.

``ConvertOptions(speed="exact")`` (the default) is the reference's arithmetic, untouched.
``speed="fast"`` swaps in these measured changes (docs/FAST_PATH.md has the numbers, and why the
other candidates were not taken):

- **Whisper, shorter window**: the exact path pads every window to 30 s and encodes all of it.
  The fast path computes the same log-mel (of the padded 30 s, so the dynamic-range floor is the
  same) but feeds the encoder only the audio's frames plus :data:`WHISPER_TAIL_FRAMES` of the
  padding (20 s), with the positional embedding cut to match. A 3 s phrase encodes 23 s instead of
  30 s, a 5 s one 25 s; inputs of 10 s and more keep the full window. The features of the audio
  frames stay within cosine 0.99 of the exact ones, frame by frame (tests/convert/test_fast_path.py,
  real Whisper base weights); with 15 s of padding kept, a few sung frames fell to 0.947.
- **HuBERT, int8 linear layers**: ``torch.ao.quantization.quantize_dynamic`` on a copy of the
  encoder's linear layers (CPU only). Not used for Whisper: on real Whisper base weights int8 gave a
  per-frame cosine of only 0.974 against fp32, below the bound.
- **Generator, weight norm folded and activations fused**: every weight-normalised convolution
  computes ``g · v / ‖v‖`` on each call; the fast path computes it once. Every anti-aliased
  SnakeBeta (:class:`FusedSnakeAlias`) gets its filters expanded once, contiguous (the exact module's
  per-call ``expand`` view sends the grouped convolutions down a slower path), its constants
  precomputed and one fused multiply-add. Same values to float rounding (tests); 0.5-0.85x of
  the decoder's time at sovits5 (docs/FAST_PATH.md).

If a piece cannot be built here (no quantised engine in this torch build, say), that piece runs
exactly and :attr:`FastParts.notes` says so; the conversion never fails because of the fast path.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from models.errors import Message
from models.features.content.base import ContentEncoder

SPEEDS = ("exact", "fast")
WHISPER_TAIL_FRAMES = 1000  # encoder frames (20 s) of the 30 s padding kept after the audio


class TrimmedWhisper(ContentEncoder):
    """A :class:`models.features.content.whisper_encoder.WhisperPPG` that encodes only the audio and
    :data:`WHISPER_TAIL_FRAMES` of padding after it instead of a whole padded 30 s window.

    Same name, dimension, windows and weights as the wrapped encoder (the voice's check passes).
    """

    def __init__(self, exact: Any, tail_frames: int = WHISPER_TAIL_FRAMES) -> None:
        super().__init__(exact.device)
        self.exact = exact
        self.name, self.version, self.dim = exact.name, exact.version, exact.dim
        self.window_frames, self.context_frames = exact.window_frames, exact.context_frames
        self.tail_frames = tail_frames

    def encode_window(self, wave: torch.Tensor) -> torch.Tensor:
        import whisper
        from torch.nn import functional as F

        exact = self.exact
        frames = self.frames(wave.shape[-1])
        audio = whisper.pad_or_trim(wave.float(), self.window_frames * 2 * whisper.audio.HOP_LENGTH)
        mel = whisper.log_mel_spectrogram(audio, n_mels=exact.n_mels)  # the exact floor (whole window)
        keep = min(self.window_frames, frames + self.tail_frames)
        if keep == self.window_frames:  # nothing to save: the exact computation
            return exact.encode_window(wave)
        mel = mel[:, : 2 * keep]
        mel = mel.half() if exact.half else mel
        enc = exact.encoder
        x = F.gelu(enc.conv1(mel[None]))
        x = F.gelu(enc.conv2(x)).permute(0, 2, 1)
        x = (x + enc.positional_embedding[: x.shape[1]]).to(x.dtype)
        for block in enc.blocks:
            x = block(x)
        return enc.ln_post(x)[0, :frames].float()


def quantized_hubert(exact: Any) -> Any:
    """A :class:`models.features.content.hubert_encoder.HubertUnits` like ``exact`` whose linear layers
    (and projection) run as dynamic int8 on the CPU: a quantised copy, ``exact`` is not changed.

    Raises:
        FastPathUnavailable: see :func:`quantize_linear`.
    """
    from models.features.content.hubert_encoder import HubertUnits

    projection = quantize_linear(exact.projection) if exact.projection is not None else None
    units = HubertUnits(quantize_linear(exact.model), exact.name, projection, exact.layer, exact.device)
    units.dim = exact.dim
    return units


class FastPathUnavailable(RuntimeError):
    """A piece of the fast path cannot be built on this machine (the message says why)."""


def quantize_linear(module: nn.Module) -> nn.Module:
    """A copy of ``module`` with every linear layer dynamic int8 (weights int8, activations quantised
    per batch); subclasses of ``nn.Linear`` are treated as ``nn.Linear``.

    Deprecated in torch (moving to torchao) but kept: torchao 0.18's int8 linear layers run 10-30x
    slower than fp32 on an AVX2 CPU (docs/FAST_PATH.md). If a torch release drops it (no module, no
    engine, or quantising fails), the fast path runs the exact HuBERT with a note.

    Raises:
        FastPathUnavailable: this torch build has no quantised CPU engine, no quantisation module, or
            quantising fails.
    """
    try:
        from torch.ao.quantization import quantize_dynamic
    except ImportError as exc:
        raise FastPathUnavailable(f"this PyTorch has no int8 quantisation ({exc})") from None
    engines = [e for e in torch.backends.quantized.supported_engines if e != "none"]
    if not engines:
        raise FastPathUnavailable("this PyTorch build has no int8 engine for this processor")
    clone = copy.deepcopy(module)
    for sub in clone.modules():
        if isinstance(sub, nn.Linear) and type(sub) is not nn.Linear:
            sub.__class__ = nn.Linear  # e.g. whisper's Linear: same arithmetic in fp32
    import warnings

    with warnings.catch_warnings():  # the eager API's notice that it moves to torchao
        warnings.simplefilter("ignore")
        try:
            return quantize_dynamic(clone, {nn.Linear}, dtype=torch.qint8)
        except Exception as exc:  # noqa: BLE001 - e.g. a torch without quantised tensors
            raise FastPathUnavailable(f"int8 quantisation failed in this PyTorch ({exc})") from None


def fold_weight_norm(generator: nn.Module) -> nn.Module:
    """A copy of ``generator`` whose weight-normalised layers use their weight computed once."""
    clone = copy.deepcopy(generator)
    with torch.no_grad():
        for sub in clone.modules():
            if hasattr(sub, "normalized_weight") and hasattr(sub, "weight_v"):
                weight = sub.normalized_weight().detach().clone()
                sub.normalized_weight = lambda w=weight: w  # instance attribute shadows the method
    return clone.eval()


class FusedSnakeAlias(nn.Module):
    """:class:`models.nets.nn.alias.SnakeAlias` with its constants prepared once: the ×2 up- and
    down-sampling filters expanded to one contiguous filter per channel (the exact module expands a
    view on every call, which sends the grouped convolutions down a slower path), ``exp(a)`` and
    ``1 / (exp(b) + 1e-9)`` precomputed, and SnakeBeta as one fused multiply-add. The exact
    module's values to float rounding (tests/convert/test_fast_path.py: max difference 5e-7 on
    values up to 4.8)."""

    def __init__(self, exact: nn.Module) -> None:
        super().__init__()
        up, low = exact.upsample, exact.downsample.lowpass
        channels = int(exact.act.alpha.shape[0])
        self.channels = channels
        self.ratio, self.pad = up.ratio, up.pad
        self.crop_left, self.crop_right = up.crop_left, up.crop_right
        self.pad_left, self.pad_right, self.stride = low.pad_left, low.pad_right, low.stride
        with torch.no_grad():
            self.register_buffer("up_filter", (up.ratio * up.filter).expand(channels, -1, -1).contiguous())
            self.register_buffer("low_filter", low.filter.expand(channels, -1, -1).contiguous())
            self.register_buffer("alpha", torch.exp(exact.act.alpha).view(1, -1, 1).clone())
            self.register_buffer("inv_beta", (1.0 / (torch.exp(exact.act.beta) + 1e-9)).view(1, -1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        from torch.nn import functional as F

        x = F.pad(x, (self.pad, self.pad), mode="replicate")
        x = F.conv_transpose1d(x, self.up_filter, stride=self.ratio, groups=self.channels)
        x = x[..., self.crop_left : -self.crop_right]
        s = torch.sin(x * self.alpha)
        x = torch.addcmul(x, s * s, self.inv_beta)  # x + sin²(αx)/β
        x = F.pad(x, (self.pad_left, self.pad_right), mode="replicate")
        return F.conv1d(x, self.low_filter, stride=self.stride, groups=self.channels)


def fuse_activations(generator: nn.Module) -> nn.Module:
    """``generator`` (changed in place and returned) with every anti-aliased SnakeBeta replaced by a
    :class:`FusedSnakeAlias` of the same values; call it on a copy (:func:`fast_generator`)."""
    from models.nets.nn.alias import SnakeAlias

    for parent in list(generator.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, SnakeAlias):
                setattr(parent, name, FusedSnakeAlias(child))
    return generator


def fast_generator(generator: nn.Module) -> nn.Module:
    """A copy of ``generator`` with weight norm folded and the anti-aliased activations fused; the
    voice's own generator is not changed."""
    return fuse_activations(fold_weight_norm(generator)).eval()


@dataclass
class FastParts:
    """What a fast conversion runs: encoders and generator, and notes on pieces that stayed exact."""

    ppg: Any
    vec: Any
    generator: nn.Module
    notes: list[str] = field(default_factory=list)


_LOCK = threading.Lock()


def fast_parts(converter: Any) -> FastParts:
    """The converter's fast pieces, built once per converter (cached on it) and reused.

    Never raises for a piece that cannot be built: that piece is the exact one and a note says so.
    """
    with _LOCK:
        cached = getattr(converter, "_fast_parts", None)
        if cached is not None:
            return cached
        ext = converter.extractors
        notes: list[str] = []
        ppg, vec = ext.ppg, ext.vec
        if ppg is not None and hasattr(ppg, "n_mels") and hasattr(ppg, "encoder"):
            ppg = TrimmedWhisper(ppg)
        if vec is not None and hasattr(vec, "model") and vec.device.type == "cpu":
            try:
                vec = quantized_hubert(vec)
            except FastPathUnavailable as exc:
                notes.append(Message(
                    f"fast path: {exc}; the unit encoder ran the exact way", "fast_encoder_exact",
                    detail=str(exc)))
        try:
            generator = fast_generator(converter.generator)
        except Exception as exc:  # noqa: BLE001 - any failure here must leave the exact generator
            generator = converter.generator
            notes.append(Message(
                f"fast path: the generator could not be prepared ({exc}); it ran the exact way",
                "fast_generator_exact", detail=str(exc)))
        parts = FastParts(ppg, vec, generator, notes)
        converter._fast_parts = parts
        return parts
