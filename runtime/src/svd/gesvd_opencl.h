// lai_?gesvd on the OpenCL device (docs/svd.md, "GPU SVD for large
// matrices"): one-stage Golub-Kahan bidiagonalization on the device (kernels
// generated from factors/svd/bidiag_onestage.json, trailing updates by the
// GEMM leaf) or, for values only from N = MINN of factors/svd/band_tsqr.json
// on, the two-stage reduction (band_opencl.h), the bidiagonal SVD (values only: bisection on the device;
// with vectors: divide and conquer with the merges' products on the device,
// bdsdc_hybrid.h, on a GPU from n = 513, else LAPACK ?bdsdc; LAI_SVD_DC =
// hybrid | lapack forces one), the back-transformation
// U = Q_B U_B, V^T = V_B^T P_B^T on the device as compact-WY blocks of GEMMs.
// m < n works on A^T. Build options of the bidiagonalization kernels come
// from the tuning table (kernel lai_svd_bidiag_<dtype>) unless
// LAI_SVD_BIDIAG_OPTIONS is set.
#pragma once

#include <string>
#include <vector>

#include "svd/bdsdc_hybrid.h"

namespace lai::svd {

// Wall-clock seconds per stage of one gesvd_opencl call (the device queue is
// drained at each stage boundary, so the stages do not overlap).
struct GpuSvdStageTimes {
  double upload = 0;          // A to the device (+ transpose for m < n, + scaling)
  double bidiagonalize = 0;   // device: dgebrd-like reduction to upper bidiagonal
  // Of bidiagonalize: the host's time to enqueue its launches, before the
  // wait for them. Close to bidiagonalize: the host's enqueues pace the
  // device; far below: the device's kernels do.
  double bidiagonalize_enqueue = 0;
  double host_bidiag_svd = 0; // d, e to the host and the bidiagonal SVD (device bisection, or
                              // with vectors bdsdc_hybrid / LAPACK ?bdsdc)
  double back_transform = 0;  // U_B/V_B up (unless there), Q_B U_B and P_B V_B on the device
  double download = 0;        // results to the caller's arrays
  double total = 0;
  long long launches = 0;     // kernel enqueues (GEMMs included)
  // Values only through the two-stage route (band_opencl.h): bidiagonalize
  // is then band_reduce + band_download + band_chase; band is its B.
  int band = 0;
  double band_reduce = 0;     // device: dense -> band
  double band_download = 0;   // the band to the host
  double band_chase = 0;      // host: band -> bidiagonal
  // Inside host_bidiag_svd with vectors and bdsdc_hybrid: its merges and
  // the seconds of its parts, summed over threads (bdsdc_hybrid.h).
  HybridDcStats dc;
  // Whether bdsdc_hybrid kept U_B and V_B on the device (dc_device.h), so
  // that nothing of them crossed PCIe before the back-transformation.
  bool vectors_on_device = false;
  // Blocks of reflectors the back-transformation applied to their rows only
  // (views from row p; the others to all rows).
  long long back_row_views = 0;
  // Of those, blocks applied to Z's columns from p on only as well (Q_B and
  // P_B formed from identities first).
  long long back_col_views = 0;
  // With LAI_SVD_PROFILE=1 on a profiling queue: device time per kernel
  // (event start..end summed over its launches, GEMMs as "gemm", the
  // back-transformation's as "gemm:back_G" etc.); with
  // LAI_SVD_PROFILE=2 the column loop's kernels per band of 512 columns
  // ("name@b", b = column / 512); else empty.
  struct Kernel {
    std::string name;
    double seconds = 0;
    long long launches = 0;
  };
  std::vector<Kernel> kernels;
};

// Arguments validated (svd_args.h), jobs upper case. On success
// writes s, U, VT and A (job 'O') as DGESVD would and returns 0. Throws
// lai::Error on any failure before anything is written: device errors
// (OPENCL_BUILD, OUT_OF_MEMORY, NO_DEVICE, NOT_SUPPORTED for f64 without
// cl_khr_fp64), NO_CONVERGENCE (host bidiagonal SVD; *info then holds
// LAPACK's INFO) and NOT_FINITE. times (may be null) receives the stage
// times. max_abs: max |A(i,j)| when the caller has checked A (scan_finite);
// negative: the upload checks A for NaN/Inf (NOT_FINITE naming the first
// in column order, as scan_finite does) and takes max |A| as it copies.
template <class T>
void gesvd_opencl(char jobu, char jobvt, int m, int n, T* A, int lda, T* s, T* U, int ldu, T* VT, int ldvt,
                  int* info, GpuSvdStageTimes* times, T max_abs = T(-1));

// The smallest min(m,n) from which LAI_BACKEND=auto runs gesvd_opencl, or 0
// when auto never uses the device: tuning-table entry "svd-gpu-min:<dtype>"
// on a GPU device (default 1024), never on a non-GPU device;
// LAI_SVD_GPU_MIN=<n> overrides both (any OpenCL device; tests, benchmark).
int gesvd_opencl_auto_min(bool f64) noexcept;

}  // namespace lai::svd
