// Launches the generated bidiagonal bisection kernel (bisect_opencl.h): one
// kernel, n*TEAM work-items (a team of TEAM per singular value), rounded up
// to the work-group size.
#include "svd/bisect_opencl.h"

#include <algorithm>
#include <cstdlib>
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

template <class A>
void set_arg(cl_kernel k, cl_uint i, const A& v, const std::string& dev) {
  ocl::check(clSetKernelArg(k, i, sizeof(A), &v), "clSetKernelArg(lai_svd_bisect)", dev);
}

}  // namespace

template <class T>
void bidiag_values_device(const ocl::Runtime& rt, int n, cl_mem d, cl_mem e, cl_mem s, cl_event* done,
                          const std::string& options_in) {
  const std::string& dev = rt.device.name;
  constexpr bool f64 = std::is_same_v<T, double>;
  if (f64 && !rt.fp64) {
    fail(LAI_ERROR_NOT_SUPPORTED, "OpenCL device \"" + dev + "\" has no double precision (cl_khr_fp64)");
  }
  if (n < 0) fail(LAI_ERROR_INVALID_ARGUMENT, "bidiagonal bisection: n=" + std::to_string(n) + " must be >= 0");
  if (n == 0) {
    // Nothing to compute; a marker keeps the contract that done is an event.
    if (done != nullptr) {
      ocl::check(clEnqueueMarkerWithWaitList(rt.queue, 0, nullptr, done), "clEnqueueMarkerWithWaitList", dev);
    }
    return;
  }
  const std::string program = std::string("lai_svd_bisect_") + (f64 ? "f64" : "f32");
  const char* src = ocl::gpu_source(program);
  std::string options = options_in;
  if (options.empty()) {
    const char* env = std::getenv("LAI_SVD_BISECT_OPTIONS");
    options = env != nullptr ? env : ocl::tuned_options(rt, program);
  }
  const int wg = ocl::kernel_param(src, options, "WG"), team = ocl::kernel_param(src, options, "TEAM");
  if (rt.max_work_group != 0 && static_cast<std::size_t>(wg) > rt.max_work_group) {
    fail(LAI_ERROR_NOT_SUPPORTED, "bidiagonal bisection: WG=" + std::to_string(wg) + " exceeds the work-group limit " +
                                      std::to_string(rt.max_work_group) + " of OpenCL device \"" + dev +
                                      "\" (LAI_SVD_BISECT_OPTIONS / tuning table)");
  }
  const cl_program prog = ocl::get_program(rt, src, options);
  cl_int rc = CL_SUCCESS;
  const std::string kname = program + "_multisect";
  ocl::KernelHandle kernel(clCreateKernel(prog, kname.c_str(), &rc));
  ocl::check(rc, ("clCreateKernel(" + kname + ")").c_str(), dev);
  cl_kernel k = kernel.get();
  // n == 1 reads no e; the argument must still be a valid buffer.
  const cl_mem e_arg = e != nullptr ? e : d;
  set_arg(k, 0, n, dev);
  set_arg(k, 1, d, dev);
  set_arg(k, 2, e_arg, dev);
  set_arg(k, 3, s, dev);
  const std::size_t local = static_cast<std::size_t>(wg);
  const std::size_t items = static_cast<std::size_t>(n) * static_cast<std::size_t>(team);
  const std::size_t global = (items + local - 1) / local * local;
  ocl::check(clEnqueueNDRangeKernel(rt.queue, k, 1, nullptr, &global, &local, 0, nullptr, done),
             "clEnqueueNDRangeKernel(lai_svd_bisect)", dev);
}

template <class T>
void bidiag_values_opencl(int n, const T* d, const T* e, T* s, const std::string& options) {
  if (n <= 0) return;
  const ocl::Runtime& rt = ocl::runtime();
  const std::string& dev = rt.device.name;
  const std::size_t bytes = sizeof(T) * static_cast<std::size_t>(n);
  ocl::PooledBuffer dd = ocl::acquire_buffer(rt, bytes), de = ocl::acquire_buffer(rt, bytes),
                    ds = ocl::acquire_buffer(rt, bytes);
  ocl::check(clEnqueueWriteBuffer(rt.queue, dd.get(), CL_TRUE, 0, bytes, d, 0, nullptr, nullptr),
             "clEnqueueWriteBuffer(d)", dev);
  if (n > 1) {
    ocl::check(clEnqueueWriteBuffer(rt.queue, de.get(), CL_TRUE, 0, bytes - sizeof(T), e, 0, nullptr, nullptr),
               "clEnqueueWriteBuffer(e)", dev);
  }
  bidiag_values_device<T>(rt, n, dd.get(), de.get(), ds.get(), nullptr, options);
  ocl::check(clEnqueueReadBuffer(rt.queue, ds.get(), CL_TRUE, 0, bytes, s, 0, nullptr, nullptr),
             "clEnqueueReadBuffer(s)", dev);
}

template void bidiag_values_device<double>(const ocl::Runtime&, int, cl_mem, cl_mem, cl_mem, cl_event*,
                                           const std::string&);
template void bidiag_values_device<float>(const ocl::Runtime&, int, cl_mem, cl_mem, cl_mem, cl_event*,
                                          const std::string&);
template void bidiag_values_opencl<double>(int, const double*, const double*, double*, const std::string&);
template void bidiag_values_opencl<float>(int, const float*, const float*, float*, const std::string&);

}  // namespace lai::svd
