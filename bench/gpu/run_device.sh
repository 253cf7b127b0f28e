#!/bin/bash
# lai-bench gpu: builds lai-bench-gpu, checks and times every generated GPU
# kernel, times cuBLAS (PyTorch) on the same sizes in the same run, and writes
# the merged table and JSON. On the NVIDIA device machine (docs/gpu.md):
#   bash bench/gpu/run_device.sh            (OUT=$OUT, .device/debs carried;
#   fill it here first with bash bench/fetch_device_debs.sh)
# Here, on PoCL, a small smoke run:
#   LAI_BENCH_QUICK=1 OUT=/tmp/out bash bench/gpu/run_device.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/build-bench-gpu/out}
mkdir -p "$OUT"
BUILD=${BUILD:-/tmp/lai-bench-gpu-build}
if [ -d "$ROOT/.device/debs" ] && [ ! -f /usr/include/CL/cl.h ]; then
  # Device machine: OpenCL headers, ICD loader and clinfo from carried .debs.
  SYS=/tmp/ocl; mkdir -p $SYS
  for f in "$ROOT"/.device/debs/*.deb; do dpkg -x "$f" $SYS; done
  mkdir -p $SYS/vendors
  lib=$(ls /usr/lib/libnvidia-opencl.so.1 /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 /usr/local/nvidia/lib64/libnvidia-opencl.so.1 2>/dev/null | head -1)
  echo "$lib" > $SYS/vendors/nvidia.icd
  export OCL_ICD_VENDORS=$SYS/vendors
  export LD_LIBRARY_PATH=$SYS/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
  CMAKE_OCL="-DOpenCL_INCLUDE_DIR=$SYS/usr/include -DOpenCL_LIBRARY=$SYS/usr/lib/x86_64-linux-gnu/libOpenCL.so.1"
  (LD_LIBRARY_PATH=$SYS/usr/lib/x86_64-linux-gnu $SYS/usr/bin/clinfo -l || true) 2>&1 | head -5
else
  CMAKE_OCL=""
fi
export LAI_OPENCL_CACHE_DIR=${LAI_OPENCL_CACHE_DIR:-$BUILD/cl-cache}
cmake -S "$ROOT/bench/gpu" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release $CMAKE_OCL > "$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
cmake --build "$BUILD" -j "$(nproc)" >> "$OUT/build.log" 2>&1 || { tail -50 "$OUT/build.log"; exit 1; }
if [ "${LAI_BENCH_QUICK:-0}" = 1 ]; then
  ARGS="--sizes 256 --batch 4096 --reps 2 --tune-size 256 --samples 8"
  SIZES=256; BATCH=4096; REPS=2
else
  ARGS="--sizes 8192,16384 --batch 16777216 --reps 5 --tune-size 8192"
  SIZES=8192,16384; BATCH=16777216; REPS=5
fi
"$BUILD/lai-bench-gpu" --out "$OUT/opencl.json" $ARGS 2>&1 | tee "$OUT/opencl.log"
if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  python3 "$ROOT/bench/gpu/torch_ref.py" "$OUT/cublas.json" $SIZES $BATCH $REPS 2>&1 | tee "$OUT/cublas.log"
else
  echo "no CUDA PyTorch here: cuBLAS columns stay empty"
fi
python3 "$ROOT/bench/gpu/merge.py" "$OUT/opencl.json" "$OUT/cublas.json" "$OUT/results.json" | tee "$OUT/table.txt"
