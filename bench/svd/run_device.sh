#!/bin/bash
# lai-bench svd: builds lai-bench-svd standalone (bench/svd/CMakeLists.txt),
# runs the accuracy zoo on the device first (lai-bench-svd --zoo, svd_zoo.h:
# tests/svd's matrix zoo through the forced OpenCL GPU path and the batched
# Jacobi, LAPACK's ddrvbd ratios, bound 50), then times lapack-ai's GPU SVD,
# batched Jacobi and LAPACK on this machine's CPU, then cuSOLVER through
# PyTorch on the same matrices (torch_svd_ref.py), and merges all into
# $OUT/table.txt and $OUT/results.json (merge.py). A zoo failure does not stop
# the timings; the script then exits 1 at the end (after writing everything).
# On the NVIDIA device machine (OUT set, .device/debs carried: OpenCL ICD +
# headers, OpenBLAS pthread, LAPACKE, libgfortran5 as Debian 12 packages,
# downloaded here by bash bench/fetch_device_debs.sh):
#   bash bench/svd/run_device.sh
# Here, on PoCL, tiny sizes in well under 2 minutes (no CUDA torch here, so
# the cuSOLVER columns stay empty):
#   LAI_BENCH_QUICK=1 OUT=/tmp/out bash bench/svd/run_device.sh
# (QUICK: the zoo on small shapes only.)
# Device time, about: build 10 s, zoo 25-30 s (cap LAI_SVD_ZOO_BUDGET_S, 45 s),
# lai-bench-svd 125 s, torch 150 s + its start: under 6 minutes.
# Knobs: LAI_SVD_ZOO=0 skips the zoo, LAI_SVD_ZOO_BUDGET_S (cases past it are
# not run and listed, default 45 s); LAI_SVD_BUDGET_S (lapack-ai + LAPACK
# part, default 125 s), LAI_SVD_CPU_BUDGET_S (LAPACK share of it, 45 s),
# LAI_SVD_TORCH_BUDGET_S (150 s; shapes cheapest first, so the tall 16384x1024
# runs before 8192, which gets the rest); LAI_SVD_TUNE=jacobi,bidiag,bisect,dc
# (any subset; LAI_SVD_JACOBI_TUNE=1 = all) adds tuning sweeps (off by default);
# LAI_BENCH_SVD_KERNEL_DIR: freshly generated .cl files that replace
# generated/'s (when the snapshot lags behind the templates);
# LAI_BENCH_SVD_EXTRA_SOURCES: more runtime/src files for the standalone build.
# Files in $OUT (8 at most come back): table.txt results.json build.log
# zoo.log lai_svd.log torch_svd.log (+ tune.log with the sweeps). The JSONs of the parts (zoo.json lai_svd.json
# torch_svd.json) stay in $WORK: results.json holds each whole ("zoo",
# "lapack_ai", "cusolver").
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
# Accuracy zoo first (device: defaults of lai-bench-svd --zoo; QUICK: small shapes, PoCL is slow).
ZOO_RC=-1
ZOO_JSON=""
if [ "${LAI_SVD_ZOO:-1}" = 1 ]; then
  if [ "${LAI_BENCH_QUICK:-0}" = 1 ]; then
    ZOO_ARGS="--zoo-shapes 40x40,1x25,25x1,200x20,20x200,37x29 --zoo-big-shapes none --zoo-batched 4x4,8x8,16x16,32x32,12x5,5x12,40x7,1x6,6x1 --zoo-per-kind 2 --zoo-budget-s ${LAI_SVD_ZOO_BUDGET_S:-240}"
  else
    ZOO_ARGS="--zoo-budget-s ${LAI_SVD_ZOO_BUDGET_S:-45}"
  fi
  echo "== accuracy zoo on the device (log: $OUT/zoo.log)"
  set +e
  "$BUILD/lai-bench-svd" --zoo --out "$WORK/zoo.json" $ZOO_ARGS 2>&1 | tee "$OUT/zoo.log"
  ZOO_RC=${PIPESTATUS[0]}
  set -e
  [ -f "$WORK/zoo.json" ] && ZOO_JSON="$WORK/zoo.json"
  echo "zoo exit $ZOO_RC (0 pass, 1 failure, 3 cases left unrun by the budget)"
fi
T1Z=$(date +%s)
if [ "${LAI_BENCH_QUICK:-0}" = 1 ]; then
  SIZES=64,128; TALL=512x64; BATCHED=200x8,100x16,50x32,20x64; REPS=2
  BUDGET=${LAI_SVD_BUDGET_S:-60}; CPUB=${LAI_SVD_CPU_BUDGET_S:-20}; TB=${LAI_SVD_TORCH_BUDGET_S:-30}
  FULLN=100
else
  SIZES=1024,2048,4096,8192; TALL=16384x1024; BATCHED=10000x8,10000x16,10000x32,1000x64; REPS=3
  BUDGET=${LAI_SVD_BUDGET_S:-125}; CPUB=${LAI_SVD_CPU_BUDGET_S:-45}; TB=${LAI_SVD_TORCH_BUDGET_S:-150}
  FULLN=4096
fi
# Overrides for short runs: LAI_SVD_SIZES / LAI_SVD_TALL / LAI_SVD_BATCHED
# ("none" for no tall or batched shapes), LAI_SVD_TORCH=0 skips cuSOLVER.
SIZES=${LAI_SVD_SIZES:-$SIZES}; TALL=${LAI_SVD_TALL:-$TALL}; BATCHED=${LAI_SVD_BATCHED:-$BATCHED}
echo "== lai-bench-svd (budget ${BUDGET} s, LAPACK ${CPUB} s)"
set +e
"$BUILD/lai-bench-svd" --out "$WORK/lai_svd.json" --sv-dir "$WORK" --sizes $SIZES --tall $TALL --batched $BATCHED \
  --reps $REPS --cpu-reps $REPS --cpu-max-n 4096 --full-check-max-n $FULLN --budget-s $BUDGET --cpu-budget-s $CPUB \
  2>&1 | tee "$OUT/lai_svd.log"
LAI_RC=${PIPESTATUS[0]}
set -e
T2=$(date +%s)
TORCH_NOTE="not run"
if [ "${LAI_SVD_TORCH:-1}" = 1 ] && python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  echo "== cuSOLVER through PyTorch (budget ${TB} s)"
  set +e
  PYTHONUNBUFFERED=1 python3 "$ROOT/bench/svd/torch_svd_ref.py" "$WORK/torch_svd.json" "$WORK" --sizes $SIZES --tall $TALL \
    --batched $BATCHED --reps $REPS --budget-s $TB 2>&1 | tee "$OUT/torch_svd.log"
  TRC=${PIPESTATUS[0]}
  set -e
  TORCH_NOTE="exit $TRC"
else
  echo "no CUDA PyTorch here: cuSOLVER columns stay empty"
  TORCH_NOTE="no CUDA PyTorch on this machine"
fi
T2T=$(date +%s)
# Tuning sweeps (opt-in, device only): LAI_SVD_TUNE is a comma list of
# jacobi, bidiag, bisect, dc (LAI_SVD_JACOBI_TUNE=1 = the first three). Each runs every
# "// lai-tune:" configuration of that generated kernel, forced through its
# LAI_SVD_<KERNEL>_OPTIONS variable: jacobi on the target batches (thin
# vectors, device-resident "lai-batched-dev" rows), bidiag and bisect on
# values-only SVDs (stage times: bidiagonalize, and host_bidiag_svd = the
# device bisection for values only), dc on thin SVDs (host_bidiag_svd). One log, $OUT/tune.log; the lead copies
# the winners into runtime/src/opencl/tuning_table.inc.
TUNE=${LAI_SVD_TUNE:-}
[ "${LAI_SVD_JACOBI_TUNE:-0}" = 1 ] && TUNE=jacobi,bidiag,bisect
sweep() {  # kernel env-var grep-pattern lai-bench-svd-args...
  local kernel=$1 var=$2 pat=$3; shift 3
  echo "== $kernel tuning sweep (log: $OUT/tune.log)"
  for dt in f64 f32; do
    grep '^// lai-tune:' "$ROOT/generated/lai_svd_${kernel}_$dt.cl" | sed 's#^// lai-tune: ##' | while read -r opt; do
      echo "-- $kernel $dt $opt" | tee -a "$OUT/tune.log"
      env "$var=$opt" timeout 90 "$BUILD/lai-bench-svd" --out "$WORK/tune.json" --sv-dir "$WORK" --dtypes $dt \
        --no-cpu "$@" 2>&1 | grep -E "$pat|rror|FAIL" | tee -a "$OUT/tune.log" || true
    done
  done
}
case ",$TUNE," in *,jacobi,*)
  sweep jacobi LAI_SVD_JACOBI_OPTIONS "^batched " --sizes "" --tall none \
    --batched "${LAI_SVD_TUNE_BATCHED:-10000x16,10000x32,1000x64}" --jobs S --reps 3 --budget-s 40 ;;
esac
case ",$TUNE," in *,bidiag,*)
  sweep bidiag LAI_SVD_BIDIAG_OPTIONS "^square|stages" --sizes "${LAI_SVD_TUNE_SIZES:-2048,4096}" --tall none \
    --batched none --jobs N --reps 2 --budget-s 60 ;;
esac
case ",$TUNE," in *,dc,*)
  # The divide and conquer's secular kernels: thin vectors (the merges of
  # the device-resident bidiagonal SVD).
  sweep dc LAI_SVD_DC_OPTIONS "^square|stages" --sizes "${LAI_SVD_TUNE_DC_SIZES:-2048,4096}" --tall none \
    --batched none --jobs S --reps 2 --budget-s 60 ;;
esac
case ",$TUNE," in *,bisect,*)
  sweep bisect LAI_SVD_BISECT_OPTIONS "^square|stages" --sizes "${LAI_SVD_TUNE_BISECT_SIZES:-4096,8192}" \
    --tall none --batched none --jobs N --reps 2 --budget-s 60 ;;
esac
T3=$(date +%s)
DRV=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -1 || true)
# --dirty: the device machine gets a copy of the working tree whose .git may be older than the files.
# LAI_BENCH_COMMIT names the tree where the checkout's git metadata is not
# its own (the device tool's copy carries the session's starting commit).
GIT=${LAI_BENCH_COMMIT:-$(cd "$ROOT" && git describe --always --dirty=+uncommitted-changes 2>/dev/null || echo "unknown (no .git)")}
python3 - "$WORK/run.json" "$DRV" "$GIT" "$((T1-T0))" "$((T1Z-T1))" "$((T2-T1Z))" "$((T2T-T2))" "$((T3-T2T))" \
  "$ZOO_RC" "$LAI_RC" "$TORCH_NOTE" "${LAI_BENCH_QUICK:-0}" <<'EOF'
import json, sys, datetime
a = sys.argv
json.dump({"date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
           "nvidia_driver": a[2] or "n/a", "commit": a[3], "build_s": int(a[4]), "zoo_s": int(a[5]),
           "lai_bench_svd_s": int(a[6]), "torch_s": int(a[7]), "tuning_s": int(a[8]),
           "zoo_exit": int(a[9]) if a[9] != "-1" else "not run", "lai_bench_svd_exit": int(a[10]), "torch": a[11],
           "quick": a[12] == "1"},
          open(a[1], "w"))
EOF
python3 "$ROOT/bench/svd/merge.py" "$WORK/lai_svd.json" "$WORK/torch_svd.json" "$WORK" "$OUT/results.json" "$WORK/run.json" \
  $ZOO_JSON | tee "$OUT/table.txt"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$OUT/results.json" && echo "results.json: valid JSON"
echo "total $(( $(date +%s) - T0 )) s (build $((T1-T0)) s, zoo $((T1Z-T1)) s, lai-bench-svd $((T2-T1Z)) s, torch $((T2T-T2)) s, tuning $((T3-T2T)) s)"
if [ "$ZOO_RC" = 1 ]; then
  echo "accuracy zoo: FAILED (zoo.log, table.txt): exit 1"
  exit 1
fi
