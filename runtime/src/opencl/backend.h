// What the rest of the runtime needs from OpenCL. Implemented by the files of
// this folder when LAI_WITH_OPENCL is on, and by disabled.cpp (every function
// reports LAI_ERROR_NO_DEVICE) when it is off, so no caller needs an #ifdef.
// All functions throw lai::Error on failure.
#pragma once

#include <cstddef>
#include <string>

#include "cpu/registry.h"

namespace lai::ocl {

// Initialises OpenCL on first use (once per process; a failure is remembered
// and reported again) and returns the chosen device's name.
const std::string& device_name();
bool device_is_gpu();

// C_i = A_i * B_i on the device with scheme `s`'s generated batched kernel.
template <class T>
void batched4x4(const lai_scheme_kernels& s, const T* A, const T* B, T* C, std::size_t count);

// Row-major (or column-major) GEMM on host memory through the device
// (gpu.cpp's gemm_host; disabled.cpp reports NO_DEVICE).
template <class T>
void gemm_opencl(bool row_major, int transa, int transb, int m, int n, int k, T alpha, const T* A, int lda,
                 const T* B, int ldb, T beta, T* C, int ldc);

struct DeviceInfo {
  std::string name, vendor, driver_version;
  unsigned compute_units = 0;
  unsigned long long local_mem = 0, global_mem = 0;
  bool fp64 = false;
};
DeviceInfo device_info();

// Test hooks (api/lai_internal.h).
void build_program(const std::string& source, const std::string& options);
std::string select_device(const std::string& spec);

}  // namespace lai::ocl
