#!/bin/bash
# Repeated rounds of the GPU SVD timings on the device machine, f64 and f32
# side by side in each process, so that close comparisons (f32 against f64,
# a time against its target) rest on several medians rather than one run;
# STAGE_REPS=K makes each stage time the median of K extra calls.
# Usage on the device (after run_device.sh or probe_host.sh built the
# benchmark): OUT=... ROUNDS=3 SIZES=2048,4096 JOBS=NS REPS=7 STAGE_REPS=1 bash bench/svd/probe_rounds.sh
# Writes $OUT/rounds.log (the table rows and stage times of every round).
set -uo pipefail
BUILD=${BUILD:-/tmp/lai-bench-svd-build}
OUT=${OUT:-/tmp/probe-rounds}; mkdir -p "$OUT"
[ -x "$BUILD/lai-bench-svd" ] || { echo "no $BUILD/lai-bench-svd: run bench/svd/run_device.sh or probe_host.sh first"; exit 1; }
if [ -d /tmp/svddeps/vendors ]; then
  export OCL_ICD_VENDORS=/tmp/svddeps/vendors
  export LD_LIBRARY_PATH=/tmp/svddeps/usr/lib/x86_64-linux-gnu/openblas-pthread:/tmp/svddeps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
fi
export LAI_OPENCL_CACHE_DIR=${LAI_OPENCL_CACHE_DIR:-$BUILD/cl-cache}
mkdir -p /tmp/probe-work
for r in $(seq 1 "${ROUNDS:-3}"); do
  echo "== round $r"
  "$BUILD/lai-bench-svd" --out /tmp/probe-work/rounds.json --sv-dir /tmp/probe-work --sizes "${SIZES:-2048,4096}" \
    --tall none --batched none --dtypes f64,f32 --jobs "${JOBS:-NS}" --no-cpu --reps "${REPS:-7}" \
    --stage-reps "${STAGE_REPS:-1}" 2>&1 |
    grep -E "^square|stages" | sed -E "s/k:.*//" | cut -c1-700
done 2>&1 | tee "$OUT/rounds.log"
