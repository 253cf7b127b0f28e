#!/bin/bash
# Host-side probes of the GPU SVD on the device machine (session 5):
#  1. A/B in alternating processes: f64 SVDs (JOBS, default N: values only) at SIZES under each
#     of VARIANTS (';' between variants, ',' between the VAR=value settings
#     of one; values may hold spaces), ROUNDS times, the stage times of each
#     call. Default: plain copies (LAI_STAGING=0) against the staged ones
#     (runtime/src/opencl/staging.h) with 4 and 8 copying threads.
#  2. bdsdc_probe (bench/svd/bdsdc_probe.cpp): the host bidiagonal SVD alone,
#     old and new array handling, on the bidiagonal of a Gaussian matrix, with
#     OpenBLAS's default threads and with 1.
# Usage on the device (after run_device.sh or alone: it builds if needed):
#   OUT=... bash bench/svd/probe_host.sh      (SIZES=2048,4096 ROUNDS=2 JOBS=N BD_SIZES="2048 4096";
#   BD_SIZES=none skips 2.; JOBS=S times thin vectors; DTYPES=f32 or f64,f32: the dtypes of 1.;
#   STAGE_REPS=K: stage times as medians of K extra calls)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/probe-host}; mkdir -p "$OUT"
BUILD=${BUILD:-/tmp/lai-bench-svd-build}
SIZES=${SIZES:-2048,4096}; ROUNDS=${ROUNDS:-2}; BD_SIZES=${BD_SIZES:-"2048 4096"}
VARIANTS=${VARIANTS:-"LAI_STAGING=0;LAI_STAGING=1,LAI_STAGING_THREADS=4;LAI_STAGING=1,LAI_STAGING_THREADS=8"}
if [ ! -x "$BUILD/lai-bench-svd" ] || [ ! -x "$BUILD/bdsdc_probe" ]; then
  LAI_SVD_ZOO=0 LAI_SVD_SIZES=256 LAI_SVD_TALL=none LAI_SVD_BATCHED=none LAI_SVD_TORCH=0 OUT=/tmp/probe-build \
    bash "$ROOT/bench/svd/run_device.sh" > /tmp/probe-build.log 2>&1 || { tail -20 /tmp/probe-build.log; exit 1; }
fi
if [ -d /tmp/svddeps/vendors ]; then
  export OCL_ICD_VENDORS=/tmp/svddeps/vendors
  export LD_LIBRARY_PATH=/tmp/svddeps/usr/lib/x86_64-linux-gnu/openblas-pthread:/tmp/svddeps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
fi
export LAI_OPENCL_CACHE_DIR=${LAI_OPENCL_CACHE_DIR:-$BUILD/cl-cache}
mkdir -p /tmp/probe-work
{
  echo "== A/B: ${DTYPES:-f64} jobs ${JOBS:-N}, sizes $SIZES, $ROUNDS rounds"
  IFS=';' read -ra VARS <<< "$VARIANTS"
  for r in $(seq 1 "$ROUNDS"); do
    for v in "${VARS[@]}"; do
      IFS=',' read -ra SETS <<< "$v"
      echo "-- round $r $v"
      env "${SETS[@]}" "$BUILD/lai-bench-svd" \
        --out /tmp/probe-work/ab.json --sv-dir /tmp/probe-work --sizes "$SIZES" --tall none --batched none \
        --dtypes "${DTYPES:-f64}" --jobs "${JOBS:-N}" --no-cpu --reps 5 --budget-s 30 --stage-reps "${STAGE_REPS:-1}" 2>&1 | grep -E "^square|stages" | sed -E "s/k:.*//" | cut -c1-700
    done
  done
  echo "== bdsdc_probe"
  [ "$BD_SIZES" = none ] && BD_SIZES=""
  for n in $BD_SIZES; do
    "$BUILD/bdsdc_probe" "$n" 2 gauss
    OPENBLAS_NUM_THREADS=1 "$BUILD/bdsdc_probe" "$n" 1 gauss
  done
  nproc; grep -m1 "model name" /proc/cpuinfo
} 2>&1 | tee "$OUT/probe_host.log"
