// Launches the generated batched Jacobi SVD kernel (jacobi_opencl.h):
// jacobi_device enqueues it on device buffers in compact form; the host path
// packs A to m x n per matrix, runs jacobi_device in chunks that keep each
// buffer under 256 MiB and scatters the compact outputs into the caller's
// strides.
#include "svd/jacobi_opencl.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <type_traits>

#include "diagnostics/error.h"
#include "opencl/backend.h"
#include "opencl/cl_error.h"
#include "opencl/gpu.h"
#include "opencl/handles.h"
#include "opencl/pool.h"
#include "opencl/program_cache.h"
#include "opencl/runtime.h"

namespace lai::svd {

namespace {

constexpr std::size_t kMaxChunkBytes = std::size_t{256} << 20;
constexpr std::size_t kMaxGlobalGroups = 4096;  // global variant: bounds the scratch

template <class T>
void set_arg(cl_kernel k, cl_uint i, const T& v, const std::string& dev) {
  ocl::check(clSetKernelArg(k, i, sizeof(T), &v), "clSetKernelArg(lai_svd_jacobi)", dev);
}

}  // namespace

bool opencl_gpu_available() noexcept {
  try {
    return ocl::device_is_gpu();
  } catch (...) {
    return false;
  }
}

template <class T>
JacobiLaunch jacobi_device(const ocl::Runtime& rt, std::size_t count, int m, int n, cl_mem A, cl_mem S, cl_mem U,
                           cl_mem VT, cl_mem sweeps, T tol, int max_sweeps, const std::string& variant_in,
                           const std::string& options_in, cl_event* done) {
  const std::string& dev = rt.device.name;
  const char* tag = std::is_same_v<T, double> ? "f64" : "f32";
  if (std::is_same_v<T, double> && !rt.fp64) {
    fail(LAI_ERROR_NOT_SUPPORTED, "OpenCL device \"" + dev +
                                      "\" has no double precision (cl_khr_fp64); use lai_sgesvd_batched or "
                                      "LAI_BACKEND_CPU");
  }
  JacobiLaunch L;
  const std::string program = std::string("lai_svd_jacobi_") + tag;
  const char* src = ocl::gpu_source(program);
  const char* env_opts = std::getenv("LAI_SVD_JACOBI_OPTIONS");
  L.options = !options_in.empty() ? options_in : env_opts != nullptr ? env_opts : ocl::tuned_options(rt, program);
  const int wg = ocl::kernel_param(src, L.options, "WG"), local_elems = ocl::kernel_param(src, L.options, "LOCAL_ELEMS"),
            cmax = ocl::kernel_param(src, L.options, "CMAX"), team = ocl::kernel_param(src, L.options, "TEAM");
  L.wg = wg;
  const int k = std::min(m, n), r = std::max(m, n);
  if (k > cmax) {
    fail(LAI_ERROR_NOT_SUPPORTED, "min(m,n)=" + std::to_string(k) + " exceeds the batched Jacobi kernel's CMAX=" +
                                      std::to_string(cmax) + "; use LAI_BACKEND_CPU or lai_dgesvd per matrix");
  }
  const std::size_t g_el = static_cast<std::size_t>(r) * k, v_el = static_cast<std::size_t>(k) * k;
  const std::size_t le = static_cast<std::size_t>(local_elems);
  // By size: G and V in local memory, else G alone (V in global scratch),
  // else everything in global scratch.
  std::string variant = g_el + v_el <= le ? "team" : g_el <= le ? "team_vglobal" : "global";
  std::string want = variant_in;
  if (want.empty()) {
    if (const char* v = std::getenv("LAI_SVD_JACOBI_VARIANT"); v != nullptr) want = v;
  }
  if (!want.empty()) {
    if (want != "local" && want != "global" && want != "team" && want != "team_vglobal") {
      fail(LAI_ERROR_INVALID_ARGUMENT,
           "batched Jacobi variant \"" + want + "\" (LAI_SVD_JACOBI_VARIANT) must be local, global, team or team_vglobal");
    }
    const std::size_t need = want == "team_vglobal" ? g_el : want == "global" ? 0 : g_el + v_el;
    if (need > le) {
      fail(LAI_ERROR_NOT_SUPPORTED, "batched Jacobi variant " + want + " needs " + std::to_string(need) +
                                        " elements of local memory for this matrix > LOCAL_ELEMS=" +
                                        std::to_string(local_elems));
    }
    variant = want;
  }
  L.variant = variant;
  const bool is_team = variant == "team" || variant == "team_vglobal";
  // Matrices per group (team variants): double while every matrix still has
  // a team per pair (all cc/2 pairs of a round at once), its G (and V) and
  // singular values still fit, and a matrix keeps at least one team.
  int mpg = 1;
  if (is_team) {
    const std::size_t pairs = static_cast<std::size_t>((k + (k & 1)) / 2);
    const std::size_t per = variant == "team" ? g_el + v_el : g_el;
    while (static_cast<std::size_t>(wg / (2 * mpg)) >= static_cast<std::size_t>(team) * std::max<std::size_t>(pairs, 1) &&
           2 * static_cast<std::size_t>(mpg) * per <= le && 2 * mpg * k <= cmax) {
      mpg *= 2;
    }
  }
  L.mpg = mpg;
  // The team kernels make one pass (a group per mpg matrices); the global
  // variant loops over the batch, so its groups (and scratch) are bounded.
  const std::size_t needed_groups = (count + mpg - 1) / mpg;
  L.groups = variant == "global" ? std::min(needed_groups, kMaxGlobalGroups) : needed_groups;
  const std::size_t scratch_el = variant == "global" ? L.groups * (g_el + v_el)
                                 : variant == "team_vglobal" ? L.groups * mpg * v_el
                                                             : 1;
  ocl::PooledBuffer dScr = ocl::acquire_buffer(rt, scratch_el * sizeof(T));
  const cl_program prog = ocl::get_program(rt, src, L.options);
  cl_int rc = CL_SUCCESS;
  const std::string kname = program + "_" + variant;
  ocl::KernelHandle kernel(clCreateKernel(prog, kname.c_str(), &rc));
  ocl::check(rc, ("clCreateKernel(" + kname + ")").c_str(), dev);
  const T tol_eff = tol > 0 ? tol : static_cast<T>(std::sqrt(static_cast<double>(r))) * std::numeric_limits<T>::epsilon();
  const int sweeps_cap = max_sweeps > 0 ? max_sweeps : 30;
  const int want_u = U != nullptr, want_vt = VT != nullptr;
  // A kernel argument must be a valid buffer even when unused.
  cl_mem u_arg = U != nullptr ? U : S, vt_arg = VT != nullptr ? VT : S;
  const int lda_d = std::max(1, m), ldu_d = std::max(1, m), ldvt_d = std::max(1, k);
  const cl_ulong sA = static_cast<cl_ulong>(m) * n, sS = k, sU = static_cast<cl_ulong>(m) * k,
                 sVT = static_cast<cl_ulong>(k) * n, cnt = count;
  cl_kernel kk = kernel.get();
  const cl_mem scr = dScr.get();
  set_arg(kk, 0, m, dev);
  set_arg(kk, 1, n, dev);
  set_arg(kk, 2, A, dev);
  set_arg(kk, 3, lda_d, dev);
  set_arg(kk, 4, sA, dev);
  set_arg(kk, 5, S, dev);
  set_arg(kk, 6, sS, dev);
  set_arg(kk, 7, u_arg, dev);
  set_arg(kk, 8, ldu_d, dev);
  set_arg(kk, 9, sU, dev);
  set_arg(kk, 10, vt_arg, dev);
  set_arg(kk, 11, ldvt_d, dev);
  set_arg(kk, 12, sVT, dev);
  set_arg(kk, 13, want_u, dev);
  set_arg(kk, 14, want_vt, dev);
  set_arg(kk, 15, tol_eff, dev);
  set_arg(kk, 16, sweeps_cap, dev);
  set_arg(kk, 17, cnt, dev);
  set_arg(kk, 18, sweeps, dev);
  set_arg(kk, 19, scr, dev);
  if (is_team) set_arg(kk, 20, mpg, dev);
  const std::size_t local = static_cast<std::size_t>(wg), global = L.groups * local;
  ocl::check(clEnqueueNDRangeKernel(rt.queue, kk, 1, nullptr, &global, &local, 0, nullptr, done),
             "clEnqueueNDRangeKernel(lai_svd_jacobi)", dev);
  return L;
}

template <class T>
void jacobi_batched_opencl(std::size_t count, int m, int n, const T* A, int lda, std::size_t sa, T* s,
                           std::size_t ss, T* U, int ldu, std::size_t su, T* VT, int ldvt, std::size_t svt, T tol,
                           int max_sweeps, std::vector<int>& sweeps, std::string* variant_used) {
  const ocl::Runtime& rt = ocl::runtime();
  const std::string& dev = rt.device.name;
  const int k = std::min(m, n);
  const std::size_t a_el = static_cast<std::size_t>(m) * n, s_el = k, u_el = static_cast<std::size_t>(m) * k,
                    vt_el = static_cast<std::size_t>(k) * n;
  const std::size_t per = (a_el + s_el + (U ? u_el : 0) + (VT ? vt_el : 0)) * sizeof(T) + sizeof(int);
  const std::size_t limit = std::min<std::size_t>(kMaxChunkBytes, static_cast<std::size_t>(rt.max_alloc));
  const std::size_t chunk = std::min(count, std::max<std::size_t>(1, limit / per));
  ocl::PooledBuffer dA = ocl::acquire_buffer(rt, chunk * a_el * sizeof(T));
  ocl::PooledBuffer dS = ocl::acquire_buffer(rt, chunk * s_el * sizeof(T));
  ocl::PooledBuffer dU = ocl::acquire_buffer(rt, (U ? chunk * u_el : 1) * sizeof(T));
  ocl::PooledBuffer dVT = ocl::acquire_buffer(rt, (VT ? chunk * vt_el : 1) * sizeof(T));
  ocl::PooledBuffer dSw = ocl::acquire_buffer(rt, chunk * sizeof(int));
  std::vector<T> host_a(chunk * a_el), host_s(chunk * s_el), host_u(U ? chunk * u_el : 0),
      host_vt(VT ? chunk * vt_el : 0);
  sweeps.assign(count, 0);
  for (std::size_t done = 0; done < count;) {
    const std::size_t nb = std::min(chunk, count - done);
    for (std::size_t b = 0; b < nb; ++b)
      for (int j = 0; j < n; ++j)
        std::copy_n(A + (done + b) * sa + static_cast<std::size_t>(j) * lda, m,
                    host_a.data() + b * a_el + static_cast<std::size_t>(j) * m);
    ocl::check(clEnqueueWriteBuffer(rt.queue, dA.get(), CL_TRUE, 0, nb * a_el * sizeof(T), host_a.data(), 0, nullptr,
                                    nullptr),
               "clEnqueueWriteBuffer(A)", dev);
    const JacobiLaunch L = jacobi_device<T>(rt, nb, m, n, dA.get(), dS.get(), U ? dU.get() : nullptr,
                                            VT ? dVT.get() : nullptr, dSw.get(), tol, max_sweeps, "", "", nullptr);
    if (variant_used != nullptr) *variant_used = L.variant;
    ocl::check(clEnqueueReadBuffer(rt.queue, dS.get(), CL_TRUE, 0, nb * s_el * sizeof(T), host_s.data(), 0, nullptr,
                                   nullptr),
               "clEnqueueReadBuffer(S)", dev);
    if (U) {
      ocl::check(clEnqueueReadBuffer(rt.queue, dU.get(), CL_TRUE, 0, nb * u_el * sizeof(T), host_u.data(), 0, nullptr,
                                     nullptr),
                 "clEnqueueReadBuffer(U)", dev);
    }
    if (VT) {
      ocl::check(clEnqueueReadBuffer(rt.queue, dVT.get(), CL_TRUE, 0, nb * vt_el * sizeof(T), host_vt.data(), 0,
                                     nullptr, nullptr),
                 "clEnqueueReadBuffer(VT)", dev);
    }
    ocl::check(clEnqueueReadBuffer(rt.queue, dSw.get(), CL_TRUE, 0, nb * sizeof(int), sweeps.data() + done, 0, nullptr,
                                   nullptr),
               "clEnqueueReadBuffer(sweeps)", dev);
    for (std::size_t b = 0; b < nb; ++b) {
      std::copy_n(host_s.data() + b * s_el, k, s + (done + b) * ss);
      if (U)
        for (int j = 0; j < k; ++j)
          std::copy_n(host_u.data() + b * u_el + static_cast<std::size_t>(j) * m, m,
                      U + (done + b) * su + static_cast<std::size_t>(j) * ldu);
      if (VT)
        for (int j = 0; j < n; ++j)
          std::copy_n(host_vt.data() + b * vt_el + static_cast<std::size_t>(j) * k, k,
                      VT + (done + b) * svt + static_cast<std::size_t>(j) * ldvt);
    }
    done += nb;
  }
}

template void jacobi_batched_opencl<double>(std::size_t, int, int, const double*, int, std::size_t, double*,
                                            std::size_t, double*, int, std::size_t, double*, int, std::size_t, double,
                                            int, std::vector<int>&, std::string*);
template void jacobi_batched_opencl<float>(std::size_t, int, int, const float*, int, std::size_t, float*, std::size_t,
                                           float*, int, std::size_t, float*, int, std::size_t, float, int,
                                           std::vector<int>&, std::string*);
template JacobiLaunch jacobi_device<double>(const ocl::Runtime&, std::size_t, int, int, cl_mem, cl_mem, cl_mem, cl_mem,
                                            cl_mem, double, int, const std::string&, const std::string&, cl_event*);
template JacobiLaunch jacobi_device<float>(const ocl::Runtime&, std::size_t, int, int, cl_mem, cl_mem, cl_mem, cl_mem,
                                           cl_mem, float, int, const std::string&, const std::string&, cl_event*);

}  // namespace lai::svd
