// OpenCL error codes in words, and the check that turns a failed OpenCL call
// into a lai::Error naming the call, the code and the device.
#pragma once

#include <string>

#include "opencl/cl_api.h"

namespace lai::ocl {

// "CL_OUT_OF_RESOURCES" etc.; "unknown OpenCL error" for codes not in 1.2.
const char* cl_error_name(cl_int code) noexcept;

// Throws unless code == CL_SUCCESS. Allocation failures map to
// LAI_ERROR_OUT_OF_MEMORY, everything else to LAI_ERROR_OPENCL_RUNTIME.
void check(cl_int code, const char* call, const std::string& device);

}  // namespace lai::ocl
