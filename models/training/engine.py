"""One training step of the reference recipe, on one device, in fp32, bf16 or fp16.

:class:`Engine` owns the generator, the discriminator, their AdamW optimisers, their
per-epoch exponential lr schedules, one gradient scaler each (fp16 only) and the RNG that
drives every random draw of the forward pass. :meth:`Engine.step` is one generator update:

for each of ``accum_steps`` batches (reference order, ``vits_extend/train.py``):
  1. generator forward (PPG/vec perturbation, posterior sample, random 0.25 s segment);
  2. generator loss ``adv + fm + c_mel·mel + c_stft·(sc + mag) + c_kl·kl_f
     + c_kl·c_kl_reverse·kl_r + c_spk·spk`` divided by ``accum_steps``, backward;
  3. discriminator LSGAN loss on the detached segment, backward, discriminator step
     (its lr is ``learning_rate / accum_steps``);
then the generator step. Precision: autocast around the networks; spectra and losses in fp32.

The pieces are public so that the reference vectors check the very code the trainer runs:
:meth:`Engine.accumulate` (steps 1-3 without the optimiser step, optionally with every random
draw off), :func:`generator_objective` (the weights and the total) and :func:`grad_norm`.
"""

from __future__ import annotations

import contextlib
import functools
import math
import operator
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from models.config import TrainConfig, VoiceConfig
from models.errors import Message
from models.features.spectral import mel_spectrogram
from models.nets.discriminators import DiscOutput, Discriminator
from models.nets.losses import (
    _stft_magnitude,
    discriminator_loss,
    feature_matching_loss,
    generator_adversarial_loss,
    kl_loss,
    mel_loss,
    multi_resolution_stft_loss,
    speaker_loss,
)
from models.nets.synthesizer import SynthesizerTrain, TrainOutput, slice_segments
from models.training.dataset import Batch

if TYPE_CHECKING:
    from models.training.distributed import DistContext

LOSS_NAMES = (
    "g_total",
    "adv",
    "fm",
    "mel",
    "stft_sc",
    "stft_mag",
    "kl_f",
    "kl_r",
    "spk",
    "d_total",
    "grad_norm_g",
    "grad_norm_d",
)


@dataclass(frozen=True)
class Precision:
    """How the networks run: ``dtype`` for autocast (None = fp32) and whether fp16 loss scaling is on."""

    name: str
    dtype: torch.dtype | None
    scaled: bool


def resolve_precision(preference: str, device: torch.device) -> tuple[Precision, str | None]:
    """Chooses the precision for ``device``; returns it and a note when the preference was changed.

    ``auto``: bf16 on a CUDA device that supports it, else fp16 with loss scaling; fp32 on CPU.
    """
    fp32 = Precision("fp32", None, False)
    if device.type != "cuda":
        if preference in ("auto", "fp32"):
            return fp32, None
        if preference == "bf16":
            return Precision("bf16", torch.bfloat16, False), None
        return fp32, Message("fp16 needs a CUDA device; training in fp32 on the CPU", "note_fp16_cpu")
    bf16_ok = torch.cuda.is_bf16_supported()
    if preference == "fp32":
        return fp32, None
    if preference in ("auto", "bf16") and bf16_ok:
        return Precision("bf16", torch.bfloat16, False), None
    note = (Message("this GPU has no bf16; using fp16 with loss scaling", "note_no_bf16")
            if preference == "bf16" else None)
    return Precision("fp16", torch.float16, True), note


def grad_norm(module: torch.nn.Module) -> float:
    """L2 norm of all gradients of ``module`` (one fused computation per device and dtype)."""
    grads = [p.grad.detach() for p in module.parameters() if p.grad is not None]
    return float(torch.nn.utils.get_total_norm(grads)) if grads else 0.0


def generator_objective(terms: dict[str, torch.Tensor],
                        t: TrainConfig) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """The generator loss from its unweighted terms: (each term's contribution, their sum).

    ``terms``: scalars ``adv``, ``fm``, ``mel``, ``stft_sc``, ``stft_mag``, ``kl_f``, ``kl_r``,
    ``spk``. Contributions: ``adv``, ``fm``, ``mel`` (× c_mel), ``stft`` ((sc + mag) × c_stft),
    ``kl_f`` (× c_kl), ``kl_r`` (× c_kl × c_kl_reverse), ``spk`` (× c_spk).
    """
    weighted = {
        "adv": terms["adv"],
        "fm": terms["fm"],
        "mel": t.c_mel * terms["mel"],
        "stft": t.c_stft * (terms["stft_sc"] + terms["stft_mag"]),
        "kl_f": t.c_kl * terms["kl_f"],
        "kl_r": t.c_kl * t.c_kl_reverse * terms["kl_r"],
        "spk": t.c_spk * terms["spk"],
    }
    total = functools.reduce(operator.add, weighted.values())
    return weighted, total


@dataclass
class Accumulated:
    """What :meth:`Engine.accumulate` computed for one batch (every tensor a scalar).

    ``terms``: the unweighted generator terms (see :func:`generator_objective`); ``weighted``:
    their contributions to ``loss_g``; ``loss_d``: the discriminator's LSGAN loss; ``fake``,
    ``real``: the (B, 1, segment) audio both losses saw.
    """

    terms: dict[str, torch.Tensor]
    weighted: dict[str, torch.Tensor]
    loss_g: torch.Tensor
    loss_d: torch.Tensor
    fake: torch.Tensor
    real: torch.Tensor


class Engine:
    """Models, optimisers, schedules, scalers and the forward RNG of one run (see module docstring).

    Args:
        config: the voice config (model, discriminator, recipe).
        device: where everything runs.
        precision: from :func:`resolve_precision`.
    """

    def __init__(self, config: VoiceConfig, device: torch.device, precision: Precision,
                 dist: DistContext | None = None, random_draws: bool = True) -> None:
        t = config.train
        self.config = config
        self.device = device
        self.precision = precision
        self.accum_steps = t.accum_steps
        self.generator = SynthesizerTrain(config).to(device).train()
        self.discriminator = Discriminator(config.discriminator).to(device).train()
        self.optim_g = torch.optim.AdamW(
            self.generator.parameters(), t.learning_rate, betas=t.betas, eps=t.eps
        )
        self.optim_d = torch.optim.AdamW(
            self.discriminator.parameters(), t.learning_rate / t.accum_steps, betas=t.betas, eps=t.eps
        )
        self.sched_g = torch.optim.lr_scheduler.ExponentialLR(self.optim_g, gamma=t.lr_decay)
        self.sched_d = torch.optim.lr_scheduler.ExponentialLR(self.optim_d, gamma=t.lr_decay)
        self.scaler_g = torch.amp.GradScaler(device.type, enabled=precision.scaled)
        self.scaler_d = torch.amp.GradScaler(device.type, enabled=precision.scaled)
        self.rng = torch.Generator(device=device)
        self.rng.manual_seed(t.seed)
        self.random_draws = random_draws
        self.dist = dist if dist is not None and dist.world_size > 1 else None
        # Under torch.distributed the forward passes go through DistributedDataParallel wrappers
        # (gradients averaged across processes); the bare modules stay what checkpoints save.
        self._g_forward: torch.nn.Module = self.generator
        self._d_loss: torch.nn.Module = _DiscriminatorLoss(self.discriminator)
        if self.dist is not None:
            from torch.nn.parallel import DistributedDataParallel as DDP

            ids = [device.index] if device.type == "cuda" else None
            self._g_forward = DDP(self.generator, device_ids=ids, broadcast_buffers=False)
            self._d_loss = DDP(self._d_loss, device_ids=ids, broadcast_buffers=False)

    def seed_rank(self, step: int) -> None:
        """Gives a process other than rank 0 its own random stream (noise, segments, dropout),
        derived from (seed, rank, step); rank 0 keeps the run's (what checkpoints hold)."""
        if self.dist is None or self.dist.rank == 0:
            return
        seed = (self.config.train.seed * 1_000_003 + self.dist.rank * 7_919 + step) % (2**63)
        self.rng.manual_seed(seed)
        torch.manual_seed(seed)

    # ------------------------------------------------------------------ state

    def state_dict(self) -> dict[str, object]:
        """Everything of the engine a checkpoint keeps (tensors and plain values only)."""
        return {
            "model_g": self.generator.state_dict(),
            "model_d": self.discriminator.state_dict(),
            "optim_g": self.optim_g.state_dict(),
            "optim_d": self.optim_d.state_dict(),
            "sched_g": self.sched_g.state_dict(),
            "sched_d": self.sched_d.state_dict(),
            "scaler_g": self.scaler_g.state_dict(),
            "scaler_d": self.scaler_d.state_dict(),
            "rng_forward": self.rng.get_state(),
            "accum_steps": self.accum_steps,
        }

    def load_state_dict(self, state: dict[str, object]) -> None:
        """Restores :meth:`state_dict` (strict for the models)."""
        self.generator.load_state_dict(state["model_g"])  # type: ignore[arg-type]
        self.discriminator.load_state_dict(state["model_d"])  # type: ignore[arg-type]
        self.optim_g.load_state_dict(state["optim_g"])  # type: ignore[arg-type]
        self.optim_d.load_state_dict(state["optim_d"])  # type: ignore[arg-type]
        self.sched_g.load_state_dict(state["sched_g"])  # type: ignore[arg-type]
        self.sched_d.load_state_dict(state["sched_d"])  # type: ignore[arg-type]
        if state.get("scaler_g"):
            self.scaler_g.load_state_dict(state["scaler_g"])  # type: ignore[arg-type]
            self.scaler_d.load_state_dict(state["scaler_d"])  # type: ignore[arg-type]
        self.rng.set_state(state["rng_forward"])  # type: ignore[arg-type]
        self.accum_steps = int(state.get("accum_steps", self.accum_steps))  # type: ignore[call-overload]

    def end_epoch(self) -> None:
        """The per-epoch lr decay of both optimisers."""
        with warnings.catch_warnings():
            # An epoch may end before an optimiser ever stepped (fp16 loss-scale warm-up or skipped
            # non-finite steps); the exponential schedule is still right, so the warning is noise.
            warnings.filterwarnings("ignore", "Detected call of `lr_scheduler.step", UserWarning)
            self.sched_g.step()
            self.sched_d.step()

    @property
    def lr(self) -> float:
        return float(self.optim_g.param_groups[0]["lr"])

    # ------------------------------------------------------------------ step

    def _autocast(self) -> contextlib.AbstractContextManager[object]:
        if self.precision.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.precision.dtype)

    def accumulate(self, batch: Batch, n: int = 1, deterministic: bool = False) -> Accumulated:
        """Steps 1-3 of the module docstring for one batch, without the discriminator's step.

        Adds the gradient of ``loss_g / n`` to the generator's grads (the discriminator is frozen
        meanwhile, so its grads are untouched), then zeroes the discriminator's grads and adds
        the gradient of ``loss_d`` (on the detached fake segment). ``deterministic`` turns every
        random draw of the forward pass off (see :meth:`SynthesizerTrain.forward`).
        """
        t = self.config.train
        audio_cfg = self.config.audio
        b = batch.to(self.device)
        if not self.random_draws:
            deterministic = True
            for module in self.generator.modules():  # dropout too (validation turns it back on)
                if isinstance(module, torch.nn.Dropout):
                    module.eval()
        with self._autocast():
            out: TrainOutput = self._g_forward(b.ppg, b.vec, b.f0, b.spec, b.spk, b.lengths,
                                               generator=self.rng, deterministic=deterministic)
        fake = out.audio.float()
        real = slice_segments(b.wave, out.ids_slice * audio_cfg.hop_length, t.segment_samples)
        self.discriminator.requires_grad_(False)
        with self._autocast():
            d_fake: list[DiscOutput] = self.discriminator(fake)
            d_real: list[DiscOutput] = self.discriminator(real)
        resolutions = self.config.discriminator.mrd_resolutions
        if self.dist is None:
            sc, mag = multi_resolution_stft_loss(fake.squeeze(1), real.squeeze(1), resolutions)
        else:
            sc, mag = _global_stft_loss(fake.squeeze(1), real.squeeze(1), resolutions, self.dist.world_size)
        terms = {
            "adv": generator_adversarial_loss(d_fake),
            "fm": feature_matching_loss(d_fake, d_real),
            "mel": mel_loss(mel_spectrogram(fake.squeeze(1), audio_cfg),
                            mel_spectrogram(real.squeeze(1), audio_cfg)),
            "stft_sc": sc,
            "stft_mag": mag,
            "kl_f": kl_loss(out.z_f, out.logs_q, out.m_p, out.logs_p, out.logdet_f, out.mask),
            "kl_r": kl_loss(out.z_r, out.logs_p, out.m_q, out.logs_q, out.logdet_r, out.mask),
            "spk": speaker_loss(b.spk, out.spk_pred),
        }
        if self.dist is not None:  # Σ/Σmask over the global batch, not the mean of each process's
            local = out.mask.float().sum()
            total = local.detach().clone()
            torch.distributed.all_reduce(total)
            scale = local.detach() * self.dist.world_size / total
            terms["kl_f"] = terms["kl_f"] * scale
            terms["kl_r"] = terms["kl_r"] * scale
        weighted, loss_g = generator_objective(terms, t)
        self.scaler_g.scale(loss_g / n).backward()
        self.discriminator.requires_grad_(True)

        self.optim_d.zero_grad(set_to_none=True)
        with self._autocast():
            d_fake, d_real = self._d_loss(fake.detach(), real)
        loss_d = discriminator_loss(d_fake, d_real)
        self.scaler_d.scale(loss_d).backward()
        return Accumulated(terms, weighted, loss_g, loss_d, fake, real)

    def step(self, batches: list[Batch]) -> dict[str, float]:
        """One generator update over ``batches`` (``accum_steps`` of them); returns the mean losses.

        Raises whatever the device raises (e.g. ``torch.cuda.OutOfMemoryError``); gradients
        are then left zeroed by the next call's ``zero_grad``.
        """
        n = len(batches)
        totals = dict.fromkeys(LOSS_NAMES, 0.0)
        self.optim_g.zero_grad(set_to_none=True)
        for batch in batches:
            acc = self.accumulate(batch, n)
            self.scaler_d.unscale_(self.optim_d)
            norm_d = grad_norm(self.discriminator)
            totals["grad_norm_d"] += norm_d / n
            if self.precision.scaled or math.isfinite(norm_d):  # the scaler skips non-finite steps itself
                self.scaler_d.step(self.optim_d)
            self.scaler_d.update()
            logged = {**acc.terms, "g_total": acc.loss_g, "d_total": acc.loss_d}
            for name, value in logged.items():
                totals[name] += float(value.detach()) / n
        self.scaler_g.unscale_(self.optim_g)
        totals["grad_norm_g"] = grad_norm(self.generator)
        if self.precision.scaled or math.isfinite(totals["grad_norm_g"]):
            self.scaler_g.step(self.optim_g)
        self.scaler_g.update()
        return totals

    def zero_grad(self) -> None:
        """Drops every gradient (after a failed step)."""
        self.optim_g.zero_grad(set_to_none=True)
        self.optim_d.zero_grad(set_to_none=True)


class _DiscriminatorLoss(torch.nn.Module):
    """The discriminator on fake and on real as one module (its loss is taken from both outputs):
    one forward per backward, as DistributedDataParallel needs (its parameters are the discriminator's)."""

    def __init__(self, discriminator: Discriminator) -> None:
        super().__init__()
        self.discriminator = discriminator

    def forward(self, fake: torch.Tensor, real: torch.Tensor) -> tuple[list[DiscOutput], list[DiscOutput]]:
        return self.discriminator(fake), self.discriminator(real)


def _global_stft_loss(fake: torch.Tensor, real: torch.Tensor, resolutions: tuple[tuple[int, int, int], ...],
                      world: int) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`multi_resolution_stft_loss` of the global batch, as this process's share.

    The log-magnitude L1 is a per-sample mean (the processes' mean is the global one). Spectral
    convergence ``‖Y − X‖ / ‖Y‖`` is a ratio over the whole batch: with the global sums A = Σ‖Y − X‖²
    and B = Σ‖Y‖² (all-reduced, constant), each process returns SC(A, B) plus ``world`` × its
    first-order share ``SC · (a/2A − b/2B)`` (zero in value over the group), so the gradient that
    DistributedDataParallel averages is the global batch's.
    """
    sc = fake.new_zeros((), dtype=torch.float32)
    mag = fake.new_zeros((), dtype=torch.float32)
    for n_fft, hop, win in resolutions:
        x = _stft_magnitude(fake.float(), n_fft, hop, win)
        y = _stft_magnitude(real.float(), n_fft, hop, win)
        a, b = torch.sum((y - x) ** 2), torch.sum(y**2)
        sums = torch.stack([a.detach(), b.detach()]).double()
        torch.distributed.all_reduce(sums)
        big_a, big_b = float(sums[0]), float(sums[1])
        ratio = (big_a**0.5) / (big_b**0.5)
        share = ratio * (a / (2 * big_a) - b / (2 * big_b))
        sc = sc + ratio + world * (share - share.detach())
        mag = mag + torch.nn.functional.l1_loss(torch.log(y), torch.log(x))
    return sc / len(resolutions), mag / len(resolutions)


def finite(losses: dict[str, float]) -> bool:
    """Whether every loss value is a finite number."""
    return all(math.isfinite(v) for v in losses.values())
