"""The least time a sovits5 conversion can take on this CPU (FLOPs over measured throughput); prints JSON.

Usage (from the repository root; or ``python -m bench.bench_bound``)::

    python bench/bench_bound.py [--lengths 10 30] [--threads 2] [--f0 fcpe] [--repeats 5]
                               [--fma-probe] [--time]

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
- ``ceiling``: the cores' arithmetic ceiling. fp32: with ``--fma-probe``, measured by
  ``bench/fma_peak.c`` (independent 256-bit FMA chains from registers on every thread, built with the
  system's C compiler); otherwise estimated as cores x reported clock x 32 FLOPs per cycle, which a
  boosting core exceeds (here: estimated 156.5, measured 254 GFLOP/s), so only the measured one is a
  ceiling. int8 = 2x fp32 on AVX2 without VNNI (``vpmaddubsw`` + ``vpmaddwd`` per 32 multiply-adds,
  where fp32 needs four FMAs), 4x with VNNI. No runtime can beat it, whatever the load.
- ``throughput``: the best GFLOP/s this machine reached, now, for the content encoders' dominant
  shape (a Whisper large-v2 MLP product, 1500 x 1280 by 1280 x 5120) in fp32 (``torch.mm``) and in
  int8 (``torch.ao`` dynamic quantised linear, which quantises the activations as it goes), best of
  ``--repeats``. Only meaningful on an idle machine (``load_average`` is printed beside it).
- ``bound_rtf``: per length, the counted work at those rates over the audio's seconds:
  ``fp32_ceiling`` / ``fp32_measured``, and ``int8_ceiling`` / ``int8_measured`` where the content
  encoders' linear layers run at the int8 rate (no fidelity cost assumed, which issue 18's
  measurements contradict). ``target_rtf`` is the issue's target; ``reachable`` says whether each
  bound is under it: where even the ceiling is over the target, no runtime reaches it on this CPU.
- ``achieved`` (``--time``): an ordinary exact conversion of each length, timed per stage, and the
  GFLOP/s each stage reached: how far from the ceiling the product already runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry, sdpa_flop_count

try:  # python -m bench.bench_bound
    from bench.bench_convert import build, convert_once, song
except ModuleNotFoundError as error:  # python bench/bench_bound.py: the script's own folder is importable
    if error.name != "bench":
        raise
    from bench_convert import build, convert_once, song  # type: ignore[no-redef]

TARGETS = {10.0: 0.8, 30.0: 0.6}  # issue 18: fast whole-conversion RTF on this 2-core CPU at sovits5
LINEAR_OPS = {torch.ops.aten.addmm, torch.ops.aten.mm}


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
        if packet is torch.ops.aten._scaled_dot_product_flash_attention_for_cpu:  # not in the registry
            query, key, value = args[:3]
            n = sdpa_flop_count(query.shape, key.shape, value.shape)
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
    """One exact conversion of ``seconds`` of the bench's synthetic song under :class:`StageFlops`.

    The stage follows the converter's progress events (``pitch``, ``post``); the two content
    encoders' windows are labelled ``whisper`` and ``hubert`` and the generator's chunks
    ``synthesis`` (wrappers on these instances only, removed afterwards)."""
    from models.convert.options import ConvertOptions, run_to_end

    counter = StageFlops()
    ppg, vec = converter.extractors.ppg, converter.extractors.vec
    ppg.encode_window = _labelled(counter, "whisper", ppg.encode_window)
    vec.encode_window = _labelled(counter, "hubert", vec.encode_window)
    converter._chunk_part = _labelled(counter, "synthesis", converter._chunk_part)

    def follow(item: Any) -> None:
        counter.stage = item.stage

    try:
        with torch.inference_mode(), counter:
            run_to_end(converter.convert(song(seconds), 44100, ConvertOptions(report=False)), follow)
    finally:
        del ppg.encode_window, vec.encode_window, converter._chunk_part
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
    return result


def ceilings(cpuinfo: str | None = None, fma_gflops: float | None = None) -> dict[str, Any]:
    """The cores' arithmetic ceilings: fp32 and int8 GFLOP/s that no runtime can exceed.

    fp32: ``fma_gflops`` when measured (:func:`fma_probe`); otherwise cores x clock x 32 FLOPs per
    cycle (two 256-bit FMA units, 8 multiply-adds each) at the clock ``cpuinfo`` reports (default:
    /proc/cpuinfo; Linux x86, else empty), marked ``"estimated"``: a boosting core runs above
    that clock, so the estimate may be under the real ceiling. int8: AVX2 without VNNI multiplies
    bytes with ``vpmaddubsw`` and widens with ``vpmaddwd``, two instructions per 32 multiply-adds
    where fp32 needs four FMAs: 2x the fp32 ceiling; with VNNI (``vpdpbusd``, one instruction) 4x.
    """
    if cpuinfo is None:
        try:
            with open("/proc/cpuinfo", encoding="utf-8") as f:
                cpuinfo = f.read()
        except OSError:
            return {}
    lines = cpuinfo.splitlines()
    mhz = [float(line.split(":")[1]) for line in lines if line.startswith("cpu MHz")]
    flags = next((set(line.split(":")[1].split()) for line in lines if line.startswith("flags")), set())
    if not mhz or "fma" not in flags:
        return {}
    vnni = bool(flags & {"avx_vnni", "avx512_vnni"})
    fp32 = fma_gflops if fma_gflops else sum(mhz) * 32 / 1000
    return {
        "cores": len(mhz),
        "mhz": round(sum(mhz) / len(mhz)),
        "vnni": vnni,
        "source": "measured" if fma_gflops else "estimated",
        "fp32_gflops": round(fp32, 1),
        "int8_gops": round(fp32 * (4 if vnni else 2), 1),
    }


def fma_probe(threads: int) -> tuple[float | None, str]:
    """Builds and runs bench/fma_peak.c (a C compiler with AVX2, FMA and OpenMP needed): the
    measured fp32 ceiling of ``threads`` cores in GFLOP/s, or None and why not."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or platform.machine() not in ("x86_64", "AMD64"):
        return None, "no C compiler for x86-64 here"
    source = Path(__file__).resolve().with_name("fma_peak.c")
    with tempfile.TemporaryDirectory() as folder:
        exe = Path(folder) / "fma_peak"
        flags = ["-O2", "-mavx2", "-mfma", "-fopenmp", str(source), "-o", str(exe)]
        built = subprocess.run([compiler, *flags], capture_output=True, text=True)
        if built.returncode != 0:
            return None, f"cannot build fma_peak.c: {built.stderr.strip()[-200:]}"
        env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
        ran = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=300)
        if ran.returncode != 0:
            return None, f"fma_peak failed: {ran.stderr.strip()[-200:]}"
        return float(ran.stdout.strip()), "measured"


def achieved(converter: Any, seconds: float, counter: StageFlops) -> dict[str, Any]:
    """An ordinary exact conversion (no counting), timed per stage: GFLOP/s each stage reaches."""
    run = convert_once(converter, seconds, chunk=10.0)
    groups = {"pitch": ["pitch"], "content": ["whisper", "hubert"], "synthesis": ["synthesis"]}
    out: dict[str, Any] = {"rtf": run["rtf"]}
    for stage, parts in groups.items():
        t = run["stages_rtf"][stage] * seconds
        gflop = sum(counter.flops[p] for p in parts) / 1e9
        out[stage] = {"seconds": round(t, 2), "gflops": round(gflop / t, 1) if t > 0 else None}
    return out


def bound(
    counter: StageFlops, seconds: float, rates: dict[str, Any], ceiling: dict[str, Any]
) -> dict[str, Any]:
    """Least RTF for the counted work at the given rates (GFLOP/s); ``int8_*`` runs the
    content encoders' linear layers at the int8 rate (no fidelity cost assumed)."""
    gflop = {stage: n / 1e9 for stage, n in counter.flops.items()}
    total = sum(gflop.values())
    content_linear = (counter.linear["whisper"] + counter.linear["hubert"]) / 1e9
    row: dict[str, Any] = {
        "seconds": seconds,
        "gflop": {stage: round(v, 1) for stage, v in sorted(gflop.items())},
        "gflop_total": round(total, 1),
        "linear_gflop": {s: round(counter.linear[s] / 1e9, 1) for s in ("whisper", "hubert")},
        "bound_rtf": {},
    }
    pairs = [
        ("fp32_ceiling", ceiling.get("fp32_gflops"), None),
        ("int8_ceiling", ceiling.get("fp32_gflops"), ceiling.get("int8_gops")),
        ("fp32_measured", rates.get("fp32_gflops"), None),
        ("int8_measured", rates.get("fp32_gflops"), rates.get("int8_gflops")),
    ]
    for name, fp32, int8 in pairs:
        if not fp32 or (name.startswith("int8") and not int8):
            continue
        t = total / fp32 if int8 is None else (total - content_linear) / fp32 + content_linear / int8
        row["bound_rtf"][name] = round(t / seconds, 3)
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
    parser.add_argument(
        "--fma-probe", action="store_true", help="measure the fp32 ceiling with bench/fma_peak.c (needs cc)"
    )
    parser.add_argument(
        "--time", action="store_true", help="also time an ordinary conversion per length (GFLOP/s per stage)"
    )
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
    fma, how = fma_probe(args.threads) if args.fma_probe else (None, "not asked (--fma-probe)")
    result["ceiling"] = ceiling = ceilings(fma_gflops=fma)
    result["ceiling"]["fma_probe"] = how
    result["throughput"] = rates = throughput(args.repeats)
    converter = build("cpu", args.f0)
    result["lengths"] = []
    for seconds in args.lengths:
        counter = count_flops(converter, seconds)
        row = bound(counter, seconds, rates, ceiling)
        if args.time:
            row["achieved"] = achieved(converter, seconds, counter)
        result["lengths"].append(row)
    result["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
