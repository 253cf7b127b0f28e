// The straight-line path: a call whose m, k, n equal a scheme's shape runs
// that scheme's generated kernel directly (no BLAS call overhead).
#pragma once

#include <cstddef>

#include "cpu/gemm_call.h"
#include "cpu/kernel_select.h"
#include "cpu/registry.h"
#include "dispatch/config.h"
#include "lapack_ai/lapack_ai.h"

namespace lai::cpu {

// True when scheme `s` has a straight-line kernel of type T for this call.
template <class T>
bool fixed_applies(const lai_scheme_kernels& s, const GemmCall<T>& c) noexcept;

// Runs it; only valid when fixed_applies() and alpha != 0, k > 0.
template <class T>
void gemm_fixed(const lai_scheme_kernels& s, const GemmCall<T>& c) noexcept;

// The part of try_single_call() for transposed operands: the strided kernels
// of `s` (false when it has none). Out of line, so the common case needs no
// stack frame.
template <class T>
[[gnu::noinline]] bool single_call_strided(const lai_scheme_kernels& s, bool row_major, bool trans_a, bool trans_b,
                                           T alpha, const T* A, int lda, const T* B, int ldb, T beta, T* C,
                                           int ldc) noexcept;

// The single-call fast path, inlined into lai_dgemm/lai_sgemm before the
// general validation: a 4x4 product costs a few nanoseconds, so everything
// between the call and the kernel is one relaxed load of the cached registry
// entry (config::single_call_scheme()), a few compares and one indirect call;
// no lock, no thread-local, no search, no exception frame. Returns false
// (nothing done, nothing recorded) unless the call is a product of the
// entry's square shape d x d x d that passes every argument rule, with
// alpha != 0; the general path then validates again (and reports in its own
// words) and dispatches. For m = n = k = d every rule of validate_gemm()
// reduces to the expression below: each leading dimension must be >= d
// whatever the layout and transposes, and A, B, C are all dereferenced. It
// does not record the path (last_gemm_path()): a thread-local write would
// cost a noticeable fraction of the call.
//
// Unit column strides (row-major without transposes; column-major without
// transposes, computed as C^T = B^T A^T) take the vectorized _rowmajor
// kernels, every other layout the strided ones.
template <class T>
inline bool try_single_call(int layout, int transa, int transb, int m, int n, int k, T alpha, const T* A,
                            int lda, const T* B, int ldb, T beta, T* C, int ldc) noexcept {
  // Null until the first call through the general path has read the
  // environment (config::single_call_scheme_slow() would cost this path a
  // stack frame: measured 0.3-0.5 ns of 9).
  const lai_scheme_kernels* s = config::g_single_call_scheme.load(std::memory_order_relaxed);
  if (s == nullptr) return false;
  const int d = s->m;
  if (m != d || n != d || k != d || s->k != d || s->n != d) return false;
  const auto ta = static_cast<unsigned>(transa - LAI_NO_TRANS), tb = static_cast<unsigned>(transb - LAI_NO_TRANS);
  const bool row_major = layout == LAI_ROW_MAJOR;
  const bool ok = (row_major || layout == LAI_COL_MAJOR) && ta <= 2 && tb <= 2 && lda >= d && ldb >= d &&
                  ldc >= d && A != nullptr && B != nullptr && C != nullptr && alpha != T(0);
  if (!ok) return false;
  using K = Kernels<T>;
  const bool beta0 = beta == T(0);  // BLAS: C is not read, NaN in C must not leak
  if ((ta | tb) == 0) {
    const typename K::K4x4Row row = beta0 ? K::fixed_row_beta0(*s) : K::fixed_row(*s);
    if (row != nullptr) {
      if (row_major) {
        row(alpha, A, lda, B, ldb, beta, C, ldc);
      } else {
        row(alpha, B, ldb, A, lda, beta, C, ldc);
      }
      return true;
    }
  }
  return single_call_strided(*s, row_major, ta != 0, tb != 0, alpha, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace lai::cpu
