#!/usr/bin/env bash
# lapack-ai: the README's two commands.
#
#   ./run.sh demo   install what is missing, build, regenerate and verify the
#                   default kernels, run the demo (schemes, lai_dgemm vs OpenBLAS)
#   ./run.sh test   install what is missing, build, run the whole test suite
#                   (ctest), then the parser tests again under ASan+UBSan
#
# Works on a fresh Debian 12 machine as root (or with sudo). Environment:
#   BUILD_DIR (default build), JOBS (default 2), LAI_FACTORS_DIR (default
#   ../shared/factors), LAI_SKIP_INSTALL=1 to never call apt-get.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-2}
export LAI_FACTORS_DIR=${LAI_FACTORS_DIR:-$ROOT/../shared/factors}

# Debian packages the build, tests and demo use (see README "Dependencies").
PACKAGES=(
  build-essential cmake pkg-config gfortran git
  libopenblas-dev liblapacke-dev
  libzip-dev nlohmann-json3-dev libssl-dev libcli11-dev
  googletest libgtest-dev libbenchmark-dev
  ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo
  clang-14 libclang-14-dev libclang-cpp14-dev llvm-14-dev libclang-rt-14-dev
)

install_missing() {
  [ "${LAI_SKIP_INSTALL:-0}" = 1 ] && return 0
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "run.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure() {
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DLAI_FACTORS_DIR="$LAI_FACTORS_DIR" "$@"
}

build() {
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

demo() {
  install_missing
  configure
  # Regenerate from scratch: drop the emitted kernels so the build runs
  # lai-gen (verify, then emit) for every default scheme again.
  rm -f "$BUILD_DIR"/generated/*.cpp "$BUILD_DIR"/generated/*.h "$BUILD_DIR"/generated/*.f90 "$BUILD_DIR"/generated/*.cl
  build
  echo
  echo "== the fresh kernels against the committed snapshot in generated/"
  (cd "$BUILD_DIR" && ctest -R '^generated_snapshot$' --output-on-failure | grep -E "tests passed|Failed|generated")
  if [ -x "$BUILD_DIR/generator/lai_verify/lai-verify" ]; then
    echo
    echo "== lai-verify: the emitted C++ and OpenCL kernels, executed symbolically (docs/verification.md)"
    (cd "$BUILD_DIR" && ctest -R '^lai_verify\.(all_default|gap\..*)$' -V 2>&1 |
       grep -E "lai-verify: |cannot verify|tests passed|tests failed" | sed -E 's/^[0-9]+: //')
  else
    echo "(lai-verify not built: the Clang development packages are missing)"
  fi
  local schemes=("$ROOT"/factors/*.json)
  if [ -d "$LAI_FACTORS_DIR" ]; then
    schemes+=("$LAI_FACTORS_DIR/alphatensor/factorizations_r.npz:4,4,4"
              "$LAI_FACTORS_DIR/plinopt/4x4x4_48_rational"
              "$LAI_FACTORS_DIR/plinopt/4x4x4_48_accurate"
              "$LAI_FACTORS_DIR/plinopt/4x4x4_49_156"
              "$LAI_FACTORS_DIR/alphatensor/factorizations_f2.npz:4,4,4")
  else
    echo "(external factor files not found at $LAI_FACTORS_DIR: showing the project's schemes only)"
  fi
  echo
  "$BUILD_DIR"/bench/lai-demo "${schemes[@]}"
}

run_tests() {
  install_missing
  configure
  build
  (cd "$BUILD_DIR" && ctest --output-on-failure -j "$JOBS")
  # The parsers again under AddressSanitizer and UndefinedBehaviorSanitizer:
  # only the generator library and its tests, so this stays a few minutes.
  local asan="$BUILD_DIR-asan"
  cmake -S "$ROOT" -B "$asan" -DCMAKE_BUILD_TYPE=Debug -DLAI_SANITIZE=address,undefined \
        -DLAI_BUILD_BENCH=OFF -DLAI_FACTORS_DIR="$LAI_FACTORS_DIR" >/dev/null
  cmake --build "$asan" -j "$JOBS" --target test_readers test_generator
  (cd "$asan" && ctest --output-on-failure -j "$JOBS" -L parsers)
  # The runtime's CPU threading (par2/split2 teams and their CPU placement,
  # concurrent callers, per-thread errors and workspaces) under
  # ThreadSanitizer: the library, test_runtime, part of test_svd_gpu and the
  # bulge chase's thread tests (about 4 minutes).
  # OpenBLAS is not instrumented and its thread pool synchronises through
  # spin flags TSan cannot see, so it runs single-threaded here; our own
  # threads (the teams, the callers) are what is checked. No target_clones:
  # TSan's instrumented ifunc resolvers crash in the dynamic loader.
  local tsan="$BUILD_DIR-tsan"
  cmake -S "$ROOT" -B "$tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_FLAGS="-fsanitize=thread -DLAI_NO_TARGET_CLONES" \
        -DCMAKE_CXX_FLAGS="-fsanitize=thread -DLAI_NO_TARGET_CLONES" \
        -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
        -DLAI_BUILD_BENCH=OFF -DLAI_WITH_CLANG_VERIFY=OFF -DLAI_FACTORS_DIR="$LAI_FACTORS_DIR" >/dev/null
  cmake --build "$tsan" -j "$JOBS" --target test_runtime test_svd_gpu test_band_bidiag
  OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1" "$tsan/tests/runtime/test_runtime" \
    --gtest_filter='FastGemm.*:Threads.ConcurrentGemm*:Threads.LastError*:BatchedCpu.*'
  # The GPU SVD's host threads: the divide and conquer's parallel halves and
  # secular loops (products on PoCL and on the host), the staged copies'
  # helper threads and their barrier, the upload's NaN/Inf visitor.
  OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1" LAI_OPENCL_CACHE_DIR="$tsan/cl-cache" \
    "$tsan/tests/svd/test_svd_gpu" --gtest_filter='BdsdcHybrid.*:Staging.Col*:Staging.Below*:Staging.NonFinite*'
  # The two-stage SVD's bulge chase: sweeps pipelined over host threads that
  # wait on each other's progress counters (svd/band_bidiag.h).
  TSAN_OPTIONS="halt_on_error=1" "$tsan/tests/svd/test_band_bidiag" --gtest_filter='BandBidiag.EveryThreadCount*'
}

case "${1:-}" in
  demo) demo ;;
  test) run_tests ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
