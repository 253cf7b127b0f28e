#!/bin/bash
# Session 8 probe on the device machine: the one-stage bidiagonalization with
# launches 1 and 2 of a column as one (FUSE=1: col_step, three launches per
# column) against four (the tuned FUSE=0), and the trailing update's inner
# dimension padded to the GEMM's K tile (default now) against the tile unit
# (LAI_SVD_TRAIL_K=unit, as before), in alternating processes
# (probe_host.sh), after the accuracy zoo with FUSE=1 (col_step's in-launch
# waits on NVIDIA's scheduler).
# Usage on the device: OUT=... bash bench/svd/probe_fuse.sh
# Writes $OUT/zoo_fuse.log, $OUT/fuse_f64.log, $OUT/fuse_f32.log (+ medians on stdout).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/probe-fuse}; mkdir -p "$OUT"
BUILD=${BUILD:-/tmp/lai-bench-svd-build}
if [ ! -x "$BUILD/lai-bench-svd" ]; then
  LAI_SVD_ZOO=0 LAI_SVD_SIZES=256 LAI_SVD_TALL=none LAI_SVD_BATCHED=none LAI_SVD_TORCH=0 OUT=/tmp/probe-build \
    bash "$ROOT/bench/svd/run_device.sh" > /tmp/probe-build.log 2>&1 || { tail -20 /tmp/probe-build.log; exit 1; }
fi
if [ -d /tmp/svddeps/vendors ]; then
  export OCL_ICD_VENDORS=/tmp/svddeps/vendors
  export LD_LIBRARY_PATH=/tmp/svddeps/usr/lib/x86_64-linux-gnu/openblas-pthread:/tmp/svddeps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
fi
export LAI_OPENCL_CACHE_DIR=${LAI_OPENCL_CACHE_DIR:-$BUILD/cl-cache}
F64="-DCOLS=128 -DNB=32 -DRTEAM=8 -DWG=128"
F32="-DCOLS=64 -DNB=32 -DRTEAM=8 -DWG=256"
echo "== zoo with FUSE=1 ($F64 -DFUSE=1)"
LAI_SVD_BIDIAG_OPTIONS="$F64 -DFUSE=1" timeout 120 "$BUILD/lai-bench-svd" --zoo --out /tmp/zoo_fuse.json \
  --zoo-budget-s "${ZOO_BUDGET_S:-40}" > "$OUT/zoo_fuse.log" 2>&1
echo "zoo exit $?"; tail -3 "$OUT/zoo_fuse.log"
for dt in f64 f32; do
  if [ $dt = f64 ]; then O=$F64; O2=${F64/WG=128/WG=256}; else O=$F32; O2=${F32/WG=256/WG=128}; fi
  V="LAI_SVD_BIDIAG_OPTIONS=$O,LAI_SVD_TRAIL_K=unit;LAI_SVD_BIDIAG_OPTIONS=$O;LAI_SVD_BIDIAG_OPTIONS=$O -DFUSE=1"
  V="$V;LAI_SVD_BIDIAG_OPTIONS=$O2 -DFUSE=1"
  VARIANTS="$V" DTYPES=$dt JOBS=NS SIZES=${SIZES:-2048,4096} ROUNDS=${ROUNDS:-3} BD_SIZES=none OUT=$OUT \
    bash "$ROOT/bench/svd/probe_host.sh" > /dev/null 2>&1
  mv "$OUT/probe_host.log" "$OUT/fuse_$dt.log"
done
# Medians per variant and case (the square rows: size, job, seconds).
python3 - "$OUT/fuse_f64.log" "$OUT/fuse_f32.log" <<'PY'
import re, sys, statistics, collections
for f in sys.argv[1:]:
    t = collections.defaultdict(list); v = None
    for line in open(f):
        m = re.match(r"-- round \d+ (.*)", line)
        if m: v = m.group(1).replace("LAI_SVD_BIDIAG_OPTIONS=", "").replace(",LAI_SVD_TRAIL_K=", " K:"); continue
        m = re.match(r"square\s+(\S+)\s+(\S+)\s+(\S)\s+lai-gpu\s+([0-9.]+) s", line)
        if m and v: t[(m.group(1), m.group(2), m.group(3), v)].append(float(m.group(4)))
    print("==", f)
    for k in sorted(t): print("%s %-10s %s %-56s med %.4f: %s" % (k[0], k[1], k[2], k[3], statistics.median(t[k]), " ".join("%.4f" % x for x in t[k])))
PY
