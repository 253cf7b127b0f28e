// Device-resident timing of the batched Jacobi through the internal entry
// lai::svd::jacobi_device (svd/jacobi_opencl.h; device_hooks.h item 1).
// Compiled only when probe_jacobi_device.cpp compiled, i.e. when the entry
// exists with the signature used here:
//   template <class T>
//   JacobiLaunch jacobi_device(const ocl::Runtime& rt, std::size_t count, int m, int n, cl_mem A, cl_mem S,
//                              cl_mem U, cl_mem VT, cl_mem sweeps, T tol, int max_sweeps,
//                              const std::string& variant, const std::string& options, cl_event* done);
// If the entry changes, change run_jacobi_device() and the probe together.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "opencl/cl_error.h"
#include "opencl/pool.h"
#include "opencl/runtime.h"
#include "svd/jacobi_opencl.h"

namespace lai_bench_svd {

struct DeviceRuns {
  std::vector<double> kernel_s;  // OpenCL event START..END of the kernel
  std::vector<double> wall_s;    // enqueue + clFinish on the host
  std::string launch;            // variant, options, work-group
};

// Uploads the batch once (not timed), runs warm-up + reps device-resident
// launches, downloads s of the last one.
template <class T>
DeviceRuns run_jacobi_device(std::size_t count, int m, int n, const T* A, T* s, bool vectors, int reps) {
  using namespace lai::ocl;
  const Runtime& rt = runtime();
  const int k = m < n ? m : n;
  const std::size_t na = count * static_cast<std::size_t>(m) * n, ns = count * static_cast<std::size_t>(k);
  PooledBuffer dA = acquire_buffer(rt, na * sizeof(T)), ds = acquire_buffer(rt, ns * sizeof(T));
  PooledBuffer dsw = acquire_buffer(rt, count * sizeof(int));
  PooledBuffer dU, dVT;
  if (vectors) {
    dU = acquire_buffer(rt, count * static_cast<std::size_t>(m) * k * sizeof(T));
    dVT = acquire_buffer(rt, count * static_cast<std::size_t>(k) * n * sizeof(T));
  }
  check(clEnqueueWriteBuffer(rt.queue, dA.get(), CL_TRUE, 0, na * sizeof(T), A, 0, nullptr, nullptr), "write", "");
  DeviceRuns out;
  for (int r = 0; r < reps + 1; ++r) {
    cl_event done = nullptr;
    const auto t0 = std::chrono::steady_clock::now();
    const lai::svd::JacobiLaunch l =
        lai::svd::jacobi_device<T>(rt, count, m, n, dA.get(), ds.get(), vectors ? dU.get() : nullptr,
                                   vectors ? dVT.get() : nullptr, dsw.get(), T(0), 0, "", "", &done);
    check(clFinish(rt.queue), "clFinish", "");
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double kernel = 0;
    if (done != nullptr) {
      cl_ulong a = 0, b = 0;
      if (rt.profiling && clGetEventProfilingInfo(done, CL_PROFILING_COMMAND_START, sizeof a, &a, nullptr) == CL_SUCCESS &&
          clGetEventProfilingInfo(done, CL_PROFILING_COMMAND_END, sizeof b, &b, nullptr) == CL_SUCCESS)
        kernel = static_cast<double>(b - a) * 1e-9;
      clReleaseEvent(done);
    }
    if (r > 0) {
      out.kernel_s.push_back(kernel > 0 ? kernel : wall);
      out.wall_s.push_back(wall);
    }
    out.launch = l.variant + " wg=" + std::to_string(l.wg) + " mpg=" + std::to_string(l.mpg) +
                 " groups=" + std::to_string(l.groups) + (l.options.empty() ? "" : " " + l.options);
  }
  check(clEnqueueReadBuffer(rt.queue, ds.get(), CL_TRUE, 0, ns * sizeof(T), s, 0, nullptr, nullptr), "read", "");
  return out;
}

}  // namespace lai_bench_svd
