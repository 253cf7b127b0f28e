#!/bin/bash
# The nvmma DGEMM leaf at one size N: the whole spec sweep there, then the
# tuned configuration with each override of OVERRIDES (";"-separated, e.g.
# "GM=4;GM=16"; SWEEP=0 skips the sweep), REPS alternating runs each (plain grid and +tail where the
# library would use it). Output: $OUT/probe_nvmma_$N.log.
#   N=16384 OVERRIDES="GM=4;GM=16;GM=32" bash bench/gpu/probe_nvmma.sh   (device machine)
set -euo pipefail
. "$(dirname "$0")/device_env.sh"  # ROOT, OUT, BUILD; OpenCL on the device; lai-bench-gpu built
N=${N:-16384}
REPS=${REPS:-4}
LOG="$OUT/probe_nvmma_${N}.log"
WORK=$(mktemp -d)
run() {
  LAI_BENCH_GPU_ONLY=gemm_f64 LAI_BENCH_GPU_VARIANTS=nvmma LAI_BENCH_FAST=0 \
    "$BUILD/lai-bench-gpu" --out "$WORK/probe.json" --sizes "$N" --tune-size "$N" --reps "$REPS" --batch 16 2>&1 |
    grep -E "^(tune|gemm) " | sed 's/ -DMMA_VOLATILE=0//'
}
{
  echo "# probe_nvmma.sh N=$N REPS=$REPS OVERRIDES='${OVERRIDES:-}' $(date -u +%FT%TZ)"
  if [ "${SWEEP:-1}" != 0 ]; then
    echo "## the spec's sweep at n=$N"
    run
  fi
  IFS=';' read -ra OVS <<< "${OVERRIDES:-}"
  for ov in "${OVS[@]}"; do
    echo "## tuned configuration with $ov"
    LAI_BENCH_SWEEP=tuned LAI_BENCH_OVERRIDE="$ov" run
  done
} | tee "$LOG"
