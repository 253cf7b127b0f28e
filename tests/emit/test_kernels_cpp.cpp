// The emitted C++ kernels (cpp-4x4 and cpp-block), compiled into this test by
// tests/emit/CMakeLists.txt, against BLAS on random inputs. Error bound and
// its constant: kernel_check.hpp.
#include <gtest/gtest.h>

#include <string>

#include "kernel_check.hpp"
#include "strassen2_4x4x4_r49_cpp4x4_f32.h"
#include "strassen2_4x4x4_r49_cpp4x4_f64.h"
#include "strassen2_4x4x4_r49_cppblock_f32.h"
#include "strassen2_4x4x4_r49_cppblock_f64.h"
#include "strassen_2x2x2_r7_cpp4x4_f32.h"
#include "strassen_2x2x2_r7_cpp4x4_f64.h"
#include "strassen_2x2x2_r7_cppblock_f32.h"
#include "strassen_2x2x2_r7_cppblock_f64.h"
#include "test_schemes.hpp"
#ifdef LAI_EMIT_TEST_PLINOPT
#include "../common/factors.hpp"
#include "lai_gen/readers.hpp"
#include "plinopt_4x4x4_r48_cpp4x4_f64.h"
#include "plinopt_4x4x4_r48_cppblock_f64.h"
#endif

namespace lai::test {
namespace {

// Strassen: at most 2 non-zeros per column of U and V, 4 per row of W; its
// Kronecker square: 4, 4 and 16.
constexpr double kAmpS2 = 2.0 * 2 * 2 * 4;
constexpr double kAmpSq = 2.0 * 4 * 4 * 16;

template <class T>
using K4 = void (*)(T, const T*, std::ptrdiff_t, std::ptrdiff_t, const T*, std::ptrdiff_t, std::ptrdiff_t, T, T*,
                    std::ptrdiff_t, std::ptrdiff_t);

// One operand layout: element (i,j) at base[i*rs + j*cs], with the base
// chosen so that negative strides stay inside the buffer.
struct Layout {
  const char* name;
  int kind;  // 0 row-major, 1 column-major, 2 padded rows, 3 padded columns, 4 rows reversed
  std::ptrdiff_t rs(int rows, int cols) const {
    (void)rows;
    switch (kind) {
      case 0: return cols;
      case 1: return 1;
      case 2: return cols + 3;
      case 3: return 1;
      default: return -static_cast<std::ptrdiff_t>(cols);
    }
  }
  std::ptrdiff_t cs(int rows, int cols) const {
    (void)cols;
    switch (kind) {
      case 1: return rows;
      case 3: return rows + 2;
      default: return 1;
    }
  }
  std::size_t size(int rows, int cols) const { return static_cast<std::size_t>((rows + 3) * (cols + 3)); }
  std::ptrdiff_t origin(int rows, int cols) const { return kind == 4 ? static_cast<std::ptrdiff_t>(rows - 1) * cols : 0; }
};
const Layout kLayouts[] = {{"row", 0}, {"col", 1}, {"padded-rows", 2}, {"padded-cols", 3}, {"reversed", 4}};

template <class T>
void check_4x4(K4<T> general, K4<T> beta0, int m, int k, int n, double amp, const std::string& what) {
  std::mt19937_64 rng(42);
  for (const Layout& la : kLayouts) {
    for (const Layout& lb : kLayouts) {
      for (const Layout& lc : kLayouts) {
        const std::pair<double, double> ab[] = {{1.0, 0.0}, {1.0, 1.0}, {-0.75, 0.5}, {2.0, -1.0}};
        for (const auto& [alpha, beta] : ab) {
          std::vector<T> a = random_matrix<T>(rng, la.size(m, k)), b = random_matrix<T>(rng, lb.size(k, n)),
                         c = random_matrix<T>(rng, lc.size(m, n));
          const T* pa = a.data() + la.origin(m, k);
          const T* pb = b.data() + lb.origin(k, n);
          T* pc = c.data() + lc.origin(m, n);
          const auto rsa = la.rs(m, k), csa = la.cs(m, k), rsb = lb.rs(k, n), csb = lb.cs(k, n);
          const auto rsc = lc.rs(m, n), csc = lc.cs(m, n);
          // Reference in long double from the same (rounded) inputs.
          std::vector<long double> ref(static_cast<std::size_t>(m * n));
          for (int i = 0; i < m; ++i) {
            for (int l = 0; l < n; ++l) {
              long double s = 0;
              for (int j = 0; j < k; ++j) s += static_cast<long double>(pa[i * rsa + j * csa]) * pb[j * rsb + l * csb];
              ref[static_cast<std::size_t>(i * n + l)] =
                  alpha * s + (beta != 0 ? beta * static_cast<long double>(pc[i * rsc + l * csc]) : 0.0L);
            }
          }
          const double na = frobenius(pa, m, k, rsa, csa), nb = frobenius(pb, k, n, rsb, csb);
          const double nc0 = frobenius(pc, m, n, rsc, csc);
          if (beta == 0) {
            // beta = 0: C must not be read, so NaN in it must not matter.
            for (int i = 0; i < m; ++i) {
              for (int l = 0; l < n; ++l) pc[i * rsc + l * csc] = std::numeric_limits<T>::quiet_NaN();
            }
            beta0(static_cast<T>(alpha), pa, rsa, csa, pb, rsb, csb, T(0), pc, rsc, csc);
          } else {
            general(static_cast<T>(alpha), pa, rsa, csa, pb, rsb, csb, static_cast<T>(beta), pc, rsc, csc);
          }
          double err = 0;
          for (int i = 0; i < m; ++i) {
            for (int l = 0; l < n; ++l) {
              const long double d = pc[i * rsc + l * csc] - ref[static_cast<std::size_t>(i * n + l)];
              err += static_cast<double>(d * d);
            }
          }
          err = std::sqrt(err);
          EXPECT_LE(err, error_bound(amp, k, kEps<T>, alpha, na, nb, beta, nc0))
              << what << " layouts A " << la.name << " B " << lb.name << " C " << lc.name << " alpha " << alpha
              << " beta " << beta;
        }
      }
    }
  }
}

TEST(EmittedCpp4x4, Strassen2x2) {
  check_4x4<double>(lai_strassen_2x2x2_r7_cpp4x4_f64, lai_strassen_2x2x2_r7_cpp4x4_f64_beta0, 2, 2, 2, kAmpS2, "f64");
  check_4x4<float>(lai_strassen_2x2x2_r7_cpp4x4_f32, lai_strassen_2x2x2_r7_cpp4x4_f32_beta0, 2, 2, 2, kAmpS2, "f32");
}

TEST(EmittedCpp4x4, StrassenSquared4x4) {
  check_4x4<double>(lai_strassen2_4x4x4_r49_cpp4x4_f64, lai_strassen2_4x4x4_r49_cpp4x4_f64_beta0, 4, 4, 4, kAmpSq,
                    "f64");
  check_4x4<float>(lai_strassen2_4x4x4_r49_cpp4x4_f32, lai_strassen2_4x4x4_r49_cpp4x4_f32_beta0, 4, 4, 4, kAmpSq,
                   "f32");
}

template <class T>
using Blk = int (*)(int, int, int, int, int, T, const T*, int, const T*, int, T, T*, int, void*, std::size_t);
using Ws = std::size_t (*)(int, int, int);

// One call of a block kernel against the BLAS reference.
template <class T>
void check_block_once(Blk<T> fn, Ws ws, std::mt19937_64& rng, int m, int n, int k, bool ta, bool tb, double alpha,
                      double beta, int pad, double amp, const std::string& what) {
  const int rows_a = ta ? k : m, cols_a = ta ? m : k, rows_b = tb ? n : k, cols_b = tb ? k : n;
  const int lda = cols_a + pad, ldb = cols_b + pad, ldc = n + pad;
  // max(1, ...) rows so that pointers are valid even for empty operands.
  std::vector<T> a = random_matrix<T>(rng, static_cast<std::size_t>(std::max(rows_a, 1) * lda));
  std::vector<T> b = random_matrix<T>(rng, static_cast<std::size_t>(std::max(rows_b, 1) * ldb));
  std::vector<T> c = random_matrix<T>(rng, static_cast<std::size_t>(std::max(m, 1) * ldc));
  const double nc0 = frobenius(c.data(), m, n, ldc, 1);
  if (beta == 0) {
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) c[static_cast<std::size_t>(i * ldc + j)] = std::numeric_limits<T>::quiet_NaN();
    }
  }
  std::vector<T> ref = c;
  gemm_ref(CblasRowMajor, ta, tb, m, n, k, static_cast<T>(alpha), a.data(), lda, b.data(), ldb, static_cast<T>(beta),
           ref.data(), ldc);
  const std::size_t bytes = ws(m, n, k);
  std::vector<T> work(bytes / sizeof(T) + 1);
  const int rc = fn(ta, tb, m, n, k, static_cast<T>(alpha), a.data(), lda, b.data(), ldb, static_cast<T>(beta),
                    c.data(), ldc, work.data(), bytes);
  ASSERT_EQ(rc, 0) << what;
  double err = 0;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      const double d = static_cast<double>(c[static_cast<std::size_t>(i * ldc + j)]) -
                       static_cast<double>(ref[static_cast<std::size_t>(i * ldc + j)]);
      err += d * d;
    }
    // Padding beyond column n belongs to the caller: untouched.
    for (int j = n; j < ldc; ++j) {
      ASSERT_EQ(c[static_cast<std::size_t>(i * ldc + j)], ref[static_cast<std::size_t>(i * ldc + j)]) << what;
    }
  }
  err = std::sqrt(err);
  const double na = frobenius(a.data(), rows_a, cols_a, lda, 1), nb = frobenius(b.data(), rows_b, cols_b, ldb, 1);
  EXPECT_LE(err, error_bound(amp, k, kEps<T>, alpha, na, nb, beta, nc0))
      << what << " m " << m << " n " << n << " k " << k << " transa " << ta << " transb " << tb << " alpha " << alpha
      << " beta " << beta << " pad " << pad;
}

template <class T>
void check_block(Blk<T> fn, Ws ws, double amp, const std::string& what) {
  std::mt19937_64 rng(7);
  // Below one block, exact multiples, and every remainder of the 2- and
  // 4-blocked shapes, including zero sizes.
  const int sizes[] = {0, 1, 2, 3, 4, 5, 7, 8, 13, 16, 33};
  int call = 0;
  for (int m : sizes) {
    for (int n : sizes) {
      for (int k : sizes) {
        for (int t = 0; t < 4; ++t) {
          const std::pair<double, double> ab[] = {{1.0, 0.0}, {-0.5, 1.0}, {1.5, -0.25}, {0.0, 0.5}};
          const auto [alpha, beta] = ab[call % 4];
          check_block_once<T>(fn, ws, rng, m, n, k, (t & 1) != 0, (t & 2) != 0, alpha, beta, call % 3 == 0 ? 0 : 5,
                              amp, what);
          ++call;
        }
      }
    }
  }
  // Larger, unequal sizes: real blocks with real k-tails and fringes.
  for (int t = 0; t < 4; ++t) {
    check_block_once<T>(fn, ws, rng, 130, 99, 257, (t & 1) != 0, (t & 2) != 0, 0.75, 0.0, 3, amp, what);
    check_block_once<T>(fn, ws, rng, 256, 256, 256, (t & 1) != 0, (t & 2) != 0, -1.0, 2.0, 0, amp, what);
  }
}

TEST(EmittedCppBlock, Strassen2x2) {
  check_block<double>(lai_strassen_2x2x2_r7_cppblock_f64, lai_strassen_2x2x2_r7_cppblock_f64_workspace, kAmpS2, "f64");
  check_block<float>(lai_strassen_2x2x2_r7_cppblock_f32, lai_strassen_2x2x2_r7_cppblock_f32_workspace, kAmpS2, "f32");
}

TEST(EmittedCppBlock, StrassenSquared4x4) {
  check_block<double>(lai_strassen2_4x4x4_r49_cppblock_f64, lai_strassen2_4x4x4_r49_cppblock_f64_workspace, kAmpSq,
                      "f64");
  check_block<float>(lai_strassen2_4x4x4_r49_cppblock_f32, lai_strassen2_4x4x4_r49_cppblock_f32_workspace, kAmpSq,
                     "f32");
}

TEST(EmittedCppBlock, WorkspaceTooSmallWritesNothing) {
  const int m = 64, n = 64, k = 64;
  const std::size_t need = lai_strassen_2x2x2_r7_cppblock_f64_workspace(m, n, k);
  // S, T and the product buffer, each a (32 x 32) block: Strassen has forms
  // of two terms in U, V and W.
  EXPECT_EQ(need, 3u * 32 * 32 * sizeof(double));
  EXPECT_EQ(lai_strassen_2x2x2_r7_cppblock_f64_workspace(1, 64, 64), 0u) << "scheme does not apply: no workspace";
  EXPECT_EQ(lai_strassen_2x2x2_r7_cppblock_f64_workspace(0, 0, 0), 0u);
  std::vector<double> a(64 * 64, 1.0), b(64 * 64, 1.0), c(64 * 64, 3.0), work(need / sizeof(double));
  EXPECT_EQ(lai_strassen_2x2x2_r7_cppblock_f64(0, 0, m, n, k, 1.0, a.data(), k, b.data(), n, 0.0, c.data(), n,
                                               work.data(), need - 1),
            -1);
  for (double x : c) ASSERT_EQ(x, 3.0);
  EXPECT_EQ(lai_strassen_2x2x2_r7_cppblock_f64(0, 0, -1, n, k, 1.0, a.data(), k, b.data(), n, 0.0, c.data(), n,
                                               work.data(), need),
            -2);
  for (double x : c) ASSERT_EQ(x, 3.0);
  EXPECT_EQ(lai_strassen_2x2x2_r7_cppblock_f64(0, 0, m, n, k, 1.0, a.data(), k, b.data(), n, 0.0, c.data(), n,
                                               work.data(), need),
            0);
  for (double x : c) ASSERT_EQ(x, 64.0);
}

TEST(EmittedCpp, AmplificationConstantsMatchSchemes) {
  EXPECT_EQ(amplification(strassen()), kAmpS2);
  EXPECT_EQ(amplification(strassen_squared()), kAmpSq);
}

#ifdef LAI_EMIT_TEST_PLINOPT
// Coefficients 1/2, 1/4, 1/8: checks the rational literals end to end.
TEST(EmittedCpp, PlinoptRational48) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  const double amp = amplification(gen::read_sms_triple(dir + "/plinopt/4x4x4_48_rational"));
  check_4x4<double>(lai_plinopt_4x4x4_r48_cpp4x4_f64, lai_plinopt_4x4x4_r48_cpp4x4_f64_beta0, 4, 4, 4, amp, "f64");
  check_block<double>(lai_plinopt_4x4x4_r48_cppblock_f64, lai_plinopt_4x4x4_r48_cppblock_f64_workspace, amp, "f64");
}
#endif

}  // namespace
}  // namespace lai::test
