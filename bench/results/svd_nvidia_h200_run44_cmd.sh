#!/bin/bash
# Session 10, run 44: x_fin's partials loop unrolled; YFUSE shapes for f64
# against the tuned four-launch path.
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
show() { grep -E "^-- round|^square|stages" $1 | sed -E 's/ bidiag_enqueue [^ ]+//; s/ back_transform.*total/ total/; s/ r_usv.*\(full\)//; s/dc_merges.*//' | cut -c1-150; }
VARIANTS="LAI_SVD_BIDIAG_OPTIONS=$F64;LAI_SVD_BIDIAG_OPTIONS=$F64 -DYFUSE=1;LAI_SVD_BIDIAG_OPTIONS=-DCOLS=64 -DCREV=1 -DNB=32 -DRTEAM=8 -DWG=128 -DYFUSE=1;LAI_SVD_BIDIAG_OPTIONS=-DCOLS=32 -DCREV=1 -DNB=32 -DRTEAM=8 -DWG=128 -DYFUSE=1" \
  DTYPES=f64 JOBS=N SIZES=2048,4096 ROUNDS=3 STAGE_REPS=3 BD_SIZES=none OUT=$OUT/ab64 bash bench/svd/probe_host.sh > /dev/null 2>&1
echo "ab f64 done $(( $(date +%s) - T0 )) s"; show $OUT/ab64/probe_host.log
for o in "$F64" "$F64 -DYFUSE=1" "-DCOLS=32 -DCREV=1 -DNB=32 -DRTEAM=8 -DWG=128 -DYFUSE=1"; do
  LAI_SVD_PROFILE=1 LAI_SVD_BIDIAG_OPTIONS="$o" timeout 60 $B/lai-bench-svd --out /tmp/prof.json --sv-dir /tmp --sizes 4096 --tall none --batched none --dtypes f64 --jobs N --no-cpu --reps 2 --budget-s 20 > /tmp/p.log 2>&1
  echo "profile $o"; grep -oE "k:[a-z_0-9]+/[0-9]+ [0-9.e-]+" /tmp/p.log | grep -E "gemv|x_fin|yu|x_next|y_row" ; cat /tmp/p.log >> $OUT/profiles.log
done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
echo "total $(( $(date +%s) - T0 )) s"
