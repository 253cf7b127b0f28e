// Singular values and vectors of an upper bidiagonal matrix by divide and
// conquer, as LAPACK's ?bdsdc (COMPQ='I') computes them, with the two
// products of every large merge on the GPU and the merge's scalar work on
// all host threads. The bidiagonal SVD with vectors of lai_?gesvd's GPU path
// (gesvd_opencl.cpp) runs here when the device is a GPU and n is large.
//
// Why: on the H200 machine ?bdsdc took 1.8-2.1 s of the 2.4 s thin SVD at
// n=4096 (bench/svd runs 15-16): with the bidiagonal of a random matrix
// little deflates, so its time is the merges' dense products (2 n^3 flops
// at the top merge alone), which OpenBLAS on 16 threads ran at a small
// fraction of their rate, and the sequential secular-equation loops.
//
// Method (Gu and Eisenstat's divide and conquer as LAPACK's dlasd0/dlasd1
// organise it): split B at its middle row into a left block (sqre 1), the
// row (alpha, beta) and a right block; solve both blocks (recursively, the
// two in parallel threads; blocks of at most `leaf` rows by LAPACK ?lasd0
// itself); merge: LAPACK ?lasd2 deflates and forms the K x K secular
// problem, ?lasd4 finds its K roots (in parallel over the host's threads),
// the roots give the corrected z (Lowner) and the singular vectors of the
// K x K problem, and U(:, 1:K) = U2(:, 1:K) QL, VT(1:K, :) = QR VT2(1:K, :)
// are two dense products: on the GPU (gemm_opencl) when K is at least
// gpu_min, else cblas. ?lasd3 does the same products blockwise skipping the
// zero blocks of U2 and VT2; the dense product adds only exact zeros.
// Finally the values are sorted into descending order with their vectors.
// With a DcDevice that solves it (dc_device.h, the GPU SVD's default) a
// device merge's secular problem (roots, Lowner z, vectors, the merge's W)
// runs on the device instead of ?lasd4 and the host loops.
#pragma once

#include <memory>

#include "svd/dc_deflate.h"

namespace lai::svd {

struct HybridDcOptions {
  // Blocks of at most this many rows go to LAPACK ?lasd0. 256: with the
  // secular problem on the device the leaves were the critical path (thin
  // 2048^2 on the H200: 0.10-0.13 s with 512, 0.08-0.11 s with 256, 0.11-0.15
  // s with 128; bench/results/svd_nvidia_h200_run27_probe_leaf.log).
  int leaf = 256;
  int gpu_min = 256;  // merges with K >= gpu_min multiply on the GPU
  int threads = 0;    // host threads for the secular equation; 0: all
  // OpenBLAS single-threaded during the call (cpu/blas_threads.h): the
  // leaves' ?lasd0 and the host products run on the solver's own threads.
  bool single_threaded_blas = true;
};

struct HybridDcStats {
  int merges = 0, gpu_merges = 0;
  int device_secular_merges = 0;  // merges whose secular problem the device solved (DcDevice::solves_secular)
  double seconds_leaves = 0, seconds_deflate = 0, seconds_secular = 0, seconds_products = 0;
  double seconds_merge_matrix = 0;  // building the device merges' W (part of seconds_secular)
  double seconds_pool_wait = 0;     // merges waiting for the work arrays' first touch
};

// What a device keeps of one merge's secular problem between
// DcDevice::secular_roots and secular_product.
class DcSecular {
 public:
  virtual ~DcSecular() = default;
};

// Where a device-resident divide and conquer keeps U and V = VT^T (both n x
// n, column-major; U starts zero, V zero). The OpenCL one is dc_device.h's.
// The solver's threads call it concurrently; implementations serialise.
// Every function throws lai::Error on failure.
template <class T>
class DcDevice {
 public:
  virtual ~DcDevice() = default;
  // U(i, i) = 1: the middle row of a merge, which neither child sets.
  virtual void set_unit(int i) = 0;
  // A block solved on the host: U (N x N) and V = VT^T (VT: M x M) at (f, f).
  virtual void put_block(int f, int N, int M, const T* U, int ldu, const T* VT, int ldvt) = 0;
  // out[0..count) = VT(r0.., c) = V(c, r0..).
  virtual void vt_column(int c, int r0, int count, T* out) = 0;
  // The blocks at (f, f): U (N x N) = U W_U, V (M x M) = V W_V.
  virtual void product(int f, int N, int M, const T* WU, int ldwu, const T* WV, int ldwv) = 0;

  // The secular problem on the device as well (dc_device.cpp's kernels;
  // LAI_SVD_DC_SECULAR=0 says no): then a merge with K >= 2 calls
  // secular_roots and secular_product instead of solving it on the host and
  // calling product.
  virtual bool solves_secular() const = 0;
  // sigma[0..K) = the roots of the plan's secular problem, ascending (z: the
  // plan's z over its norm, rho2 = that norm squared). The roots' offsets
  // from their poles stay on the device, in the returned state, for
  // secular_product; so does the plan's order (src) and rotations. tau and
  // pole (tests; may be null): each root as sigma = dsigma[pole] + tau, the
  // form the vectors are computed from.
  virtual std::unique_ptr<DcSecular> secular_roots(const DeflationPlan<T>& plan, const T* z, T rho2, T* sigma,
                                                   T* tau = nullptr, int* pole = nullptr) = 0;
  // product(f, N, M, W_U, W_V) with W_U and W_V as merge_matrix(plan, ...,
  // order, negate) builds them from the roots, built on the device.
  virtual void secular_product(DcSecular& s, const DeflationPlan<T>& plan, int f, int nl, int N, int M,
                               const int* order, const unsigned char* negate) = 0;
};

// Whether the merge of a block of n rows runs on the device, given one: it
// is not a leaf and K could reach gpu_min. bdsdc_hybrid with a device needs
// this of n itself (the root merges there).
bool dc_merges_on_device(int n, const HybridDcOptions& opt);

// d (n), e (n-1; destroyed), U (n x n, ldu), VT (n x n, ldvt) as ?bdsdc with
// UPLO='U', COMPQ='I': on return d holds the singular values in descending
// order, U and VT the singular vectors. Returns 0, or the INFO of the LAPACK
// routine that failed (> 0: a secular equation did not converge); then d, e,
// U and VT hold garbage and the caller falls back to ?bdsdc/?bdsqr on its
// copy. Throws lai::Error when the GPU product fails, std::bad_alloc.
//
// With a device (dc_merges_on_device(n, opt) must hold): the merges of
// blocks from gpu_min rows multiply there and U_B, V_B = VT_B^T end in
// its buffers, in the order of d; U and VT (host) serve the blocks solved
// on the host only and hold nothing useful on return. What moves between
// host and device is then the host blocks once, two short columns and W_U,
// W_V per merge (dc_deflate.h's merge_matrix): no U or VT crosses back.
template <class T>
int bdsdc_hybrid(int n, T* d, T* e, T* U, int ldu, T* VT, int ldvt, const HybridDcOptions& opt,
                 HybridDcStats* stats, DcDevice<T>* device = nullptr);

// Options from the environment: LAI_SVD_DC_LEAF (an integer >= 1),
// LAI_SVD_DC_GPU_MIN (>= 0) (the tests' way to take every path at small n),
// LAI_SVD_DC_BLAS1 (0: leave OpenBLAS's threads as they are; 1, default);
// defaults otherwise, also for values that are not such integers (tuning
// knobs, as LAI_BLOCK_THRESHOLD).
HybridDcOptions hybrid_dc_options_from_env();

// LAI_SVD_DC, the bidiagonal SVD with vectors of the GPU path: unset or
// empty = the default (bdsdc_hybrid on GPUs from n = 513), "hybrid" or
// "lapack" (any case). Throws lai::Error(LAI_ERROR_INVALID_ARGUMENT) naming
// the variable, its value and the rule for anything else (as LAI_BACKEND).
enum class DcChoice { automatic, hybrid, lapack };
DcChoice dc_choice_from_env();

}  // namespace lai::svd
