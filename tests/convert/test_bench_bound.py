"""bench/bench_bound.py counts the FLOPs it says it counts: products, convolutions and attention,
also under ``torch.inference_mode`` (the converter's), where composite ops reach the counting mode
whole; and it runs as a script and as a module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from bench.bench_bound import StageFlops

ROOT = Path(__file__).resolve().parents[2]


def _ops() -> None:
    F.linear(torch.randn(2, 5, 20), torch.randn(30, 20))  # 2*10*20*30 = 12000
    F.conv1d(torch.randn(1, 4, 100), torch.randn(8, 4, 3))  # 2*98*8*4*3 = 18816
    F.conv_transpose1d(torch.randn(1, 4, 10), torch.randn(4, 2, 4), stride=2)  # 2*10*4*2*4 = 640
    q = torch.randn(1, 2, 7, 4)
    F.scaled_dot_product_attention(q, q, q)  # 2 products of 2*2*7*7*4 = 1568


EXPECTED = 12000 + 18816 + 640 + 1568


@pytest.mark.parametrize("mode", ["inference_mode", "no_grad"])
def test_counts_products_convolutions_and_attention(mode):
    counter = StageFlops()
    with getattr(torch, mode)(), counter:
        _ops()
    assert dict(counter.flops) == {"other": EXPECTED}
    assert counter.linear["other"] == 12000


def test_control_without_decomposition_inference_mode_hides_the_work(monkeypatch):
    """The reason for the decomposition step: without it, linear/conv1d/attention arrive whole
    under inference mode and nothing but plain ``mm`` would be counted."""
    monkeypatch.setattr(torch._ops.OpOverload, "decompose", lambda self, *a, **k: NotImplemented)
    counter = StageFlops()
    with torch.inference_mode(), counter:
        _ops()
    assert sum(counter.flops.values()) < EXPECTED / 10


def test_whisper_encoder_matches_the_analytic_count():
    """A small openai-whisper AudioEncoder: stem convolutions + per block q/k/v/out and MLP products
    + attention, counted by hand."""
    from whisper.model import AudioEncoder

    n_mels, ctx, d, heads, layers = 8, 50, 32, 4, 2
    encoder = AudioEncoder(n_mels, ctx, d, heads, layers).eval()
    counter = StageFlops()
    with torch.inference_mode(), counter:
        encoder(torch.randn(1, n_mels, 2 * ctx))
    stem = 2 * (2 * ctx) * d * n_mels * 3 + 2 * ctx * d * d * 3
    block = 2 * ctx * d * d * 4 + 2 * ctx * d * 4 * d * 2 + 2 * 2 * ctx * ctx * d
    assert counter.flops["other"] == stem + layers * block


@pytest.mark.parametrize("how", [["bench/bench_bound.py"], ["-m", "bench.bench_bound"]])
def test_runs_as_a_script_and_as_a_module(how):
    done = subprocess.run([sys.executable, *how, "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--lengths" in done.stdout


def test_ceilings_follow_the_cores_clock_and_vnni():
    from bench.bench_bound import ceilings

    core = "processor\t: {i}\ncpu MHz\t\t: 2445.0\nflags\t\t: fpu sse2 avx fma avx2{extra}\n\n"
    plain = ceilings("".join(core.format(i=i, extra="") for i in range(2)))
    assert plain == {"cores": 2, "mhz": 2445, "vnni": False, "source": "estimated", "fp32_gflops": 156.5,
                     "int8_gops": 313.0}
    measured = ceilings("".join(core.format(i=i, extra="") for i in range(2)), fma_gflops=254.0)
    assert measured["source"] == "measured" and measured["int8_gops"] == 508.0
    vnni = ceilings("".join(core.format(i=i, extra=" avx512_vnni") for i in range(4)))
    assert vnni["fp32_gflops"] == 313.0 and vnni["int8_gops"] == pytest.approx(1252.0, abs=0.5)
    assert ceilings("processor\t: 0\ncpu MHz\t\t: 2445.0\nflags\t\t: sse2\n") == {}  # no FMA: no claim


def test_fma_probe_is_a_ceiling_over_what_torch_mm_reaches():
    """The probe's one-core figure is over the best fp32 rate torch.mm reaches on one core (a probe
    that counted wrong or was optimised away would be far off either way)."""
    from bench.bench_bound import _best_seconds, fma_probe

    one, why = fma_probe(1)
    if one is None:
        pytest.skip(why)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        x, w = torch.randn(512, 512), torch.randn(512, 512)
        mm = 2 * 512**3 / _best_seconds(lambda: torch.mm(x, w), 20) / 1e9
    finally:
        torch.set_num_threads(threads)
    assert mm * 0.8 < one < mm * 20
