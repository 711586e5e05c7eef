"""bench/bench_live.py runs both ways its docstring says (as a script from the repository root, and
as ``python -m bench.bench_live``), and writes its JSON row by row: a run that is stopped part-way
still leaves the rows it measured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("how", [["bench/bench_live.py"], ["-m", "bench.bench_live"]])
def test_runs_as_a_script_and_as_a_module(how):
    done = subprocess.run([sys.executable, *how, "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--blocks-ms" in done.stdout


@pytest.mark.slow
def test_rows_are_written_as_they_are_measured(tmp_path):
    out = tmp_path / "live.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "bench/bench_live.py", "--presets", "tiny", "--device", "cpu",
         "--blocks-ms", "160", "640", "--count", "40", "--threads", "1", "--out", str(out)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        rows: list = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists():
                rows = json.loads(out.read_text())["runs"]
                if rows:
                    break
            time.sleep(0.05)
        assert rows, proc.stderr.read() if proc.poll() is not None else "no row within 240 s"
    finally:
        proc.terminate()  # stopped part-way (the 640 ms rows take another ~20 s)
        proc.wait(30)
    report = json.loads(out.read_text())
    assert report["runs"][0]["block_ms"] == 160 and report["runs"][0]["median_ms"] > 0
    assert report["complete"] is False  # what a stopped run leaves: the finished rows, marked incomplete
