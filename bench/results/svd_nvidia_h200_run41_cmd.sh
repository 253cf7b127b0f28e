#!/bin/bash
# Session 10, run 41: YFUSE (three launches per column) A/B against the tuned
# four-launch path, f64 and f32, alternating processes; a profile at 4096; the
# device zoo with YFUSE on.
set -uo pipefail
T0=$(date +%s)
LAI_SVD_ZOO=0 LAI_SVD_SIZES=256 LAI_SVD_TALL=none LAI_SVD_BATCHED=none LAI_SVD_TORCH=0 OUT=/tmp/pb \
  bash bench/svd/run_device.sh > $OUT/build.log 2>&1 || { tail -30 $OUT/build.log; exit 1; }
echo "build done $(( $(date +%s) - T0 )) s"
B=/tmp/lai-bench-svd-build
export OCL_ICD_VENDORS=/tmp/svddeps/vendors
export LD_LIBRARY_PATH=/tmp/svddeps/usr/lib/x86_64-linux-gnu/openblas-pthread:/tmp/svddeps/usr/lib/x86_64-linux-gnu
export LAI_OPENCL_CACHE_DIR=$B/cl-cache
F64="-DCOLS=128 -DCREV=1 -DNB=32 -DRTEAM=8 -DWG=128"
F32="-DCOLS=64 -DFCOLS=16 -DFMAXN=1536 -DNB=32 -DRTEAM=8 -DWG=256"
# correctness first (NVIDIA compiler), short budget
LAI_SVD_BIDIAG_OPTIONS="$F64 -DYFUSE=1" timeout 120 $B/lai-bench-svd --zoo --out $OUT/zoo_yfuse_f64.json --zoo-budget-s 40 --dtypes f64 > $OUT/zoo_yfuse_f64.log 2>&1; echo "zoo f64 rc=$? $(( $(date +%s) - T0 )) s"; tail -4 $OUT/zoo_yfuse_f64.log
VARIANTS="LAI_SVD_BIDIAG_OPTIONS=$F64;LAI_SVD_BIDIAG_OPTIONS=$F64 -DYFUSE=1;LAI_SVD_BIDIAG_OPTIONS=-DCOLS=64 -DCREV=1 -DNB=32 -DRTEAM=8 -DWG=128 -DYFUSE=1" \
  DTYPES=f64 JOBS=N SIZES=2048,4096 ROUNDS=3 STAGE_REPS=3 BD_SIZES=none OUT=$OUT/ab64 bash bench/svd/probe_host.sh > /dev/null 2>&1
echo "ab f64 done $(( $(date +%s) - T0 )) s"
grep -E "^-- round|^square|stages" $OUT/ab64/probe_host.log | sed -E 's/ bidiag_enqueue [^ ]+//; s/ back_transform.*total/ total/' | cut -c1-200
VARIANTS="LAI_SVD_BIDIAG_OPTIONS=$F32;LAI_SVD_BIDIAG_OPTIONS=$F32 -DYFUSE=1;LAI_SVD_BIDIAG_OPTIONS=$F64 -DFCOLS=16 -DFMAXN=1536 -DYFUSE=1" \
  DTYPES=f32 JOBS=N SIZES=2048,4096 ROUNDS=3 STAGE_REPS=3 BD_SIZES=none OUT=$OUT/ab32 bash bench/svd/probe_host.sh > /dev/null 2>&1
echo "ab f32 done $(( $(date +%s) - T0 )) s"
grep -E "^-- round|^square|stages" $OUT/ab32/probe_host.log | sed -E 's/ bidiag_enqueue [^ ]+//; s/ back_transform.*total/ total/' | cut -c1-200
LAI_SVD_PROFILE=1 LAI_SVD_BIDIAG_OPTIONS="$F64 -DYFUSE=1" timeout 60 $B/lai-bench-svd --out /tmp/prof.json --sv-dir /tmp --sizes 4096 --tall none --batched none --dtypes f64 --jobs N --no-cpu --reps 2 --budget-s 20 > $OUT/profile_yfuse_4096.log 2>&1
LAI_SVD_PROFILE=1 LAI_SVD_BIDIAG_OPTIONS="$F64" timeout 60 $B/lai-bench-svd --out /tmp/prof.json --sv-dir /tmp --sizes 4096 --tall none --batched none --dtypes f64 --jobs N --no-cpu --reps 2 --budget-s 20 > $OUT/profile_tuned_4096.log 2>&1
echo "profiles $(( $(date +%s) - T0 )) s"
grep -iE "larfg|yu_gemv|x_fin|x_next|y_row|gemm|trail" $OUT/profile_yfuse_4096.log | head -20
grep -iE "larfg|yu_gemv|x_fin|x_next|y_row|gemm|trail" $OUT/profile_tuned_4096.log | head -20
if [ $(( $(date +%s) - T0 )) -lt 480 ]; then
  LAI_SVD_BIDIAG_OPTIONS="$F32 -DYFUSE=1" timeout 90 $B/lai-bench-svd --zoo --out $OUT/zoo_yfuse_f32.json --zoo-budget-s 40 --dtypes f32 > $OUT/zoo_yfuse_f32.log 2>&1; echo "zoo f32 rc=$?"; tail -4 $OUT/zoo_yfuse_f32.log
fi
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
echo "total $(( $(date +%s) - T0 )) s"
