// Public batched SVD entry points lai_?gesvd_batched: validate, reject
// NaN/Inf (naming the matrix), choose CPU or OpenCL (falling back to the CPU
// with a recorded reason when AUTO sent the batch to a failing device),
// report the first matrix that did not converge.
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "api/guard.h"
#include "diagnostics/error.h"
#include "lapack_ai/lapack_ai.h"
#include "svd/jacobi_cpu.h"
#include "svd/jacobi_opencl.h"
#include "svd/svd_checks.h"
#include "svd/svd_record.h"

namespace {

// AUTO sends a batch to a GPU from this many matrix elements in all: below
// it the transfers and the launch cost more than the CPU's work.
constexpr std::size_t kAutoGpuMinElements = std::size_t{1} << 16;
constexpr int kDefaultSweeps = 30;

[[noreturn]] void invalid(const std::string& m) { lai::fail(LAI_ERROR_INVALID_ARGUMENT, m + "; nothing was written"); }

std::string num(double x) {
  std::ostringstream o;
  o << x;
  return o.str();
}

template <class T>
void batched(std::size_t count, int m, int n, const T* A, int lda, std::size_t sa, T* s, std::size_t ss, T* U,
             int ldu, std::size_t su, T* VT, int ldvt, std::size_t svt, const lai_jacobi_options* options) {
  using lai::svd::record_fallback;
  using lai::svd::record_path;
  record_fallback("");
  const lai_jacobi_options opt = options != nullptr ? *options : lai_jacobi_options{0.0, 0, LAI_BACKEND_AUTO};
  const int k = std::min(m, n);
  if (m < 0) invalid("m=" + std::to_string(m) + " must be >= 0");
  if (n < 0) invalid("n=" + std::to_string(n) + " must be >= 0");
  if (lda < std::max(1, m)) invalid("lda=" + std::to_string(lda) + " must be >= max(1,m)=" + std::to_string(std::max(1, m)));
  if (U != nullptr && ldu < std::max(1, m)) invalid("ldu=" + std::to_string(ldu) + " must be >= max(1,m)=" + std::to_string(std::max(1, m)));
  if (VT != nullptr && ldvt < std::max(1, k)) {
    invalid("ldvt=" + std::to_string(ldvt) + " must be >= max(1,min(m,n))=" + std::to_string(std::max(1, k)));
  }
  if (!(opt.tol >= 0.0 && opt.tol < 1.0)) invalid("options->tol=" + num(opt.tol) + " must be in [0, 1) (0: sqrt(max(m,n))*eps)");
  if (opt.max_sweeps < 0) invalid("options->max_sweeps=" + std::to_string(opt.max_sweeps) + " must be >= 0 (0: 30)");
  const lai_backend backend = lai::svd::resolve_backend(opt.backend);
  if (count == 0 || k == 0) {
    record_path("none");
    return;
  }
  if (A == nullptr) invalid("A is NULL but count=" + std::to_string(count) + " and min(m,n)=" + std::to_string(k) + " > 0");
  if (s == nullptr) invalid("s is NULL but count=" + std::to_string(count) + " and min(m,n)=" + std::to_string(k) + " > 0");
  if (count > 1) {
    const std::size_t need_a = static_cast<std::size_t>(lda) * (n - 1) + m;
    if (sa < need_a) invalid("stride_a=" + std::to_string(sa) + " must be >= lda*(n-1)+m=" + std::to_string(need_a));
    if (ss < static_cast<std::size_t>(k)) invalid("stride_s=" + std::to_string(ss) + " must be >= min(m,n)=" + std::to_string(k));
    const std::size_t need_u = static_cast<std::size_t>(ldu) * (k - 1) + m;
    if (U != nullptr && su < need_u) invalid("stride_u=" + std::to_string(su) + " must be >= ldu*(min(m,n)-1)+m=" + std::to_string(need_u));
    const std::size_t need_vt = static_cast<std::size_t>(ldvt) * (n - 1) + k;
    if (VT != nullptr && svt < need_vt) {
      invalid("stride_vt=" + std::to_string(svt) + " must be >= ldvt*(n-1)+min(m,n)=" + std::to_string(need_vt));
    }
  }
  for (std::size_t b = 0; b < count; ++b) {
    lai::svd::require_finite(m, n, A + b * sa, lda, "matrix " + std::to_string(b) + " of the batch (from 0): ");
  }
  const T tol = opt.tol > 0 ? static_cast<T>(opt.tol)
                            : static_cast<T>(std::sqrt(static_cast<double>(std::max(m, n)))) * std::numeric_limits<T>::epsilon();
  const int sweeps_cap = opt.max_sweeps > 0 ? opt.max_sweeps : kDefaultSweeps;
  std::vector<int> sweeps;
  bool on_device = backend == LAI_BACKEND_OPENCL;
  if (backend == LAI_BACKEND_AUTO) {
    on_device = count * static_cast<std::size_t>(m) * n >= kAutoGpuMinElements && lai::svd::opencl_gpu_available();
  }
  bool done = false;
  if (on_device) {
    std::string variant;
    try {
      lai::svd::jacobi_batched_opencl<T>(count, m, n, A, lda, sa, s, ss, U, ldu, su, VT, ldvt, svt, tol, sweeps_cap,
                                         sweeps, &variant);
      record_path("opencl:jacobi");
      done = true;
    } catch (const lai::Error& e) {
      if (backend == LAI_BACKEND_OPENCL) throw;
      record_fallback(std::string("OpenCL batched Jacobi failed, the CPU did the work: ") +
                      lai_status_string(e.status()) + ": " + e.message());
    }
  }
  if (!done) {
    lai::svd::jacobi_batched_cpu<T>(count, m, n, A, lda, sa, s, ss, U, ldu, su, VT, ldvt, svt, tol, sweeps_cap, sweeps);
    record_path("cpu:jacobi");
  }
  std::size_t bad = 0, first = 0;
  for (std::size_t b = 0; b < count; ++b) {
    if (sweeps[b] < 0 && bad++ == 0) first = b;
  }
  if (bad > 0) {
    lai::fail(LAI_ERROR_NO_CONVERGENCE,
              "matrix " + std::to_string(first) + " of the batch (from 0) did not converge within max_sweeps=" +
                  std::to_string(sweeps_cap) + " sweeps of one-sided Jacobi (relative threshold tol=" +
                  num(static_cast<double>(tol)) + "); " + std::to_string(bad) + " of " + std::to_string(count) +
                  " matrices did not converge; all outputs are written but those matrices' are not accurate: raise "
                  "lai_jacobi_options.max_sweeps, loosen tol, or use lai_dgesvd for them");
  }
}

}  // namespace

extern "C" {

lai_status lai_dgesvd_batched(size_t count, int m, int n, const double* A, int lda, size_t stride_a, double* s,
                              size_t stride_s, double* U, int ldu, size_t stride_u, double* VT, int ldvt,
                              size_t stride_vt, const lai_jacobi_options* options) {
  return lai::guarded("lai_dgesvd_batched", [&] {
    batched<double>(count, m, n, A, lda, stride_a, s, stride_s, U, ldu, stride_u, VT, ldvt, stride_vt, options);
  });
}

lai_status lai_sgesvd_batched(size_t count, int m, int n, const float* A, int lda, size_t stride_a, float* s,
                              size_t stride_s, float* U, int ldu, size_t stride_u, float* VT, int ldvt,
                              size_t stride_vt, const lai_jacobi_options* options) {
  return lai::guarded("lai_sgesvd_batched", [&] {
    batched<float>(count, m, n, A, lda, stride_a, s, stride_s, U, ldu, stride_u, VT, ldvt, stride_vt, options);
  });
}

}  // extern "C"
