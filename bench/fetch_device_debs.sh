#!/bin/bash
# Downloads (here, on the Debian 12 development machine) the packages the GPU
# device machine lacks into .device/debs, which the device call carries and
# bench/gpu/run_device.sh and bench/svd/run_device.sh unpack with dpkg -x:
# the OpenCL ICD loader, headers and clinfo (bench/gpu, bench/svd), and
# OpenBLAS + LAPACKE with the gfortran runtime (bench/svd). Nothing is
# installed here. Usage: bash bench/fetch_device_debs.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST="$ROOT/.device/debs"
mkdir -p "$DEST"
cd "$DEST"
apt-get download ocl-icd-libopencl1 ocl-icd-opencl-dev opencl-c-headers opencl-headers clinfo \
  libopenblas0-pthread libopenblas-pthread-dev libopenblas-dev liblapacke liblapacke-dev libtmglib3 \
  libgfortran5 libquadmath0
ls -1 "$DEST"
