// Public OpenCL device queries.
#include <string>

#include "api/guard.h"
#include "lapack_ai/lapack_ai.h"
#include "opencl/backend.h"

extern "C" {

const char* lai_opencl_device_name(void) {
  const char* name = nullptr;
  const lai_status st = lai::guarded("lai_opencl_device_name", [&] { name = lai::ocl::device_name().c_str(); });
  return st == LAI_SUCCESS ? name : nullptr;
}

lai_status lai_opencl_init(void) {
  return lai::guarded("lai_opencl_init", [] { (void)lai::ocl::device_name(); });
}

}  // extern "C"
