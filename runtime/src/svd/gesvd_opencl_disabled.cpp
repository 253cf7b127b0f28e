// lai_?gesvd's GPU path in a build without OpenCL: NO_DEVICE.
#include "diagnostics/error.h"
#include "svd/gesvd_opencl.h"

namespace lai::svd {

template <class T>
void gesvd_opencl(char, char, int, int, T*, int, T*, T*, int, T*, int, int*, GpuSvdStageTimes*, T) {
  fail(LAI_ERROR_NO_DEVICE, "this liblapack_ai was built without OpenCL (CMake option LAI_WITH_OPENCL=OFF)");
}
template void gesvd_opencl<double>(char, char, int, int, double*, int, double*, double*, int, double*, int, int*,
                                   GpuSvdStageTimes*, double);
template void gesvd_opencl<float>(char, char, int, int, float*, int, float*, float*, int, float*, int, int*,
                                  GpuSvdStageTimes*, float);
int gesvd_opencl_auto_min(bool) noexcept { return 0; }

}  // namespace lai::svd
