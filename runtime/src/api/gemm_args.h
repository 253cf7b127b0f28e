// Argument rules of lai_dgemm/lai_sgemm: those of cblas_?gemm (reference
// BLAS xGEMM behind it), plus NULL checks for pointers that will be read or
// written. Kept apart from the entry points so both dtypes share one rule set
// and one set of messages.
#pragma once

#include <algorithm>

#include "lapack_ai/lapack_ai.h"

namespace lai {

struct GemmFlags {
  bool row_major;
  bool trans_a;
  bool trans_b;
};

// Walks the rules in argument order and throws
// lai::Error(LAI_ERROR_INVALID_ARGUMENT) naming the first broken one, its
// argument and value. Only called when validate_gemm() found a broken rule.
[[noreturn, gnu::cold]] void report_gemm(int layout, int transa, int transb, int m, int n, int k,
                                         bool alpha_is_zero, const void* A, int lda, const void* B, int ldb,
                                         const void* C, int ldc);

// Every call goes through here, and a whole 4x4 product costs a few
// nanoseconds, so the rules are checked as one branch-light expression
// (inline, no message formatting); report_gemm() explains a failure. Enums
// arrive as int because C callers can pass any value.
inline GemmFlags validate_gemm(int layout, int transa, int transb, int m, int n, int k, bool alpha_is_zero,
                               const void* A, int lda, const void* B, int ldb, const void* C, int ldc) {
  const bool row = layout == LAI_ROW_MAJOR;
  const bool ta = transa != LAI_NO_TRANS;
  const bool tb = transb != LAI_NO_TRANS;
  const bool reads_ab = m > 0 && n > 0 && k > 0 && !alpha_is_zero;
  // Stored lines of A: row-major op(A) = A (m x k) is m rows of length k; a
  // transpose or column-major storage swaps that, and both swap it back.
  const bool ok = (row || layout == LAI_COL_MAJOR) && transa >= LAI_NO_TRANS && transa <= LAI_CONJ_TRANS &&
                  transb >= LAI_NO_TRANS && transb <= LAI_CONJ_TRANS && (m | n | k) >= 0 &&
                  lda >= std::max(1, (row != ta) ? k : m) && ldb >= std::max(1, (row != tb) ? n : k) &&
                  ldc >= std::max(1, row ? n : m) && (!reads_ab || (A != nullptr && B != nullptr)) &&
                  (m == 0 || n == 0 || C != nullptr);
  if (!ok) report_gemm(layout, transa, transb, m, n, k, alpha_is_zero, A, lda, B, ldb, C, ldc);
  return GemmFlags{row, ta, tb};
}

}  // namespace lai
