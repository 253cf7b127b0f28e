// The batched one-sided Jacobi SVD on the OpenCL device with the kernel
// generated from factors/svd/jacobi_batched.json (lai_svd_jacobi_<dtype>,
// variants local, global, team, team_vglobal). Same contract as
// jacobi_batched_cpu; throws lai::Error on device failures, NOT_SUPPORTED
// when min(m,n) > CMAX or the device lacks fp64 for f64. Build options come
// from the per-device tuning table (opencl/tuning_table.inc, kernel name
// lai_svd_jacobi_<dtype>) unless LAI_SVD_JACOBI_OPTIONS is set.
// LAI_SVD_JACOBI_VARIANT=local|global|team|team_vglobal forces a variant
// (tests, tuning); by default: team when G and V fit LOCAL_ELEMS,
// team_vglobal when G alone does, global otherwise.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

// cl_mem and cl_event without the OpenCL header (this header is also seen by
// builds without OpenCL): the same types as in CL/cl.h.
struct _cl_mem;
struct _cl_event;

namespace lai::ocl {
struct Runtime;
}

namespace lai::svd {

template <class T>
void jacobi_batched_opencl(std::size_t count, int m, int n, const T* A, int lda, std::size_t sa, T* s,
                           std::size_t ss, T* U, int ldu, std::size_t su, T* VT, int ldvt, std::size_t svt, T tol,
                           int max_sweeps, std::vector<int>& sweeps, std::string* variant_used);

// What jacobi_device launched.
struct JacobiLaunch {
  std::string variant;  // local, global, team or team_vglobal
  std::string options;  // the program's build options (-D...)
  int wg = 0;           // work-group size
  int mpg = 1;          // matrices per work-group (team variants; 1 otherwise)
  std::size_t groups = 0;
};

// Device-resident batched SVD (the host path above and the benchmark use it):
// enqueues one kernel on rt.queue and returns without waiting. All buffers
// are device buffers in compact column-major form, matrix b at
//   A  + b*m*n      (m x n, ld m; not modified)
//   S  + b*k        (k = min(m,n) singular values, descending)
//   U  + b*m*k      (thin U, ld m; U == nullptr: not computed)
//   VT + b*k*n      (VT, ld k; VT == nullptr: not computed)
//   sweeps + b      (int: sweeps used, -1 = no convergence within max_sweeps)
// tol <= 0 means sqrt(max(m,n)) eps (the API's default); max_sweeps <= 0
// means 30. variant "" picks by size (or LAI_SVD_JACOBI_VARIANT), options ""
// takes LAI_SVD_JACOBI_OPTIONS, else the tuning table, else the generated
// defaults. The global scratch the variants global / team_vglobal need comes
// from the buffer pool and goes back to it on return: later work on the same
// in-order queue may reuse it only after this kernel. done (may be nullptr)
// receives the kernel's event (the caller releases it). The first call with
// given options compiles the program (cached): time later calls.
template <class T>
JacobiLaunch jacobi_device(const lai::ocl::Runtime& rt, std::size_t count, int m, int n, _cl_mem* A, _cl_mem* S,
                           _cl_mem* U, _cl_mem* VT, _cl_mem* sweeps, T tol, int max_sweeps, const std::string& variant,
                           const std::string& options, _cl_event** done);

// True when the library's OpenCL device is a GPU (false, not an error, when
// there is no device).
bool opencl_gpu_available() noexcept;

}  // namespace lai::svd
