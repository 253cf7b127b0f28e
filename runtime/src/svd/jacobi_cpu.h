// Batched one-sided (Hestenes) Jacobi SVD on the CPU: the same algorithm,
// ordering and outputs as the generated OpenCL kernel
// (templates/opencl_svd_jacobi_kernel.cl.in), one matrix per thread.
#pragma once

#include <cstddef>
#include <vector>

namespace lai::svd {

// Matrix b: column-major m x n at A + b*sa; singular values (descending) at
// s + b*ss; thin U (m x min(m,n)) at U + b*su, VT (min(m,n) x n) at
// VT + b*svt where U/VT are not null. sweeps[b] = sweeps used, or -1 when
// max_sweeps was reached without convergence. Inputs already validated.
template <class T>
void jacobi_batched_cpu(std::size_t count, int m, int n, const T* A, int lda, std::size_t sa, T* s, std::size_t ss,
                        T* U, int ldu, std::size_t su, T* VT, int ldvt, std::size_t svt, T tol, int max_sweeps,
                        std::vector<int>& sweeps);

}  // namespace lai::svd
