#include "api/gemm_args.h"

#include <algorithm>
#include <string>

#include "diagnostics/error.h"
#include "lapack_ai/lapack_ai.h"

namespace lai {

namespace {

[[noreturn]] void invalid(const std::string& message) { fail(LAI_ERROR_INVALID_ARGUMENT, message); }

bool check_trans(const char* name, int value) {
  if (value != LAI_NO_TRANS && value != LAI_TRANS && value != LAI_CONJ_TRANS) {
    invalid(std::string(name) + "=" + std::to_string(value) +
            " must be LAI_NO_TRANS (111), LAI_TRANS (112) or LAI_CONJ_TRANS (113)");
  }
  // Real data: a conjugate transpose is a transpose.
  return value != LAI_NO_TRANS;
}

void check_size(const char* name, int value) {
  if (value < 0) invalid(std::string(name) + "=" + std::to_string(value) + " must be >= 0");
}

// ld >= max(1, rows): `rows_name`/`rows` say which size bounds it, `what`
// says why (layout, operand, transpose) so the message explains the rule.
void check_ld(const char* ld_name, int ld, const char* rows_name, int rows, const std::string& what) {
  const int need = std::max(1, rows);
  if (ld < need) {
    invalid(std::string(ld_name) + "=" + std::to_string(ld) + " must be >= max(1," + rows_name +
            ")=" + std::to_string(need) + " for " + what);
  }
}

std::string operand(bool row_major, const char* name, bool trans) {
  return std::string(row_major ? "row-major " : "column-major ") + name +
         (trans ? " with transpose" : " without transpose");
}

}  // namespace

GemmFlags validate_gemm(int layout, int transa, int transb, int m, int n, int k, bool alpha_is_zero,
                        const void* A, int lda, const void* B, int ldb, const void* C, int ldc) {
  if (layout != LAI_ROW_MAJOR && layout != LAI_COL_MAJOR) {
    invalid("layout=" + std::to_string(layout) + " must be LAI_ROW_MAJOR (101) or LAI_COL_MAJOR (102)");
  }
  const bool row = layout == LAI_ROW_MAJOR;
  const bool ta = check_trans("transa", transa);
  const bool tb = check_trans("transb", transb);
  check_size("m", m);
  check_size("n", n);
  check_size("k", k);

  // A and B are read exactly when there is a product to form.
  const bool reads_ab = m > 0 && n > 0 && k > 0 && !alpha_is_zero;
  const std::string dims = "m=" + std::to_string(m) + ", n=" + std::to_string(n) + ", k=" + std::to_string(k);
  if (reads_ab && A == nullptr) invalid("A is NULL but is read (" + dims + ", alpha != 0)");
  // Stored rows of A: row-major op(A)=A is m x k stored by rows of length k.
  if (row) {
    ta ? check_ld("lda", lda, "m", m, operand(row, "A", ta)) : check_ld("lda", lda, "k", k, operand(row, "A", ta));
  } else {
    ta ? check_ld("lda", lda, "k", k, operand(row, "A", ta)) : check_ld("lda", lda, "m", m, operand(row, "A", ta));
  }
  if (reads_ab && B == nullptr) invalid("B is NULL but is read (" + dims + ", alpha != 0)");
  if (row) {
    tb ? check_ld("ldb", ldb, "k", k, operand(row, "B", tb)) : check_ld("ldb", ldb, "n", n, operand(row, "B", tb));
  } else {
    tb ? check_ld("ldb", ldb, "n", n, operand(row, "B", tb)) : check_ld("ldb", ldb, "k", k, operand(row, "B", tb));
  }
  if (m > 0 && n > 0 && C == nullptr) invalid("C is NULL but m and n are > 0 (" + dims + ")");
  const std::string c_what = std::string(row ? "row-major" : "column-major") + " C";
  row ? check_ld("ldc", ldc, "n", n, c_what) : check_ld("ldc", ldc, "m", m, c_what);
  return GemmFlags{row, ta, tb};
}

}  // namespace lai
