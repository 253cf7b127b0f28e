// The two-stage reduction of the values-only GPU path (band_opencl.h).
#include "svd/band_opencl.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "diagnostics/error.h"
#include "dispatch/env.h"
#include "opencl/cl_error.h"
#include "opencl/gpu.h"
#include "opencl/handles.h"
#include "opencl/pool.h"
#include "opencl/program_cache.h"
#include "opencl/runtime.h"
#include "svd/band_bidiag.h"

namespace lai::svd {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

template <class T>
std::string program_name() {
  return std::is_same_v<T, double> ? "lai_svd_band_f64" : "lai_svd_band_f32";
}

template <class T>
std::string band_options(const ocl::Runtime& rt) {
  if (const char* v = std::getenv("LAI_SVD_BAND_OPTIONS"); v != nullptr) return v;
  return ocl::tuned_options(rt, program_name<T>());
}

template <class... Args>
void set_args(cl_kernel k, const std::string& dev, const Args&... args) {
  cl_uint i = 0;
  (ocl::check(clSetKernelArg(k, i++, sizeof(args), &args), "clSetKernelArg(lai_svd_band)", dev), ...);
}

}  // namespace

std::vector<TsqrLevel> tsqr_levels(int nrows, int B, int RB) {
  std::vector<TsqrLevel> out;
  const int F = RB / B;
  TsqrLevel l{(nrows + RB - 1) / RB, RB, RB, RB, 0, 0, 0};
  for (;;) {
    out.push_back(l);
    if (l.groups <= 1) return out;
    l.tofs += l.groups * B * B;
    l.vofs += l.groups * RB * B;
    l.cs = l.gs;
    l.gs = l.cs * F;
    l.ch = B;
    l.tri = 1;
    l.groups = (l.groups + F - 1) / F;
  }
}

template <class T>
bool two_stage_values_wanted(const ocl::Runtime& rt, int M, int N) {
  (void)M;
  if (const std::optional<int> v = env_int("LAI_SVD_TWO_STAGE"); v.has_value()) return *v != 0;
  const std::string prog = program_name<T>();
  const int minn = ocl::kernel_param(ocl::gpu_source(prog), band_options<T>(rt), "MINN");
  return minn > 0 && N >= minn;
}

template <class T>
void two_stage_bidiagonal(const ocl::Runtime& rt, int M, int N, cl_mem A, int lda, T* d, T* e, TwoStageTimes* times) {
  TwoStageTimes tm;
  const std::string& dev = rt.device.name;
  const std::string prog = program_name<T>();
  const char* src = ocl::gpu_source(prog);
  const std::string options = band_options<T>(rt);
  const int B = ocl::kernel_param(src, options, "B"), RB = ocl::kernel_param(src, options, "RB"),
            TILE = ocl::kernel_param(src, options, "TILE"), GROUP = ocl::kernel_param(src, options, "GROUP");
  tm.band = B;
  const cl_program p = ocl::get_program(rt, src, options);
  auto make = [&](const char* name) {
    cl_int rc = CL_SUCCESS;
    const std::string kname = prog + "_tsqr_" + name;
    ocl::KernelHandle h(clCreateKernel(p, kname.c_str(), &rc));
    ocl::check(rc, ("clCreateKernel(" + kname + ")").c_str(), dev);
    return h;
  };
  const ocl::KernelHandle kqr = make("qr"), kapply = make("apply"), kpack = make("pack");
  const std::size_t es = sizeof(T);
  // T and V of every tree level of one side: the leaves' groups plus at most
  // as many again above them (F >= 2).
  const int leaves = (M + RB - 1) / RB;
  ocl::PooledBuffer dT = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(B) * B * (2 * leaves + 2));
  ocl::PooledBuffer dV = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(RB) * B * (2 * leaves + 2));
  cl_mem Tbuf = dT.get(), Vbuf = dV.get();
  const std::size_t wg = static_cast<std::size_t>(RB);

  // One side: the QR of the panel (nrows x ncols of the operand at pr0, pc0)
  // level by level, each level's update of C (ccols columns at cr0, cc0).
  auto side = [&](int trans, int pr0, int pc0, int nrows, int ncols, int cr0, int cc0, int ccols) {
    for (const TsqrLevel& l : tsqr_levels(nrows, B, RB)) {
      set_args(kqr.get(), dev, A, lda, trans, pr0, pc0, nrows, ncols, l.ch, l.cs, l.gs, l.tri, Tbuf, l.tofs, Vbuf,
               l.vofs);
      const std::size_t gq = static_cast<std::size_t>(l.groups) * wg;
      ocl::check(clEnqueueNDRangeKernel(rt.queue, kqr.get(), 1, nullptr, &gq, &wg, 0, nullptr, nullptr),
                 "clEnqueueNDRangeKernel(lai_svd_band qr)", dev);
      ++tm.launches;
      if (ccols > 0) {
        set_args(kapply.get(), dev, A, lda, trans, nrows, cr0, cc0, ccols, l.ch, l.cs, l.gs, Tbuf, l.tofs, Vbuf,
                 l.vofs);
        const std::size_t ga[2] = {static_cast<std::size_t>(l.groups) * wg,
                                   static_cast<std::size_t>((ccols + TILE - 1) / TILE)};
        const std::size_t la[2] = {wg, 1};
        ocl::check(clEnqueueNDRangeKernel(rt.queue, kapply.get(), 2, nullptr, ga, la, 0, nullptr, nullptr),
                   "clEnqueueNDRangeKernel(lai_svd_band apply)", dev);
        ++tm.launches;
      }
    }
  };

  Clock::time_point t0 = Clock::now();
  for (int j = 0; j < N; j += B) {
    const int w = std::min(B, N - j);
    // Column panel A(j:M, j:j+w): QR, then Q^T on A(j:M, j+B:N).
    side(0, j, j, M - j, w, j, j + B, N - j - B);
    if (N - j - B <= 0) break;
    // Row panel A(j:j+w, j+B:N) on the transposed view: LQ, then A(j+B:M, j+B:N) Q.
    side(1, j + B, j, N - j - B, w, j + B, j + B, M - j - B);
  }
  ocl::check(clFinish(rt.queue), "clFinish(lai_svd_band)", dev);
  tm.stage1 = seconds_since(t0);

  t0 = Clock::now();
  const std::size_t band_elems = static_cast<std::size_t>(B + 1) * N;
  ocl::PooledBuffer dBand = ocl::acquire_buffer(rt, es * band_elems);
  cl_mem bandm = dBand.get();
  set_args(kpack.get(), dev, A, lda, N, bandm);
  const std::size_t gp[2] = {static_cast<std::size_t>(B + 1), static_cast<std::size_t>(N)};
  ocl::check(clEnqueueNDRangeKernel(rt.queue, kpack.get(), 2, nullptr, gp, nullptr, 0, nullptr, nullptr),
             "clEnqueueNDRangeKernel(lai_svd_band pack)", dev);
  ++tm.launches;
  std::vector<T> band(band_elems);
  ocl::check(clEnqueueReadBuffer(rt.queue, bandm, CL_TRUE, 0, es * band_elems, band.data(), 0, nullptr, nullptr),
             "clEnqueueReadBuffer(band)", dev);
  tm.download = seconds_since(t0);

  t0 = Clock::now();
  tm.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<T> dd(static_cast<std::size_t>(N)), ee(static_cast<std::size_t>(std::max(N, 1)));
  const int rc = band_to_bidiagonal(N, B, band.data(), B + 1, dd.data(), ee.data(), tm.threads, std::max(1, GROUP));
  if (rc != 0) {
    fail(LAI_ERROR_INTERNAL, "two-stage SVD: band_to_bidiagonal refused argument " + std::to_string(-rc) +
                                 " (N " + std::to_string(N) + ", B " + std::to_string(B) + ")");
  }
  std::copy(dd.begin(), dd.end(), d);
  std::copy(ee.begin(), ee.begin() + std::max(N - 1, 0), e);
  tm.stage2 = seconds_since(t0);
  if (times != nullptr) *times = tm;
}

template bool two_stage_values_wanted<double>(const ocl::Runtime&, int, int);
template bool two_stage_values_wanted<float>(const ocl::Runtime&, int, int);
template void two_stage_bidiagonal<double>(const ocl::Runtime&, int, int, cl_mem, int, double*, double*,
                                           TwoStageTimes*);
template void two_stage_bidiagonal<float>(const ocl::Runtime&, int, int, cl_mem, int, float*, float*, TwoStageTimes*);

}  // namespace lai::svd
