// Launches the generated batched Jacobi SVD kernel (jacobi_opencl.h). The
// batch travels in compact form (A packed to m x n per matrix, outputs
// compact on the device, scattered into the caller's strides on the host),
// in chunks that keep each buffer under 256 MiB.
#include "svd/jacobi_opencl.h"

#include <algorithm>
#include <cstdlib>
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
void jacobi_batched_opencl(std::size_t count, int m, int n, const T* A, int lda, std::size_t sa, T* s,
                           std::size_t ss, T* U, int ldu, std::size_t su, T* VT, int ldvt, std::size_t svt, T tol,
                           int max_sweeps, std::vector<int>& sweeps, std::string* variant_used) {
  const ocl::Runtime& rt = ocl::runtime();
  const std::string& dev = rt.device.name;
  const char* tag = std::is_same_v<T, double> ? "f64" : "f32";
  if (std::is_same_v<T, double> && !rt.fp64) {
    fail(LAI_ERROR_NOT_SUPPORTED, "OpenCL device \"" + dev +
                                      "\" has no double precision (cl_khr_fp64); use lai_sgesvd_batched or "
                                      "LAI_BACKEND_CPU");
  }
  const std::string program = std::string("lai_svd_jacobi_") + tag;
  const char* src = ocl::gpu_source(program);
  const char* env_opts = std::getenv("LAI_SVD_JACOBI_OPTIONS");
  const std::string options = env_opts != nullptr ? env_opts : ocl::tuned_options(rt, program);
  const int wg = ocl::kernel_param(src, options, "WG"), local_elems = ocl::kernel_param(src, options, "LOCAL_ELEMS"),
            cmax = ocl::kernel_param(src, options, "CMAX");
  const int k = std::min(m, n), r = std::max(m, n);
  if (k > cmax) {
    fail(LAI_ERROR_NOT_SUPPORTED, "min(m,n)=" + std::to_string(k) + " exceeds the batched Jacobi kernel's CMAX=" +
                                      std::to_string(cmax) + "; use LAI_BACKEND_CPU or lai_dgesvd per matrix");
  }
  const std::size_t elems = static_cast<std::size_t>(r) * k + static_cast<std::size_t>(k) * k;
  std::string variant = elems <= static_cast<std::size_t>(local_elems) ? "local" : "global";
  if (const char* v = std::getenv("LAI_SVD_JACOBI_VARIANT"); v != nullptr && *v != '\0') {
    const std::string want(v);
    if (want != "local" && want != "global") {
      fail(LAI_ERROR_INVALID_ARGUMENT, "LAI_SVD_JACOBI_VARIANT=\"" + want + "\" must be local or global");
    }
    if (want == "local" && variant == "global") {
      fail(LAI_ERROR_NOT_SUPPORTED, "LAI_SVD_JACOBI_VARIANT=local but the matrix needs " + std::to_string(elems) +
                                        " elements of local memory > LOCAL_ELEMS=" + std::to_string(local_elems));
    }
    variant = want;
  }
  if (variant_used != nullptr) *variant_used = variant;
  const cl_program prog = ocl::get_program(rt, src, options);
  cl_int rc = CL_SUCCESS;
  const std::string kname = program + "_" + variant;
  ocl::KernelHandle kernel(clCreateKernel(prog, kname.c_str(), &rc));
  ocl::check(rc, ("clCreateKernel(" + kname + ")").c_str(), dev);

  const std::size_t a_el = static_cast<std::size_t>(m) * n, s_el = k, u_el = static_cast<std::size_t>(m) * k,
                    vt_el = static_cast<std::size_t>(k) * n;
  const std::size_t per = (a_el + s_el + (U ? u_el : 0) + (VT ? vt_el : 0)) * sizeof(T) + sizeof(int);
  const std::size_t limit = std::min<std::size_t>(kMaxChunkBytes, static_cast<std::size_t>(rt.max_alloc));
  const std::size_t chunk = std::min(count, std::max<std::size_t>(1, limit / per));
  const std::size_t groups_max = variant == "global" ? std::min(chunk, kMaxGlobalGroups) : chunk;
  ocl::PooledBuffer dA = ocl::acquire_buffer(rt, chunk * a_el * sizeof(T));
  ocl::PooledBuffer dS = ocl::acquire_buffer(rt, chunk * s_el * sizeof(T));
  ocl::PooledBuffer dU = ocl::acquire_buffer(rt, (U ? chunk * u_el : 1) * sizeof(T));
  ocl::PooledBuffer dVT = ocl::acquire_buffer(rt, (VT ? chunk * vt_el : 1) * sizeof(T));
  ocl::PooledBuffer dSw = ocl::acquire_buffer(rt, chunk * sizeof(int));
  ocl::PooledBuffer dScr =
      ocl::acquire_buffer(rt, (variant == "global" ? groups_max * elems : 1) * sizeof(T));
  std::vector<T> host_a(chunk * a_el), host_s(chunk * s_el), host_u(U ? chunk * u_el : 0),
      host_vt(VT ? chunk * vt_el : 0);
  sweeps.assign(count, 0);
  const int want_u = U != nullptr, want_vt = VT != nullptr;
  const int ldu_d = std::max(1, m), ldvt_d = std::max(1, k);
  const cl_ulong sA = a_el, sS = s_el, sU = u_el, sVT = vt_el;
  const cl_mem bufs[6] = {dA.get(), dS.get(), dU.get(), dVT.get(), dSw.get(), dScr.get()};
  for (std::size_t done = 0; done < count;) {
    const std::size_t nb = std::min(chunk, count - done);
    for (std::size_t b = 0; b < nb; ++b)
      for (int j = 0; j < n; ++j)
        std::copy_n(A + (done + b) * sa + static_cast<std::size_t>(j) * lda, m,
                    host_a.data() + b * a_el + static_cast<std::size_t>(j) * m);
    ocl::check(clEnqueueWriteBuffer(rt.queue, bufs[0], CL_TRUE, 0, nb * a_el * sizeof(T), host_a.data(), 0, nullptr,
                                    nullptr),
               "clEnqueueWriteBuffer(A)", dev);
    cl_kernel kk = kernel.get();
    const cl_ulong cnt = nb;
    set_arg(kk, 0, m, dev);
    set_arg(kk, 1, n, dev);
    set_arg(kk, 2, bufs[0], dev);
    set_arg(kk, 3, m > 0 ? m : 1, dev);
    set_arg(kk, 4, sA, dev);
    set_arg(kk, 5, bufs[1], dev);
    set_arg(kk, 6, sS, dev);
    set_arg(kk, 7, bufs[2], dev);
    set_arg(kk, 8, ldu_d, dev);
    set_arg(kk, 9, sU, dev);
    set_arg(kk, 10, bufs[3], dev);
    set_arg(kk, 11, ldvt_d, dev);
    set_arg(kk, 12, sVT, dev);
    set_arg(kk, 13, want_u, dev);
    set_arg(kk, 14, want_vt, dev);
    set_arg(kk, 15, tol, dev);
    set_arg(kk, 16, max_sweeps, dev);
    set_arg(kk, 17, cnt, dev);
    set_arg(kk, 18, bufs[4], dev);
    set_arg(kk, 19, bufs[5], dev);
    const std::size_t groups = std::min(nb, groups_max);
    const std::size_t local = static_cast<std::size_t>(wg), global = groups * local;
    ocl::check(clEnqueueNDRangeKernel(rt.queue, kk, 1, nullptr, &global, &local, 0, nullptr, nullptr),
               "clEnqueueNDRangeKernel(lai_svd_jacobi)", dev);
    ocl::check(clEnqueueReadBuffer(rt.queue, bufs[1], CL_TRUE, 0, nb * s_el * sizeof(T), host_s.data(), 0, nullptr,
                                   nullptr),
               "clEnqueueReadBuffer(S)", dev);
    if (U) {
      ocl::check(clEnqueueReadBuffer(rt.queue, bufs[2], CL_TRUE, 0, nb * u_el * sizeof(T), host_u.data(), 0, nullptr,
                                     nullptr),
                 "clEnqueueReadBuffer(U)", dev);
    }
    if (VT) {
      ocl::check(clEnqueueReadBuffer(rt.queue, bufs[3], CL_TRUE, 0, nb * vt_el * sizeof(T), host_vt.data(), 0,
                                     nullptr, nullptr),
                 "clEnqueueReadBuffer(VT)", dev);
    }
    ocl::check(clEnqueueReadBuffer(rt.queue, bufs[4], CL_TRUE, 0, nb * sizeof(int), sweeps.data() + done, 0, nullptr,
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

}  // namespace lai::svd
