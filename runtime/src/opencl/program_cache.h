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
// Built programs are also kept on disk, keyed by device name, vendor, driver
// and device version, build options and source (64-bit FNV-1a of all of them),
// in program_cache_dir(): $LAI_OPENCL_CACHE_DIR ("off" disables it), else
// $XDG_CACHE_HOME/lapack_ai/opencl, else ~/.cache/lapack_ai/opencl. A binary
// the driver refuses is rebuilt from source and replaced.
std::string program_cache_dir();

cl_program get_program(const Runtime& rt, const std::string& source, const std::string& options);

}  // namespace lai::ocl
