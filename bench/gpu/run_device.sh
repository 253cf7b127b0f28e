#!/bin/bash
# lai-bench gpu: builds lai-bench-gpu, checks and times every generated GPU
# kernel, times cuBLAS (PyTorch) on the same sizes in the same run, and writes
# the merged table and JSON. On the NVIDIA device machine (docs/gpu.md):
#   bash bench/gpu/run_device.sh            (OUT=$OUT, .device/debs carried;
#   fill it here first with bash bench/fetch_device_debs.sh)
# Here, on PoCL, a small smoke run:
#   LAI_BENCH_QUICK=1 OUT=/tmp/out bash bench/gpu/run_device.sh
set -euo pipefail
. "$(dirname "$0")/device_env.sh"  # ROOT, OUT, BUILD; OpenCL on the device; lai-bench-gpu built
if [ "${LAI_BENCH_QUICK:-0}" = 1 ]; then
  ARGS="--sizes 256 --batch 4096 --reps 2 --tune-size 256 --samples 8"
  SIZES=256; BATCH=4096; REPS=2
else
  ARGS="--sizes 8192,16384 --batch 16777216 --reps 5 --tune-size 8192"
  SIZES=8192,16384; BATCH=16777216; REPS=5
fi
"$BUILD/lai-bench-gpu" --out "$OUT/opencl.json" $ARGS 2>&1 | tee "$OUT/opencl.log"
if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  python3 "$ROOT/bench/gpu/torch_ref.py" "$OUT/cublas.json" $SIZES $BATCH $REPS 2>&1 | tee "$OUT/cublas.log"
else
  echo "no CUDA PyTorch here: cuBLAS columns stay empty"
fi
python3 "$ROOT/bench/gpu/merge.py" "$OUT/opencl.json" "$OUT/cublas.json" "$OUT/results.json" | tee "$OUT/table.txt"
