// Singular values of an upper bidiagonal matrix on the OpenCL device by
// bisection with Sturm counts on its Golub-Kahan matrix (kernel generated
// from factors/svd/bidiag_bisect.json, lai_svd_bisect_<dtype>; the method,
// its accuracy and its range are described at the top of
// templates/opencl_svd_bisect.cl.in). Meant for the values-only jobs of
// lai_?gesvd's GPU path, whose bidiagonalization leaves d and e on the
// device: it replaces the host dbdsqr (dqds), which is sequential.
//
// Accuracy: each sigma_k with a relative error of O(n eps) (Demmel-Kahan),
// for sigma_k >= 2^-950 max|B| (f64; 2^-80 max|B| for f32); below that an
// absolute error of a few 2^-1022 max|B| (2^-126 max|B|); zero singular
// values come out as exact zeros. Inputs finite; results finite while
// max|B| <= DBL_MAX / 2 (FLT_MAX / 2).
//
// Build options: `options` if not empty, else LAI_SVD_BISECT_OPTIONS, else
// the tuning table (kernel lai_svd_bisect_<dtype>), else the generated
// defaults (WG 256, TEAM 8).
#pragma once

#include <string>

// cl_mem and cl_event without the OpenCL header (this header is also seen by
// builds without OpenCL): the same types as in CL/cl.h.
struct _cl_mem;
struct _cl_event;

namespace lai::ocl {
struct Runtime;
}

namespace lai::svd {

// Device-resident: enqueues one kernel on rt.queue and returns without
// waiting. d: n diagonal entries; e: superdiagonal, entries 0..n-2 read (the
// buffer may be longer, e.g. n with e[n-1] = 0; for n == 1 any valid buffer
// or nullptr); s: n outputs, s[k] = (k+1)-th largest singular value
// (descending). d, e are not modified, s may not alias them. done (may be
// nullptr) receives the kernel's event (the caller releases it); n == 0
// enqueues a marker instead. Throws lai::Error: NOT_SUPPORTED for f64 on a
// device without cl_khr_fp64, OPENCL_BUILD, INVALID_ARGUMENT (n < 0, or
// n*TEAM work-items beyond what a launch can hold). The first call with
// given options compiles the program (cached): time later calls.
template <class T>
void bidiag_values_device(const lai::ocl::Runtime& rt, int n, _cl_mem* d, _cl_mem* e, _cl_mem* s, _cl_event** done,
                          const std::string& options = std::string());

// Host convenience wrapper (tests): copies d (n) and e (n-1) to the device,
// runs bidiag_values_device and reads s (n) back. Same errors, plus
// NO_DEVICE when there is no OpenCL device.
template <class T>
void bidiag_values_opencl(int n, const T* d, const T* e, T* s, const std::string& options = std::string());

}  // namespace lai::svd
