// Shared helpers of the runtime tests: random operands, the OpenBLAS
// reference, error bounds, and guards that restore global configuration.
#pragma once

#include <cblas.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "api/lai_internal.h"
#include "lapack_ai/lapack_ai.h"

namespace lai_test {

// Unit roundoff-sized epsilon of T (machine epsilon, 2u).
template <class T>
constexpr double eps() {
  return static_cast<double>(std::numeric_limits<T>::epsilon());
}

// Error-bound constants, used as
//   ||C - Cref||_F <= c * (k + a) * eps * (|alpha| ||A||_F ||B||_F + |beta| ||C0||_F).
// Classical GEMM (OpenBLAS, plain loops): each entry is a k-term dot product,
// scaled by alpha and added to beta*c, so |E| <= gamma_{k+2} (|alpha||A||B| +
// |beta||C0|) elementwise, and ||(|A||B|)||_F <= ||A||_F ||B||_F. The result
// and the double-precision reference each contribute one such bound: c = 2,
// a = 2.
constexpr double kClassicalC = 2.0;
constexpr double kClassicalA = 2.0;
// One level of a fast 4x4 scheme (straight-line kernel, block kernel): the
// normwise bound of a bilinear algorithm (Higham, ASNA 2nd ed., sec. 23.2.2;
// Demmel et al., "Fast matrix multiplication is stable") is
// (k/4 + q) u g ||A|| ||B|| where q counts the additions on one path through
// the U, V and W sums (at most 16 + 16 + 64 for a 4x4x4 scheme of rank <= 64)
// and g is the growth factor of the coefficients, 12 per Strassen level, so
// 144 for Strassen's square. We take a = 96 >= q, c = 144 + 2 (growth plus
// the classical reference and the alpha/beta update). Any indexing, sign or
// layout bug gives an error of the order of the data, far above this.
constexpr double kFastC = 146.0;
constexpr double kFastA = 96.0;

inline std::mt19937_64& rng() {
  static std::mt19937_64 g(20261121);
  return g;
}

template <class T>
T uniform() {
  std::uniform_real_distribution<double> d(-1.0, 1.0);
  return static_cast<T>(d(rng()));
}

inline double nan_d() { return std::numeric_limits<double>::quiet_NaN(); }

// A matrix as a BLAS routine sees it: `lines` lines of `used` elements each,
// `ld` apart (rows for row-major, columns for column-major storage). The
// padding between `used` and `ld` is NaN, so a kernel that reads it poisons
// the result and a kernel that writes it is caught byte-for-byte.
template <class T>
struct Stored {
  int lines = 0, used = 0, ld = 1;
  std::vector<T> data;

  Stored(int lines_, int used_, int ld_, bool nan_body = false) : lines(lines_), used(used_), ld(ld_) {
    data.assign(static_cast<std::size_t>(std::max(lines, 1)) * static_cast<std::size_t>(ld),
                std::numeric_limits<T>::quiet_NaN());
    for (int i = 0; i < lines; ++i) {
      for (int j = 0; j < used; ++j) at(i, j) = nan_body ? std::numeric_limits<T>::quiet_NaN() : uniform<T>();
    }
  }
  T& at(int line, int j) { return data[static_cast<std::size_t>(line) * ld + j]; }
  const T& at(int line, int j) const { return data[static_cast<std::size_t>(line) * ld + j]; }
  // Frobenius norm of the used part (transposition does not change it).
  double fro() const {
    double s = 0;
    for (int i = 0; i < lines; ++i) {
      for (int j = 0; j < used; ++j) s += static_cast<double>(at(i, j)) * static_cast<double>(at(i, j));
    }
    return std::sqrt(s);
  }
  std::vector<double> as_double() const { return std::vector<double>(data.begin(), data.end()); }
};

// Lines and used length of an operand with `rows` x `cols` as op() sees it.
struct Shape {
  int lines, used;
};
inline Shape stored_shape(bool row_major, bool trans, int rows, int cols) {
  // Row-major without transpose stores `rows` lines of `cols`; a transpose
  // or column-major storage swaps them; both swap back.
  return (row_major != trans) ? Shape{rows, cols} : Shape{cols, rows};
}

// An enum value outside the enumerators, as a C caller may pass one (a
// static_cast would be unspecified for values beyond the enum's range).
template <class E>
E bad_enum(int value) {
  static_assert(sizeof(E) == sizeof(int));
  E e;
  std::memcpy(&e, &value, sizeof e);
  return e;
}

inline bool is_trans(lai_transpose t) { return t != LAI_NO_TRANS; }

inline CBLAS_TRANSPOSE cblas_trans(lai_transpose t) { return is_trans(t) ? CblasTrans : CblasNoTrans; }

struct GemmCase {
  lai_layout layout = LAI_ROW_MAJOR;
  lai_transpose ta = LAI_NO_TRANS, tb = LAI_NO_TRANS;
  int m = 1, n = 1, k = 1;
  double alpha = 1, beta = 0;
  int pad_a = 0, pad_b = 0, pad_c = 0;  // extra leading-dimension elements
  bool nan_c = false;                   // C's body NaN (only meaningful with beta == 0)

  std::string describe() const {
    return std::string(layout == LAI_ROW_MAJOR ? "row" : "col") + " ta=" + std::to_string(ta) +
           " tb=" + std::to_string(tb) + " m=" + std::to_string(m) + " n=" + std::to_string(n) +
           " k=" + std::to_string(k) + " alpha=" + std::to_string(alpha) + " beta=" + std::to_string(beta) +
           " pads=" + std::to_string(pad_a) + "," + std::to_string(pad_b) + "," + std::to_string(pad_c) +
           (nan_c ? " nanC" : "");
  }
};

inline lai_status call_gemm(const GemmCase& c, const double* A, int lda, const double* B, int ldb, double* C,
                            int ldc) {
  return lai_dgemm(c.layout, c.ta, c.tb, c.m, c.n, c.k, c.alpha, A, lda, B, ldb, c.beta, C, ldc);
}
inline lai_status call_gemm(const GemmCase& c, const float* A, int lda, const float* B, int ldb, float* C,
                            int ldc) {
  return lai_sgemm(c.layout, c.ta, c.tb, c.m, c.n, c.k, static_cast<float>(c.alpha), A, lda, B, ldb,
                   static_cast<float>(c.beta), C, ldc);
}

// Runs lai_?gemm on random data and checks it against cblas_dgemm in double
// precision with the bound c*(k+a)*eps<T>*(...), that C's padding is
// untouched, and that dispatch took `expect_path` (if not null).
template <class T>
void check_gemm(const GemmCase& g, double c, double a, const char* expect_path) {
  SCOPED_TRACE(g.describe());
  const bool row = g.layout == LAI_ROW_MAJOR;
  const Shape sa = stored_shape(row, is_trans(g.ta), g.m, g.k);
  const Shape sb = stored_shape(row, is_trans(g.tb), g.k, g.n);
  const Shape sc = stored_shape(row, false, g.m, g.n);
  Stored<T> A(sa.lines, sa.used, std::max(1, sa.used) + g.pad_a);
  Stored<T> B(sb.lines, sb.used, std::max(1, sb.used) + g.pad_b);
  Stored<T> C(sc.lines, sc.used, std::max(1, sc.used) + g.pad_c, g.nan_c);
  const Stored<T> C0 = C;

  // Reference in double; BLAS gives no promise about NaN in C with beta = 0
  // through every code path, so the reference gets zeros there.
  std::vector<double> ref = C.as_double();
  if (g.beta == 0) {
    for (int i = 0; i < sc.lines; ++i) {
      for (int j = 0; j < sc.used; ++j) ref[static_cast<std::size_t>(i) * C.ld + j] = 0;
    }
  }
  const std::vector<double> Ad = A.as_double();
  const std::vector<double> Bd = B.as_double();
  cblas_dgemm(row ? CblasRowMajor : CblasColMajor, cblas_trans(g.ta), cblas_trans(g.tb), g.m, g.n, g.k,
              static_cast<double>(static_cast<T>(g.alpha)), Ad.data(), A.ld, Bd.data(), B.ld,
              static_cast<double>(static_cast<T>(g.beta)), ref.data(), C.ld);

  // The single-call fast path records nothing (runtime/src/cpu/fixed.h):
  // after a reset, "none" means it took the call; the tests call it "fast".
  lai_internal_reset_gemm_path();
  ASSERT_EQ(call_gemm(g, A.data.data(), A.ld, B.data.data(), B.ld, C.data.data(), C.ld), LAI_SUCCESS)
      << lai_last_error();
  if (expect_path != nullptr) {
    const std::string path = lai_internal_last_gemm_path();
    EXPECT_EQ(path == "none" ? std::string("fast") : path, expect_path);
  }

  double err2 = 0;
  bool finite = true;
  for (int i = 0; i < sc.lines; ++i) {
    for (int j = 0; j < sc.used; ++j) {
      const double d = static_cast<double>(C.at(i, j)) - ref[static_cast<std::size_t>(i) * C.ld + j];
      finite = finite && std::isfinite(static_cast<double>(C.at(i, j)));
      err2 += d * d;
    }
    for (int j = sc.used; j < C.ld; ++j) {
      ASSERT_EQ(std::memcmp(&C.at(i, j), &C0.at(i, j), sizeof(T)), 0) << "padding of C written at line " << i;
    }
  }
  ASSERT_TRUE(finite) << "non-finite entry in C (NaN from padding, or C read although beta == 0)";
  const double scale = std::abs(g.alpha) * A.fro() * B.fro() + (g.beta == 0 ? 0.0 : std::abs(g.beta) * C0.fro());
  const double bound = c * (g.k + a) * eps<T>() * scale;
  EXPECT_LE(std::sqrt(err2), bound);
}

// Restores the block threshold / scheme on scope exit, so tests that change
// them leave the process as they found it.
class ThresholdGuard {
 public:
  explicit ThresholdGuard(int n) : saved_(lai_get_block_threshold()) { EXPECT_EQ(lai_set_block_threshold(n), LAI_SUCCESS); }
  ~ThresholdGuard() { lai_set_block_threshold(saved_); }
  ThresholdGuard(const ThresholdGuard&) = delete;
  ThresholdGuard& operator=(const ThresholdGuard&) = delete;

 private:
  int saved_;
};

class SchemeGuard {
 public:
  explicit SchemeGuard(const char* name) : saved_(lai_get_scheme()), saved_single_(lai_internal_single_call_scheme()) {
    EXPECT_EQ(lai_set_scheme(name), LAI_SUCCESS) << lai_last_error();
  }
  // Restores the build's default (and with it the single-call policy for an
  // unset scheme) unless an explicit choice was in force before.
  ~SchemeGuard() {
    lai_set_scheme(nullptr);
    if (saved_ != lai_get_scheme() || saved_single_ != lai_internal_single_call_scheme()) {
      lai_set_scheme(saved_.c_str());
    }
  }
  SchemeGuard(const SchemeGuard&) = delete;
  SchemeGuard& operator=(const SchemeGuard&) = delete;

 private:
  std::string saved_;
  std::string saved_single_;
};

// OpenCL tests run when a device is usable; otherwise they skip, unless
// LAI_REQUIRE_OPENCL=1 (CI) turns the absence into a failure.
inline bool opencl_required() {
  const char* v = std::getenv("LAI_REQUIRE_OPENCL");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

#define LAI_REQUIRE_OPENCL_OR_SKIP()                                                           \
  do {                                                                                         \
    if (lai_opencl_init() != LAI_SUCCESS) {                                                    \
      if (::lai_test::opencl_required()) FAIL() << "LAI_REQUIRE_OPENCL=1: " << lai_last_error(); \
      GTEST_SKIP() << "no OpenCL device: " << lai_last_error();                                \
    }                                                                                          \
  } while (0)

}  // namespace lai_test
