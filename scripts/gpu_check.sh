#!/usr/bin/env bash
# What can only be shown on CUDA, in one short run (about 8 minutes on one GPU); JSON out.
#
#   bash scripts/gpu_check.sh [SHARED_DIR]        (SHARED_DIR default: <repo>/../shared)
#
# Legs (each writes one JSON file; all are merged into gpu_check.json in $OUT if set, else in the
# work folder, and printed):
#   train   200 steps of sovits5 training (the trainer's AMP choice: bf16, or fp16 with the scaler)
#           on the shared target singer with real Whisper-base PPG; step time, peak VRAM.
#   resume  the same run killed with SIGKILL after its step-100 checkpoint and resumed to 200.
#           CUDA training is not deterministic here (the reflection-padding backward has no
#           deterministic CUDA kernel), so it is not compared bit for bit: what is compared is the
#           resumed run's step-200 weights against the straight run's (max |difference|), next to
#           the same difference between the two runs' step-100 checkpoints (the nondeterminism
#           baseline); a resume that lost state would differ far more than the baseline.
#   quality bench/bench_quality.py on CUDA at the sovits5 preset (about 4 minutes of training
#           from scratch), F0 error in cents and resemblyzer similarity.
#   benches bench_train / bench_convert (a 3-minute song) CUDA legs, and the inference
#           generator's CUDA real-time factor (bench_generator has no CUDA leg of its own).
# Variables: GPU_CHECK_DEVICE (cuda), GPU_CHECK_PRESET (sovits5), GPU_CHECK_STEPS (200),
# GPU_CHECK_QUALITY_MIN (4.5), GPU_CHECK_WORK (a temporary folder), PYTHON (the repo's .venv).
# A CPU smoke run of the plumbing: GPU_CHECK_DEVICE=cpu GPU_CHECK_PRESET=tiny GPU_CHECK_STEPS=20 ...
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=$(cd "${1:-$repo/../shared}" && pwd)
py=${PYTHON:-$repo/.venv/bin/python}; [ -x "$py" ] || py=python3
device=${GPU_CHECK_DEVICE:-cuda}; preset=${GPU_CHECK_PRESET:-sovits5}; steps=${GPU_CHECK_STEPS:-200}
half=$((steps / 2)); qmin=${GPU_CHECK_QUALITY_MIN:-4.5}
work=${GPU_CHECK_WORK:-$(mktemp -d)}; mkdir -p "$work"
out=${OUT:-$work}; mkdir -p "$out"
export PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}"
cd "$repo"
t0=$(date +%s)
echo "gpu_check: device $device, preset $preset, work $work" >&2

# 1. quality leg first: it prepares the dataset (real Whisper-base PPG) the training legs use.
"$py" bench/bench_quality.py --device "$device" --preset "$preset" --minutes "$qmin" --shared "$shared" \
  --work "$work/quality" --out "$work/quality.json" >/dev/null

# 2. 200 steps straight, then the same run killed -9 after step 100 and resumed.
train_py='
import json, sys, time, torch
from models.config import VoiceConfig
from models.training import train
from models.training.determinism import configure_torch
run, dataset, preset, device, steps, every = sys.argv[1:7]
configure_torch(0, device=device)
cfg = VoiceConfig.from_preset(preset)
cfg = cfg.replace(train=cfg.train.replace(save_every=int(every), eval_every=10**9, val_clips=0, log_every=10))
if device.startswith("cuda"):
    torch.cuda.reset_peak_memory_stats()
t, times, last = None, [], None
for p in train(run, dataset, cfg, feature_cache=dataset.rsplit("/", 1)[0] + "/features", device=device,
               max_steps=int(steps)):
    now = time.perf_counter()
    if p.phase == "train" and t is not None:
        times.append(now - t)
    t, last = now, p
times = sorted(times[5:]) or [0.0]
print(json.dumps({"steps": last.step, "precision": last.precision, "batch": last.batch_size,
                  "s_per_step_median": round(times[len(times) // 2], 4),
                  "losses": {k: round(v, 4) for k, v in last.losses.items()},
                  "peak_vram_mib": round(torch.cuda.max_memory_allocated() / 2**20, 1)
                  if device.startswith("cuda") else None}))
'
dataset="$work/quality/dataset"
"$py" -c "$train_py" "$work/straight" "$dataset" "$preset" "$device" "$steps" "$half" > "$work/train.json"
"$py" -c "$train_py" "$work/killed" "$dataset" "$preset" "$device" "$((steps * 10))" "$half" > /dev/null &
pid=$!
while [ ! -f "$work/killed/checkpoints/step_$(printf %08d "$half").ckpt" ]; do
  kill -0 "$pid" 2>/dev/null || { echo "gpu_check: the run to be killed ended early" >&2; exit 1; }
  sleep 0.2
done
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
"$py" -c "$train_py" "$work/killed" "$dataset" "$preset" "$device" "$steps" "$half" > "$work/resumed.json"
"$py" - "$work" "$steps" "$half" > "$work/resume.json" <<'EOF'
import json, sys
from pathlib import Path
from models.formats.artifact import load_checkpoint
work, steps, half = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def gap(a, b):
    a, b = load_checkpoint(a), load_checkpoint(b)
    return max(float((a["model_g"][k].float() - b["model_g"][k].float()).abs().max()) for k in a["model_g"])
name = lambda s: f"checkpoints/step_{s:08d}.ckpt"
resumed = json.loads((work / "resumed.json").read_text())
print(json.dumps({
    "killed_after_step": half, "resumed_to": resumed["steps"],
    "max_abs_weight_diff_at_half_baseline": gap(work / "straight" / name(half), work / "killed" / name(half)),
    "max_abs_weight_diff_at_end": gap(work / "straight" / name(steps), work / "killed" / name(steps)),
    "final_losses_resumed": resumed["losses"],
    "compared": "weights of the resumed run vs the straight run at the end, next to the two runs' "
                "difference at the kill point (CUDA nondeterminism baseline); not bit-exact on CUDA",
}))
EOF

# 3. bench legs on CUDA (skipped on the CPU smoke run: they have their own CPU legs).
if [ "${device%%:*}" = cuda ]; then
  "$py" bench/bench_train.py --device cuda --batch 1 8 --steps 5 > "$work/bench_train.json"
  "$py" bench/bench_convert.py --device cuda --lengths 10 180 --rss-lengths > "$work/bench_convert.json"
  "$py" - > "$work/bench_generator.json" <<'EOF'
import json, time, torch
from models.config import VoiceConfig
from models.nets.synthesizer import SynthesizerInfer
cfg = VoiceConfig.sovits5(); m = cfg.model; dev = torch.device("cuda")
g = SynthesizerInfer(cfg).eval().to(dev); runs = []
for seconds in (10.0, 30.0):
    n = int(seconds * 100)
    x = dict(ppg=torch.randn(1, m.ppg_dim, n, device=dev), vec=torch.randn(1, m.vec_dim, n, device=dev),
             f0=torch.full((1, n), 220.0, device=dev), spk=torch.nn.functional.normalize(torch.randn(1, m.spk_dim, device=dev)))
    with torch.inference_mode():
        g(**x); torch.cuda.synchronize(); t = time.perf_counter(); g(**x); torch.cuda.synchronize()
    runs.append({"seconds": seconds, "rtf": round((time.perf_counter() - t) / seconds, 5)})
print(json.dumps({"bench": "generator_cuda", "runs": runs, "peak_vram_mib": round(torch.cuda.max_memory_allocated() / 2**20, 1)}))
EOF
fi

"$py" - "$work" "$out/gpu_check.json" "$(( $(date +%s) - t0 ))" <<'EOF'
import json, sys, torch, platform, datetime
from pathlib import Path
work, dest, wall = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
report = {"date": datetime.date.today().isoformat(), "torch": torch.__version__, "machine": platform.machine(),
          "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None, "wall_s": wall}
for leg in ("train", "resume", "quality", "bench_train", "bench_convert", "bench_generator"):
    path = work / f"{leg}.json"
    report[leg] = json.loads(path.read_text()) if path.is_file() else "not run"
text = json.dumps(report, indent=1)
dest.write_text(text + "\n")
print(text)
EOF
