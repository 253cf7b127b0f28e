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

// Says which layout, operand and transpose a leading-dimension rule is for.
struct Operand {
  bool row_major;
  const char* name;  // "A", "B" or "C"
  bool trans;
  bool has_trans;  // false for C
};

std::string describe(const Operand& op) {
  std::string out = std::string(op.row_major ? "row-major " : "column-major ") + op.name;
  if (op.has_trans) out += op.trans ? " with transpose" : " without transpose";
  return out;
}

// ld >= max(1, rows): `rows_name`/`rows` say which size bounds it. The
// message is only formatted on failure: this runs on every call, and a 4x4
// product takes a few nanoseconds.
void check_ld(const char* ld_name, int ld, const char* rows_name, int rows, const Operand& op) {
  const int need = std::max(1, rows);
  if (ld < need) {
    invalid(std::string(ld_name) + "=" + std::to_string(ld) + " must be >= max(1," + rows_name +
            ")=" + std::to_string(need) + " for " + describe(op));
  }
}

std::string dims(int m, int n, int k) {
  return "m=" + std::to_string(m) + ", n=" + std::to_string(n) + ", k=" + std::to_string(k);
}

}  // namespace

void report_gemm(int layout, int transa, int transb, int m, int n, int k, bool alpha_is_zero, const void* A,
                 int lda, const void* B, int ldb, const void* C, int ldc) {
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
  if (reads_ab && A == nullptr) invalid("A is NULL but is read (" + dims(m, n, k) + ", alpha != 0)");
  // Stored lines of A: row-major op(A) = A (m x k) is m rows of length k; a
  // transpose or column-major storage swaps that, both swap it back.
  const Operand opa{row, "A", ta, true};
  (row != ta) ? check_ld("lda", lda, "k", k, opa) : check_ld("lda", lda, "m", m, opa);
  if (reads_ab && B == nullptr) invalid("B is NULL but is read (" + dims(m, n, k) + ", alpha != 0)");
  const Operand opb{row, "B", tb, true};
  (row != tb) ? check_ld("ldb", ldb, "n", n, opb) : check_ld("ldb", ldb, "k", k, opb);
  if (m > 0 && n > 0 && C == nullptr) invalid("C is NULL but m and n are > 0 (" + dims(m, n, k) + ")");
  const Operand opc{row, "C", false, false};
  row ? check_ld("ldc", ldc, "n", n, opc) : check_ld("ldc", ldc, "m", m, opc);
  // Unreachable while validate_gemm()'s expression and these checks agree.
  fail(LAI_ERROR_INTERNAL, "argument check disagreement in validate_gemm");
}

}  // namespace lai
