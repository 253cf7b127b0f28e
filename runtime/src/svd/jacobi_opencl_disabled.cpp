// Batched Jacobi on OpenCL in a build without OpenCL: NO_DEVICE.
#include "diagnostics/error.h"
#include "svd/jacobi_opencl.h"

namespace lai::svd {

template <class T>
void jacobi_batched_opencl(std::size_t, int, int, const T*, int, std::size_t, T*, std::size_t, T*, int, std::size_t,
                           T*, int, std::size_t, T, int, std::vector<int>&, std::string*) {
  fail(LAI_ERROR_NO_DEVICE, "this liblapack_ai was built without OpenCL (CMake option LAI_WITH_OPENCL=OFF)");
}
template void jacobi_batched_opencl<double>(std::size_t, int, int, const double*, int, std::size_t, double*,
                                            std::size_t, double*, int, std::size_t, double*, int, std::size_t, double,
                                            int, std::vector<int>&, std::string*);
template void jacobi_batched_opencl<float>(std::size_t, int, int, const float*, int, std::size_t, float*, std::size_t,
                                           float*, int, std::size_t, float*, int, std::size_t, float, int,
                                           std::vector<int>&, std::string*);
template <class T>
JacobiLaunch jacobi_device(const lai::ocl::Runtime&, std::size_t, int, int, _cl_mem*, _cl_mem*, _cl_mem*, _cl_mem*,
                           _cl_mem*, T, int, const std::string&, const std::string&, _cl_event**) {
  fail(LAI_ERROR_NO_DEVICE, "this liblapack_ai was built without OpenCL (CMake option LAI_WITH_OPENCL=OFF)");
}
template JacobiLaunch jacobi_device<double>(const lai::ocl::Runtime&, std::size_t, int, int, _cl_mem*, _cl_mem*,
                                            _cl_mem*, _cl_mem*, _cl_mem*, double, int, const std::string&,
                                            const std::string&, _cl_event**);
template JacobiLaunch jacobi_device<float>(const lai::ocl::Runtime&, std::size_t, int, int, _cl_mem*, _cl_mem*,
                                           _cl_mem*, _cl_mem*, _cl_mem*, float, int, const std::string&,
                                           const std::string&, _cl_event**);
bool opencl_gpu_available() noexcept { return false; }

}  // namespace lai::svd
