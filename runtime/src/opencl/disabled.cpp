// The OpenCL backend of a build with LAI_WITH_OPENCL=OFF: every request
// reports that this library has no OpenCL, so callers need no #ifdef.
#include "diagnostics/error.h"
#include "opencl/backend.h"

namespace lai::ocl {

namespace {
[[noreturn]] void unavailable() {
  fail(LAI_ERROR_NO_DEVICE, "this liblapack_ai was built without OpenCL (CMake option LAI_WITH_OPENCL=OFF)");
}
}  // namespace

const std::string& device_name() { unavailable(); }
bool device_is_gpu() { unavailable(); }

template <class T>
void batched4x4(const lai_scheme_kernels&, const T*, const T*, T*, std::size_t) {
  unavailable();
}

template void batched4x4<double>(const lai_scheme_kernels&, const double*, const double*, double*, std::size_t);
template void batched4x4<float>(const lai_scheme_kernels&, const float*, const float*, float*, std::size_t);

template <class T>
void gemm_opencl(bool, int, int, int, int, int, T, const T*, int, const T*, int, T, T*, int) {
  unavailable();
}
template void gemm_opencl<double>(bool, int, int, int, int, int, double, const double*, int, const double*, int,
                                  double, double*, int);
template void gemm_opencl<float>(bool, int, int, int, int, int, float, const float*, int, const float*, int, float,
                                 float*, int);
DeviceInfo device_info() { unavailable(); }

void build_program(const std::string&, const std::string&) { unavailable(); }
std::string select_device(const std::string&) { unavailable(); }

}  // namespace lai::ocl
