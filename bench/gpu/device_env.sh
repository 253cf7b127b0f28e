# Sourced by bench/gpu/run_device.sh, paired_dgemm.sh and probe_nvmma.sh:
# sets ROOT (the checkout), OUT (results; default build-bench-gpu/out) and
# BUILD (default /tmp/lai-bench-gpu-build); on the device machine installs
# OpenCL headers, ICD loader and clinfo from the carried .debs
# (bench/fetch_device_debs.sh fills .device/debs here) with NVIDIA's ICD;
# then builds lai-bench-gpu into $BUILD.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/build-bench-gpu/out}
mkdir -p "$OUT"
BUILD=${BUILD:-/tmp/lai-bench-gpu-build}
if [ -d "$ROOT/.device/debs" ] && [ ! -f /usr/include/CL/cl.h ]; then
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
