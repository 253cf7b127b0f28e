// The two places where lai-bench-svd reaches past the public API into
// internal entries of the runtime. Both builds of the benchmark
// (bench/svd/CMakeLists.txt and bench/CMakeLists.txt) compile a probe of each
// hook first (bench/svd/probe_*.cpp, LaiBenchSvdProbes.cmake) and define the
// macro only when the probe compiles, so the benchmark builds whether or not
// the entry exists (or has changed), and says in its output which it found.
//
// 1. LAI_BENCH_HAVE_JACOBI_DEVICE: the device-resident batched Jacobi
//    lai::svd::jacobi_device (svd/jacobi_opencl.h), called from
//    jacobi_device_call.h: inputs and outputs in device buffers, so its time
//    compares with cuSOLVER's (torch tensors already on the GPU).
// 2. LAI_BENCH_HAVE_SVD_STAGES: per-stage times of the GPU SVD through
//    lai::svd::gesvd_opencl(..., GpuSvdStageTimes*) (svd/gesvd_opencl.h):
//    one extra call after the timed public-API runs, stages printed per
//    case. If the entry changes, adapt gpu_svd_stages() below and
//    probe_svd_stages.cpp together; until then the table says "stage times:
//    not available in this tree".
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#if defined(LAI_BENCH_HAVE_SVD_STAGES)
#include "svd/gesvd_opencl.h"
#endif

namespace lai_bench_svd {

// One call of the GPU SVD (jobu = jobvt = job, A m x n with lda m, U ld m, VT
// ld min(m,n)) returning (stage, seconds); empty when the entry is absent.
template <class T>
std::vector<std::pair<std::string, double>> gpu_svd_stages(char job, int m, int n, T* A, T* s, T* U, T* VT) {
#if defined(LAI_BENCH_HAVE_SVD_STAGES)
  lai::svd::GpuSvdStageTimes t{};
  int info = 0;
  const int k = std::min(m, n);
  lai::svd::gesvd_opencl<T>(job, job, m, n, A, m, s, U, job == 'S' ? m : 1, VT, job == 'S' ? k : 1, &info, &t);
  std::vector<std::pair<std::string, double>> r{{"upload", t.upload},
                                                 {"bidiagonalize", t.bidiagonalize},
                                                 {"bidiag_enqueue", t.bidiagonalize_enqueue},
                                                 {"host_bidiag_svd", t.host_bidiag_svd},
                                                 {"back_transform", t.back_transform},
                                                 {"download", t.download},
                                                 {"total", t.total},
                                                 {"launches", static_cast<double>(t.launches)}};
  if (t.band > 0) {
    r.insert(r.end(), {{"band", static_cast<double>(t.band)},
                       {"band_reduce", t.band_reduce},
                       {"band_download", t.band_download},
                       {"band_chase", t.band_chase}});
  }
  if (t.dc.merges > 0) {
    r.insert(r.end(), {{"dc_merges", static_cast<double>(t.dc.merges)},
                       {"dc_gpu_merges", static_cast<double>(t.dc.gpu_merges)},
                       {"dc_leaves", t.dc.seconds_leaves},
                       {"dc_deflate", t.dc.seconds_deflate},
                       {"dc_secular", t.dc.seconds_secular},
                       {"dc_products", t.dc.seconds_products},
                       {"dc_merge_matrix", t.dc.seconds_merge_matrix},
                       {"dc_pool_wait", t.dc.seconds_pool_wait},
                       {"dc_on_device", t.vectors_on_device ? 1.0 : 0.0}});
  }
  // LAI_SVD_PROFILE=1: device seconds per kernel ("k:<kernel>/<launches>").
  for (const auto& k : t.kernels) r.push_back({"k:" + k.name + "/" + std::to_string(k.launches), k.seconds});
  return r;
#else
  (void)job, (void)m, (void)n, (void)A, (void)s, (void)U, (void)VT;
  return {};
#endif
}

inline bool have_stage_times() {
#if defined(LAI_BENCH_HAVE_SVD_STAGES)
  return true;
#else
  return false;
#endif
}

inline bool have_jacobi_device() {
#if defined(LAI_BENCH_HAVE_JACOBI_DEVICE)
  return true;
#else
  return false;
#endif
}

}  // namespace lai_bench_svd
