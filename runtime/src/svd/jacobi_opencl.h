// The batched one-sided Jacobi SVD on the OpenCL device with the kernel
// generated from factors/svd/jacobi_batched.json (lai_svd_jacobi_<dtype>,
// variants local and global). Same contract as jacobi_batched_cpu; throws
// lai::Error on device failures, NOT_SUPPORTED when min(m,n) > CMAX or the
// device lacks fp64 for f64. Build options come from the per-device tuning
// table (opencl/tuning_table.inc, kernel name lai_svd_jacobi_<dtype>) unless
// LAI_SVD_JACOBI_OPTIONS is set. LAI_SVD_JACOBI_VARIANT=local|global forces
// a variant (tests; the default is local when the matrix fits).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lai::svd {

template <class T>
void jacobi_batched_opencl(std::size_t count, int m, int n, const T* A, int lda, std::size_t sa, T* s,
                           std::size_t ss, T* U, int ldu, std::size_t su, T* VT, int ldvt, std::size_t svt, T tol,
                           int max_sweeps, std::vector<int>& sweeps, std::string* variant_used);

// True when the library's OpenCL device is a GPU (false, not an error, when
// there is no device).
bool opencl_gpu_available() noexcept;

}  // namespace lai::svd
