// Batched 4x4 products on the OpenCL device with the scheme's generated
// kernel (Kernel ABI "opencl-batched").
#include <algorithm>
#include <string>
#include <type_traits>

#include "cpu/kernel_select.h"
#include "diagnostics/error.h"
#include "opencl/backend.h"
#include "opencl/cl_error.h"
#include "opencl/handles.h"
#include "opencl/program_cache.h"
#include "opencl/runtime.h"

namespace lai::ocl {

namespace {

// Upper bound of one device buffer: keeps a huge batch from needing three
// buffers of its full size, and stays well under CL_DEVICE_MAX_MEM_ALLOC_SIZE
// (often a quarter of the device memory).
constexpr std::size_t kMaxChunkBytes = std::size_t{256} << 20;

// Work-group size: a multiple of every vendor's SIMD width (32 or 64) and
// small enough for any device; the kernel guards i < count, so the global
// size is rounded up to a multiple of it.
constexpr std::size_t kPreferredLocal = 64;

std::size_t local_size(cl_kernel kernel, cl_device_id device, const std::string& dev) {
  std::size_t limit = 0;
  check(clGetKernelWorkGroupInfo(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, sizeof limit, &limit, nullptr),
        "clGetKernelWorkGroupInfo(CL_KERNEL_WORK_GROUP_SIZE)", dev);
  std::size_t local = 1;
  while (local * 2 <= std::min(limit, kPreferredLocal)) local *= 2;
  return local;
}

}  // namespace

template <class T>
void batched4x4(const lai_scheme_kernels& s, const T* A, const T* B, T* C, std::size_t count) {
  using K = cpu::Kernels<T>;
  const Runtime& rt = runtime();
  const std::string& dev = rt.device.name;
  if (s.m != 4 || s.k != 4 || s.n != 4) {
    fail(LAI_ERROR_NOT_SUPPORTED, std::string("scheme ") + s.name + " has shape " + std::to_string(s.m) + "x" +
                                      std::to_string(s.k) + "x" + std::to_string(s.n) +
                                      "; batched 4x4 products need a 4x4x4 scheme (lai_set_scheme)");
  }
  if (K::ocl_source(s) == nullptr || K::ocl_kernel(s) == nullptr) {
    fail(LAI_ERROR_NOT_SUPPORTED, std::string("scheme ") + s.name + " has no OpenCL batched " + K::name +
                                      " kernel in this build of liblapack_ai");
  }
  if (std::is_same_v<T, double> && !rt.fp64) {
    fail(LAI_ERROR_NOT_SUPPORTED, "OpenCL device \"" + dev +
                                      "\" has no double precision (cl_khr_fp64); use lai_sgemm_batched4x4 or "
                                      "LAI_BACKEND_CPU");
  }
  const cl_program program = get_program(rt, K::ocl_source(s), "");
  cl_int rc = CL_SUCCESS;
  KernelHandle kernel(clCreateKernel(program, K::ocl_kernel(s), &rc));
  check(rc, "clCreateKernel", dev);
  const std::size_t local = local_size(kernel.get(), rt.device.device, dev);

  const std::size_t item_bytes = 16 * sizeof(T);
  const std::size_t max_bytes = std::min<std::size_t>(kMaxChunkBytes, static_cast<std::size_t>(rt.max_alloc));
  const std::size_t chunk = std::min(count, std::max<std::size_t>(1, max_bytes / item_bytes));
  MemHandle a(clCreateBuffer(rt.context, CL_MEM_READ_ONLY, chunk * item_bytes, nullptr, &rc));
  check(rc, "clCreateBuffer(A)", dev);
  MemHandle b(clCreateBuffer(rt.context, CL_MEM_READ_ONLY, chunk * item_bytes, nullptr, &rc));
  check(rc, "clCreateBuffer(B)", dev);
  MemHandle c(clCreateBuffer(rt.context, CL_MEM_WRITE_ONLY, chunk * item_bytes, nullptr, &rc));
  check(rc, "clCreateBuffer(C)", dev);
  const cl_mem args[3] = {a.get(), b.get(), c.get()};
  for (cl_uint i = 0; i < 3; ++i) check(clSetKernelArg(kernel.get(), i, sizeof(cl_mem), &args[i]), "clSetKernelArg", dev);

  for (std::size_t done = 0; done < count;) {
    const std::size_t n = std::min(chunk, count - done);
    const std::size_t bytes = n * item_bytes;
    // Blocking transfers: when a call returns (or throws) the device no
    // longer references the caller's memory.
    check(clEnqueueWriteBuffer(rt.queue, a.get(), CL_TRUE, 0, bytes, A + 16 * done, 0, nullptr, nullptr),
          "clEnqueueWriteBuffer(A)", dev);
    check(clEnqueueWriteBuffer(rt.queue, b.get(), CL_TRUE, 0, bytes, B + 16 * done, 0, nullptr, nullptr),
          "clEnqueueWriteBuffer(B)", dev);
    const cl_ulong items = n;
    check(clSetKernelArg(kernel.get(), 3, sizeof items, &items), "clSetKernelArg(count)", dev);
    const std::size_t global = (n + local - 1) / local * local;
    check(clEnqueueNDRangeKernel(rt.queue, kernel.get(), 1, nullptr, &global, &local, 0, nullptr, nullptr),
          "clEnqueueNDRangeKernel", dev);
    check(clEnqueueReadBuffer(rt.queue, c.get(), CL_TRUE, 0, bytes, C + 16 * done, 0, nullptr, nullptr),
          "clEnqueueReadBuffer(C)", dev);
    done += n;
  }
}

template void batched4x4<double>(const lai_scheme_kernels&, const double*, const double*, double*, std::size_t);
template void batched4x4<float>(const lai_scheme_kernels&, const float*, const float*, float*, std::size_t);

}  // namespace lai::ocl
