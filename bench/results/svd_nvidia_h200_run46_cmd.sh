#!/bin/bash
# Session 10, run 46: the full benchmark (zoo, lapack-ai, cuSOLVER via PyTorch, LAPACK) on the final
# code (f32 tuned with YFUSE 1), then 3 rounds of f64 and f32 at 2048 and 4096 in one process each.
set -uo pipefail
T0=$(date +%s)
bash bench/svd/run_device.sh > $OUT/run.log 2>&1; echo "run_device rc=$? $(( $(date +%s) - T0 )) s"
tail -60 $OUT/run.log
VARIANTS="LAI_SVD_NOTE=a" DTYPES=f64,f32 JOBS=NS SIZES=2048,4096 ROUNDS=3 STAGE_REPS=3 BD_SIZES=none OUT=$OUT/rounds bash bench/svd/probe_host.sh > /dev/null 2>&1
echo "rounds done $(( $(date +%s) - T0 )) s"
grep -E "^-- round|^square|stages" $OUT/rounds/probe_host.log | sed -E 's/ bidiag_enqueue [^ ]+//; s/ back_transform.*total/ total/; s/ r_usv.*\(full\)//; s/dc_merges.*//' | cut -c1-150
echo "total $(( $(date +%s) - T0 )) s"
