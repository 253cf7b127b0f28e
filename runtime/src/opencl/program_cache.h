// Built OpenCL programs, one per (context, source, options), so a generated
// kernel is compiled once per process however many calls use it.
#pragma once

#include <string>

#include "opencl/cl_api.h"
#include "opencl/runtime.h"

namespace lai::ocl {

// The built program, owned by the cache (lives until process exit). Throws
// lai::Error(LAI_ERROR_OPENCL_BUILD) with the build log when compilation
// fails; failures are not cached, so a later call tries again. Thread-safe.
cl_program get_program(const Runtime& rt, const std::string& source, const std::string& options);

}  // namespace lai::ocl
