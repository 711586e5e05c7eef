"""The least time a sovits5 conversion can take on this CPU (FLOPs over measured throughput); prints JSON.

Usage (from the repository root; or ``python -m bench.bench_bound``)::

    python bench/bench_bound.py [--lengths 10 30] [--threads 2] [--f0 fcpe] [--repeats 5]

Issue 18 asks for a whole-conversion RTF of at most 0.8 at 10 s and 0.6 at 30 s on a 2-core CPU.
This script says what any runtime could reach at best on the machine it runs on:

- ``gflop``: the floating-point operations of one conversion (the exact path, the product's
  networks at their real sizes with random weights, built as :func:`bench.bench_convert.build`
  builds them), counted per stage while it runs: ``pitch``, ``whisper``, ``hubert``, ``synthesis``,
  ``post``. Counted are matrix products, convolutions (transposed too) and attention, with
  :mod:`torch.utils.flop_counter`'s formulas (one multiply-add = 2 FLOPs); element-wise work
  (activations, norms, resampling) is not, so every bound below is a lower bound on time.
  ``linear_gflop`` is the part in linear layers (``addmm``/``mm``) of the two content encoders: the
  part int8 kernels could take.
- ``throughput``: this machine's measured best GFLOP/s for the content encoders' dominant shape
  (a Whisper large-v2 MLP product, 1500 x 1280 by 1280 x 5120) in fp32 (``torch.mm``) and in int8
  (``torch.ao`` dynamic quantised linear, quantising the activations on the fly as the product
  does); the best of ``--repeats`` runs, so a loaded machine lowers it (the bound then is looser,
  never tighter) and ``load_average`` is printed beside it. ``fma_peak_gflops`` is the arithmetic
  ceiling of the cores (2 x 256-bit FMA per cycle = 32 fp32 FLOPs per cycle per core, at the
  reported clock) for comparison.
- ``bound_rtf``: per length, ``gflop`` / fp32 throughput / audio seconds (``fp32``), and the same
  with the content encoders' linear layers at the int8 throughput (``int8_linears``: no fidelity
  cost assumed, which issue 18's measurements contradict). ``target_rtf`` is the issue's target;
  ``reachable`` says whether the bound is under it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import defaultdict
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry

try:  # python -m bench.bench_bound
    from bench.bench_convert import build, song
except ModuleNotFoundError as error:  # python bench/bench_bound.py: the script's own folder is importable
    if error.name != "bench":
        raise
    from bench_convert import build, song  # type: ignore[no-redef]

TARGETS = {10.0: 0.8, 30.0: 0.6}  # issue 18: fast whole-conversion RTF on this 2-core CPU at sovits5
LINEAR_OPS = {torch.ops.aten.addmm, torch.ops.aten.mm}


def _sdpa_cpu_flops(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, *_: Any, **__: Any) -> int:
    """CPU attention (``_scaled_dot_product_flash_attention_for_cpu``, missing from the registry):
    ``Q Kᵀ`` and ``softmax · V``, 2 FLOPs per multiply-add. Shapes ``(batch, heads, L, d)``."""
    b, h, lq, d = query.shape
    lk, dv = key.shape[-2], value.shape[-1]
    return 2 * b * h * lq * lk * d + 2 * b * h * lq * lk * dv


class StageFlops(TorchDispatchMode):
    """Counts the FLOPs of every aten call under the mode into ``flops[stage]`` (``stage`` is set
    by the caller as the work moves on); ``linear[stage]`` is the part in ``addmm``/``mm``."""

    def __init__(self) -> None:
        super().__init__()
        self.stage = "other"
        self.flops: dict[str, int] = defaultdict(int)
        self.linear: dict[str, int] = defaultdict(int)

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        # Under inference_mode (the converter's) composite ops such as linear and conv1d reach the
        # mode whole: run their decomposition so that the products inside are seen and counted.
        with self:  # (the mode is off inside its own handler)
            decomposed = func.decompose(*args, **kwargs)
        if decomposed is not NotImplemented:
            return decomposed
        out = func(*args, **kwargs)
        packet = func._overloadpacket
        if packet is torch.ops.aten._scaled_dot_product_flash_attention_for_cpu:
            n = _sdpa_cpu_flops(*args, **kwargs)
        elif packet in flop_registry:
            n = flop_registry[packet](*args, **kwargs, out_val=out)
        else:
            return out
        self.flops[self.stage] += n
        if packet in LINEAR_OPS:
            self.linear[self.stage] += n
        return out


def _labelled(counter: StageFlops, stage: str, method: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        before, counter.stage = counter.stage, stage
        try:
            return method(*args, **kwargs)
        finally:
            counter.stage = before

    return call


def count_flops(converter: Any, seconds: float) -> StageFlops:
    """One exact conversion of ``seconds`` of the bench's synthetic song under :class:`StageFlops`;
    the stage follows the converter's progress events, and the two content encoders' windows are
    labelled ``whisper`` and ``hubert``."""
    from models.convert.options import ConvertOptions, run_to_end

    counter = StageFlops()
    ppg, vec = converter.extractors.ppg, converter.extractors.vec
    ppg.encode_window = _labelled(counter, "whisper", ppg.encode_window)  # this instance only
    vec.encode_window = _labelled(counter, "hubert", vec.encode_window)

    def follow(item: Any) -> None:
        counter.stage = item.stage

    try:
        with torch.inference_mode(), counter:
            run_to_end(converter.convert(song(seconds), 44100, ConvertOptions(report=False)), follow)
    finally:
        del ppg.encode_window, vec.encode_window
    return counter


def _best_seconds(fn: Any, repeats: int) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def throughput(repeats: int) -> dict[str, Any]:
    """Best GFLOP/s of a Whisper large-v2 MLP product (1500 x 1280 @ 1280 x 5120) in fp32 and int8."""
    from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear

    torch.manual_seed(0)
    x = torch.randn(1500, 1280)
    w = torch.randn(1280, 5120) / 36
    flops = 2 * 1500 * 1280 * 5120
    fp32 = _best_seconds(lambda: torch.mm(x, w), repeats)
    result: dict[str, Any] = {"shape": [1500, 1280, 5120], "fp32_gflops": round(flops / fp32 / 1e9, 1)}
    try:
        linear = DynamicLinear(1280, 5120)
        linear.set_weight_bias(torch.quantize_per_tensor(w.t().contiguous(), 0.01, 0, torch.qint8), None)
        int8 = _best_seconds(lambda: linear(x), repeats)
        result["int8_gflops"] = round(flops / int8 / 1e9, 1)
    except (RuntimeError, NotImplementedError) as error:  # a torch build without an int8 engine
        result["int8_gflops"] = None
        result["int8_error"] = str(error).splitlines()[0]
    result["fma_peak_gflops"] = _fma_peak()
    return result


def _fma_peak() -> float | None:
    """Cores x clock x 32 fp32 FLOPs per cycle (two 256-bit FMA units); None where the clock is unknown."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            mhz = [float(line.split(":")[1]) for line in f if line.startswith("cpu MHz")]
    except OSError:
        return None
    return round(sum(mhz) * 32 / 1000, 1) if mhz else None


def bound(counter: StageFlops, seconds: float, rates: dict[str, Any]) -> dict[str, Any]:
    gflop = {stage: n / 1e9 for stage, n in counter.flops.items()}
    total = sum(gflop.values())
    content_linear = (counter.linear["whisper"] + counter.linear["hubert"]) / 1e9
    fp32 = rates["fp32_gflops"]
    row: dict[str, Any] = {
        "seconds": seconds,
        "gflop": {stage: round(v, 1) for stage, v in sorted(gflop.items())},
        "gflop_total": round(total, 1),
        "linear_gflop": {s: round(counter.linear[s] / 1e9, 1) for s in ("whisper", "hubert")},
        "bound_s": {"fp32": round(total / fp32, 2)},
        "bound_rtf": {"fp32": round(total / fp32 / seconds, 3)},
    }
    if rates.get("int8_gflops"):
        t = (total - content_linear) / fp32 + content_linear / rates["int8_gflops"]
        row["bound_s"]["int8_linears"] = round(t, 2)
        row["bound_rtf"]["int8_linears"] = round(t / seconds, 3)
    if seconds in TARGETS:
        target = TARGETS[seconds]
        row["target_rtf"] = target
        row["reachable"] = {k: v <= target for k, v in row["bound_rtf"].items()}
    return row


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=float, nargs="*", default=[10.0, 30.0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--f0", default="fcpe")
    parser.add_argument("--repeats", type=int, default=5, help="throughput: best of this many runs")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    result: dict[str, Any] = {
        "benchmark": "bound",
        "preset": "sovits5",
        "threads": args.threads,
        "torch": torch.__version__,
        "machine": platform.processor() or platform.machine(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    result["throughput"] = rates = throughput(args.repeats)
    converter = build("cpu", args.f0)
    result["lengths"] = [bound(count_flops(converter, s), s, rates) for s in args.lengths]
    result["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
