// Fixed, short names for the status codes; the detailed sentence of a
// particular failure is lai_last_error().
#include "lapack_ai/lapack_ai.h"

extern "C" const char* lai_status_string(lai_status status) {
  switch (status) {
    case LAI_SUCCESS: return "success";
    case LAI_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case LAI_ERROR_OUT_OF_MEMORY: return "out of memory";
    case LAI_ERROR_NO_DEVICE: return "no usable OpenCL device";
    case LAI_ERROR_OPENCL_BUILD: return "OpenCL program build failed";
    case LAI_ERROR_OPENCL_RUNTIME: return "OpenCL runtime error";
    case LAI_ERROR_NOT_SUPPORTED: return "not supported";
    case LAI_ERROR_INTERNAL: return "internal error";
    case LAI_ERROR_NOT_FINITE: return "NaN or Inf in the input";
    case LAI_ERROR_NO_CONVERGENCE: return "no convergence";
  }
  // Values outside the enum can arrive from C callers.
  return "unknown status";
}
