// Bidiagonal singular values on OpenCL in a build without OpenCL: NO_DEVICE.
#include "diagnostics/error.h"
#include "svd/bisect_opencl.h"

namespace lai::svd {

template <class T>
void bidiag_values_device(const lai::ocl::Runtime&, int, _cl_mem*, _cl_mem*, _cl_mem*, _cl_event**,
                          const std::string&) {
  fail(LAI_ERROR_NO_DEVICE, "this liblapack_ai was built without OpenCL (CMake option LAI_WITH_OPENCL=OFF)");
}
template <class T>
void bidiag_values_opencl(int, const T*, const T*, T*, const std::string&) {
  fail(LAI_ERROR_NO_DEVICE, "this liblapack_ai was built without OpenCL (CMake option LAI_WITH_OPENCL=OFF)");
}
template void bidiag_values_device<double>(const lai::ocl::Runtime&, int, _cl_mem*, _cl_mem*, _cl_mem*, _cl_event**,
                                           const std::string&);
template void bidiag_values_device<float>(const lai::ocl::Runtime&, int, _cl_mem*, _cl_mem*, _cl_mem*, _cl_event**,
                                          const std::string&);
template void bidiag_values_opencl<double>(int, const double*, const double*, double*, const std::string&);
template void bidiag_values_opencl<float>(int, const float*, const float*, float*, const std::string&);

}  // namespace lai::svd
