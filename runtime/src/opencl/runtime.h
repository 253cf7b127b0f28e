// The process's OpenCL device, context and queue, created once on first use.
#pragma once

#include <cstddef>

#include "opencl/cl_api.h"
#include "opencl/devices.h"

namespace lai::ocl {

struct Runtime {
  DeviceEntry device;
  cl_context context = nullptr;
  // In-order and shared by all threads: OpenCL 1.2 makes every API call on a
  // queue thread-safe, and callers only use blocking transfers, so no call
  // depends on another's commands.
  cl_command_queue queue = nullptr;
  bool fp64 = false;
  cl_ulong max_alloc = 0;  // CL_DEVICE_MAX_MEM_ALLOC_SIZE
  // Properties that pick kernels and key the program cache (devices.cpp).
  std::string vendor;          // CL_DEVICE_VENDOR
  std::string driver_version;  // CL_DRIVER_VERSION
  std::string device_version;  // CL_DEVICE_VERSION
  cl_uint compute_units = 0;
  cl_ulong local_mem = 0;      // bytes of local memory per work-group
  cl_ulong global_mem = 0;
  std::size_t max_work_group = 0;
  cl_uint base_align_bytes = 0;  // CL_DEVICE_MEM_BASE_ADDR_ALIGN / 8: sub-buffer origins (0: unknown)
  bool nvidia = false;         // vendor is NVIDIA: inline PTX kernels may be built
  bool profiling = false;      // the queue records event times (the benchmark's timer)
};

// The runtime, initialising it on the first call (std::call_once). A failed
// initialisation is remembered and thrown again (same status and message) on
// every later call: the device choice is made once per process.
const Runtime& runtime();

}  // namespace lai::ocl
