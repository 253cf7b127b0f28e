#!/bin/bash
# lai-bench svd: builds lai-bench-svd standalone (bench/svd/CMakeLists.txt),
# times lapack-ai's GPU SVD, batched Jacobi and LAPACK on this machine's CPU,
# then cuSOLVER through PyTorch on the same matrices (torch_svd_ref.py), and
# merges both into $OUT/table.txt and $OUT/results.json (merge.py).
# On the NVIDIA device machine (OUT set, .device/debs carried: OpenCL ICD +
# headers, OpenBLAS pthread, LAPACKE, libgfortran5 as Debian 12 packages):
#   bash bench/svd/run_device.sh
# Here, on PoCL, tiny sizes in well under 2 minutes (no CUDA torch here, so
# the cuSOLVER columns stay empty):
#   LAI_BENCH_QUICK=1 OUT=/tmp/out bash bench/svd/run_device.sh
# Knobs: LAI_SVD_BUDGET_S (lapack-ai + LAPACK part, default 125 s),
# LAI_SVD_CPU_BUDGET_S (LAPACK share of it, 45 s), LAI_SVD_TORCH_BUDGET_S
# (90 s); LAI_BENCH_SVD_KERNEL_DIR: freshly generated .cl files that replace
# generated/'s (when the snapshot lags behind the templates);
# LAI_BENCH_SVD_EXTRA_SOURCES: more runtime/src files for the standalone build.
# Files in $OUT (8 at most come back): table.txt results.json build.log
# lai_svd.log lai_svd.json torch_svd.log torch_svd.json.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/build-bench-svd/out}
mkdir -p "$OUT"
BUILD=${BUILD:-/tmp/lai-bench-svd-build}
WORK=${WORK:-/tmp/lai-bench-svd-work}
rm -rf "$WORK"; mkdir -p "$WORK" "$BUILD"
T0=$(date +%s)
CMAKE_DEPS=""
if [ -d "$ROOT/.device/debs" ] && { [ ! -f /usr/include/CL/cl.h ] || [ ! -f /usr/include/lapacke.h ]; }; then
  # Device machine: OpenCL ICD loader + headers, OpenBLAS, LAPACKE, gfortran runtime from carried .debs.
  SYS=/tmp/svddeps; mkdir -p $SYS
  for f in "$ROOT"/.device/debs/*.deb; do dpkg -x "$f" $SYS; done
  mkdir -p $SYS/vendors
  lib=$(ls /usr/lib/libnvidia-opencl.so.1 /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 /usr/local/nvidia/lib64/libnvidia-opencl.so.1 2>/dev/null | head -1 || true)
  [ -n "$lib" ] && echo "$lib" > $SYS/vendors/nvidia.icd
  export OCL_ICD_VENDORS=$SYS/vendors
  export LD_LIBRARY_PATH=$SYS/usr/lib/x86_64-linux-gnu/openblas-pthread:$SYS/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
  CMAKE_DEPS="-DLAI_DEPS_ROOT=$SYS"
fi
KDIR=""
[ -n "${LAI_BENCH_SVD_KERNEL_DIR:-}" ] && KDIR="-DLAI_BENCH_SVD_KERNEL_DIR=$LAI_BENCH_SVD_KERNEL_DIR"
# More runtime sources (relative to runtime/src, ';'-separated) if a new SVD stage needs them.
[ -n "${LAI_BENCH_SVD_EXTRA_SOURCES:-}" ] && KDIR="$KDIR -DLAI_BENCH_SVD_EXTRA_SOURCES=$LAI_BENCH_SVD_EXTRA_SOURCES"
export LAI_OPENCL_CACHE_DIR=${LAI_OPENCL_CACHE_DIR:-$BUILD/cl-cache}
echo "== configure + build (log: $OUT/build.log)"
cmake -S "$ROOT/bench/svd" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release $CMAKE_DEPS $KDIR > "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; exit 1; }
cmake --build "$BUILD" -j "$(nproc)" >> "$OUT/build.log" 2>&1 || { tail -60 "$OUT/build.log"; exit 1; }
grep "lai-bench-svd:" "$OUT/build.log" || true
T1=$(date +%s)
if [ "${LAI_BENCH_QUICK:-0}" = 1 ]; then
  SIZES=64,128; TALL=512x64; BATCHED=200x8,100x16,50x32,20x64; REPS=2
  BUDGET=${LAI_SVD_BUDGET_S:-60}; CPUB=${LAI_SVD_CPU_BUDGET_S:-20}; TB=${LAI_SVD_TORCH_BUDGET_S:-30}
  FULLN=100
else
  SIZES=1024,2048,4096,8192; TALL=16384x1024; BATCHED=10000x8,10000x16,10000x32,1000x64; REPS=3
  BUDGET=${LAI_SVD_BUDGET_S:-125}; CPUB=${LAI_SVD_CPU_BUDGET_S:-45}; TB=${LAI_SVD_TORCH_BUDGET_S:-90}
  FULLN=4096
fi
echo "== lai-bench-svd (budget ${BUDGET} s, LAPACK ${CPUB} s)"
set +e
"$BUILD/lai-bench-svd" --out "$OUT/lai_svd.json" --sv-dir "$WORK" --sizes $SIZES --tall $TALL --batched $BATCHED \
  --reps $REPS --cpu-reps $REPS --cpu-max-n 4096 --full-check-max-n $FULLN --budget-s $BUDGET --cpu-budget-s $CPUB \
  2>&1 | tee "$OUT/lai_svd.log"
LAI_RC=${PIPESTATUS[0]}
set -e
T2=$(date +%s)
TORCH_NOTE="not run"
if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  echo "== cuSOLVER through PyTorch (budget ${TB} s)"
  set +e
  PYTHONUNBUFFERED=1 python3 "$ROOT/bench/svd/torch_svd_ref.py" "$OUT/torch_svd.json" "$WORK" --sizes $SIZES --tall $TALL \
    --batched $BATCHED --reps $REPS --budget-s $TB 2>&1 | tee "$OUT/torch_svd.log"
  TRC=${PIPESTATUS[0]}
  set -e
  TORCH_NOTE="exit $TRC"
else
  echo "no CUDA PyTorch here: cuSOLVER columns stay empty"
  TORCH_NOTE="no CUDA PyTorch on this machine"
fi
# Jacobi tuning sweep (device only, LAI_SVD_JACOBI_TUNE=0 skips it): every
# "// lai-tune:" configuration of the generated kernel, forced through
# LAI_SVD_JACOBI_OPTIONS, on the target batches (thin vectors, device-resident
# column "lai-dev"); the lead copies the winner into the tuning table.
if [ "${LAI_SVD_JACOBI_TUNE:-$([ "${LAI_BENCH_QUICK:-0}" = 1 ] && echo 0 || echo 1)}" = 1 ]; then
  echo "== Jacobi tuning sweep (log: $OUT/jacobi_tune.log)"
  TB_BATCHED=${LAI_SVD_TUNE_BATCHED:-10000x16,10000x32,1000x64}
  for dt in f64 f32; do
    grep '^// lai-tune:' "$ROOT/generated/lai_svd_jacobi_$dt.cl" | sed 's#^// lai-tune: ##' | while read -r opt; do
      echo "-- $dt $opt" | tee -a "$OUT/jacobi_tune.log"
      LAI_SVD_JACOBI_OPTIONS="$opt" timeout 60 "$BUILD/lai-bench-svd" --out "$WORK/tune.json" --sv-dir "$WORK" \
        --sizes "" --tall none --batched "$TB_BATCHED" --dtypes $dt --jobs S --reps 3 --no-cpu --budget-s 40 \
        2>&1 | grep -E "^batched |rror|FAIL" | tee -a "$OUT/jacobi_tune.log" || true
    done
  done
fi
# Bidiagonalization tuning sweep (device only, same switch): the GPU SVD's
# "// lai-tune:" configurations through LAI_SVD_BIDIAG_OPTIONS, values only.
if [ "${LAI_SVD_JACOBI_TUNE:-$([ "${LAI_BENCH_QUICK:-0}" = 1 ] && echo 0 || echo 1)}" = 1 ]; then
  echo "== bidiagonalization tuning sweep (log: $OUT/bidiag_tune.log)"
  for dt in f64 f32; do
    grep '^// lai-tune:' "$ROOT/generated/lai_svd_bidiag_$dt.cl" | sed 's#^// lai-tune: ##' | while read -r opt; do
      echo "-- $dt $opt" | tee -a "$OUT/bidiag_tune.log"
      LAI_SVD_BIDIAG_OPTIONS="$opt" timeout 90 "$BUILD/lai-bench-svd" --out "$WORK/tune.json" --sv-dir "$WORK" \
        --sizes ${LAI_SVD_TUNE_SIZES:-2048,4096} --tall none --batched none --dtypes $dt --jobs N --reps 2 --no-cpu \
        --budget-s 60 2>&1 | grep -E "^square|stages|rror|FAIL" | tee -a "$OUT/bidiag_tune.log" || true
    done
  done
fi
T3=$(date +%s)
DRV=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -1 || true)
GIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo "unknown (no .git)")
python3 - "$WORK/run.json" "$DRV" "$GIT" "$((T1-T0))" "$((T2-T1))" "$((T3-T2))" "$LAI_RC" "$TORCH_NOTE" "${LAI_BENCH_QUICK:-0}" <<'EOF'
import json, sys, datetime
a = sys.argv
json.dump({"date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
           "nvidia_driver": a[2] or "n/a", "commit": a[3], "build_s": int(a[4]), "lai_bench_svd_s": int(a[5]),
           "torch_s": int(a[6]), "lai_bench_svd_exit": int(a[7]), "torch": a[8], "quick": a[9] == "1"},
          open(a[1], "w"))
EOF
python3 "$ROOT/bench/svd/merge.py" "$OUT/lai_svd.json" "$OUT/torch_svd.json" "$WORK" "$OUT/results.json" "$WORK/run.json" \
  | tee "$OUT/table.txt"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$OUT/results.json" && echo "results.json: valid JSON"
echo "total $(( $(date +%s) - T0 )) s (build $((T1-T0)) s, lai-bench-svd $((T2-T1)) s, torch $((T3-T2)) s)"
