// Argument rules of lai_dgemm/lai_sgemm: those of cblas_?gemm (reference
// BLAS xGEMM behind it), plus NULL checks for pointers that will be read or
// written. Kept apart from the entry points so both dtypes share one rule set
// and one set of messages.
#pragma once

namespace lai {

struct GemmFlags {
  bool row_major;
  bool trans_a;
  bool trans_b;
};

// Checks in argument order and throws lai::Error(LAI_ERROR_INVALID_ARGUMENT)
// naming the first broken rule, its argument and value. Enums arrive as int
// because C callers can pass any value.
GemmFlags validate_gemm(int layout, int transa, int transb, int m, int n, int k, bool alpha_is_zero,
                        const void* A, int lda, const void* B, int ldb, const void* C, int ldc);

}  // namespace lai
