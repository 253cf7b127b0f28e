#!/bin/bash
# Paired DGEMM against cuBLAS at one size (issue 5's "80% of cuBLAS" line):
# the library's tuned nvmma leaf (plain grid and with its split-K tail, as
# lai_dgemm_opencl runs it) and cuBLAS through PyTorch, timed in adjacent
# processes, PAIRS times, in the order L R, R L, L R, ... so that the GPU's
# clocks and temperature drift alike for both. Each process: one warm-up, REPS
# timed calls, median; per pair the ratio; the median over pairs.
# bench/gpu/run_device.sh times cuBLAS once, after the whole OpenCL run, so
# its ratio carries whatever state the GPU is in then.
#   bash bench/gpu/paired_dgemm.sh      (device machine; OUT, N, PAIRS, REPS)
set -euo pipefail
. "$(dirname "$0")/device_env.sh"  # ROOT, OUT, BUILD; OpenCL on the device; lai-bench-gpu built
N=${N:-8192}
PAIRS=${PAIRS:-6}
REPS=${REPS:-10}
WORK=$(mktemp -d)
LOG="$OUT/paired_${N}.log"
: > "$LOG"
lai() {
  echo "== pair $1: lapack-ai $(date -u +%T)" >> "$LOG"
  LAI_BENCH_GPU_ONLY=gemm_f64 LAI_BENCH_GPU_VARIANTS=nvmma LAI_BENCH_SWEEP=tuned LAI_BENCH_FAST=0 \
    "$BUILD/lai-bench-gpu" --out "$WORK/lai_$1.json" --sizes "$N" --tune-size "$N" --reps "$REPS" --batch 16 >> "$LOG" 2>&1
}
ref() {
  echo "== pair $1: cuBLAS $(date -u +%T)" >> "$LOG"
  LAI_REF_ONLY=gemm_f64 python3 "$ROOT/bench/gpu/torch_ref.py" "$WORK/cublas_$1.json" "$N" 0 "$REPS" >> "$LOG" 2>&1
}
for p in $(seq 1 "$PAIRS"); do
  if [ $((p % 2)) = 1 ]; then lai "$p"; ref "$p"; else ref "$p"; lai "$p"; fi
done
python3 "$ROOT/bench/gpu/paired.py" "$WORK" "$N" "$PAIRS" "$OUT/paired_${N}.json" | tee "$OUT/paired_${N}.txt"
