// Public GEMM entry points: validate, then dispatch.
#include "api/gemm_args.h"
#include "api/guard.h"
#include "cpu/fixed.h"
#include "cpu/gemm_call.h"
#include "dispatch/gemm_dispatch.h"
#include "lapack_ai/lapack_ai.h"

namespace {

// Everything but the single-call fast path. Kept out of line so that the
// entry points need no stack frame or saved registers before the fast path
// has had its chance (GCC does not shrink-wrap them otherwise: measured
// 10.9 ns per 4x4 call with it inline, see docs/results.md).
template <class T>
[[gnu::noinline]] lai_status gemm_general(const char* function, lai_layout layout, lai_transpose transa,
                                          lai_transpose transb, int m, int n, int k, T alpha, const T* A, int lda,
                                          const T* B, int ldb, T beta, T* C, int ldc) noexcept {
  return lai::guarded(function, [&] {
    const lai::GemmFlags f = lai::validate_gemm(layout, transa, transb, m, n, k, alpha == T(0), A, lda, B, ldb,
                                                C, ldc);
    lai::dispatch_gemm(lai::GemmCall<T>{f.row_major, f.trans_a, f.trans_b, m, n, k, alpha, A, lda, B, ldb,
                                        beta, C, ldc});
  });
}

template <class T>
inline lai_status gemm(const char* function, lai_layout layout, lai_transpose transa, lai_transpose transb, int m,
                       int n, int k, T alpha, const T* A, int lda, const T* B, int ldb, T beta, T* C,
                       int ldc) noexcept {
  // 4x4 (the single-call scheme's shape): the lean path of cpu/fixed.h.
  if (lai::cpu::try_single_call(layout, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)) {
    return LAI_SUCCESS;
  }
  return gemm_general(function, layout, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace

extern "C" {

lai_status lai_dgemm(lai_layout layout, lai_transpose transa, lai_transpose transb, int m, int n, int k,
                     double alpha, const double* A, int lda, const double* B, int ldb, double beta, double* C,
                     int ldc) {
  return gemm("lai_dgemm", layout, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

lai_status lai_sgemm(lai_layout layout, lai_transpose transa, lai_transpose transb, int m, int n, int k,
                     float alpha, const float* A, int lda, const float* B, int ldb, float beta, float* C,
                     int ldc) {
  return gemm("lai_sgemm", layout, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

}  // extern "C"
