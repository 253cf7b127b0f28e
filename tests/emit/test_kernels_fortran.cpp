// The emitted Fortran DGEMM_ALPHA / SGEMM_ALPHA called from C++ with
// gfortran's calling convention (everything by reference, the lengths of the
// CHARACTER arguments appended as hidden size_t arguments), against BLAS, and
// its argument checks through an XERBLA of our own.
#include <gtest/gtest.h>

#include <string>

#include "kernel_check.hpp"
#ifdef LAI_EMIT_TEST_PLINOPT
#include "../common/factors.hpp"
#include "lai_gen/readers.hpp"
#endif

extern "C" {
void dgemm_alpha_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const double* alpha,
                  const double* a, const int* lda, const double* b, const int* ldb, const double* beta, double* c,
                  const int* ldc, std::size_t transa_len, std::size_t transb_len);
void sgemm_alpha_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const float* alpha,
                  const float* a, const int* lda, const float* b, const int* ldb, const float* beta, float* c,
                  const int* ldc, std::size_t transa_len, std::size_t transb_len);
void dgemm_alpha_sq_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                     const double* alpha, const double* a, const int* lda, const double* b, const int* ldb,
                     const double* beta, double* c, const int* ldc, std::size_t transa_len, std::size_t transb_len);

void dgemm_alpha_p48_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                      const double* alpha, const double* a, const int* lda, const double* b, const int* ldb,
                      const double* beta, double* c, const int* ldc, std::size_t transa_len, std::size_t transb_len);

// Replaces the BLAS library's XERBLA (which prints and may stop) for this
// executable: records the routine name and INFO so that tests can check them.
void xerbla_(const char* srname, const int* info, std::size_t len);
}

namespace {
std::string g_xerbla_name;
int g_xerbla_info = 0;
}  // namespace

extern "C" void xerbla_(const char* srname, const int* info, std::size_t len) {
  g_xerbla_name.assign(srname, len);
  while (!g_xerbla_name.empty() && g_xerbla_name.back() == ' ') g_xerbla_name.pop_back();
  g_xerbla_info = *info;
}

namespace lai::test {
namespace {

constexpr double kAmpS2 = 2.0 * 2 * 2 * 4;  // kernel_check.hpp; Strassen
constexpr double kAmpSq = 2.0 * 4 * 4 * 16;  // Strassen squared

template <class T>
using FortranGemm = void (*)(const char*, const char*, const int*, const int*, const int*, const T*, const T*,
                             const int*, const T*, const int*, const T*, T*, const int*, std::size_t, std::size_t);

// Column-major, as Fortran callers store their matrices.
template <class T>
void check_once(FortranGemm<T> fn, std::mt19937_64& rng, char transa, char transb, int m, int n, int k, double alpha,
                double beta, int pad, double amp) {
  const bool ta = transa != 'N' && transa != 'n', tb = transb != 'N' && transb != 'n';
  const int rows_a = ta ? k : m, cols_a = ta ? m : k, rows_b = tb ? n : k, cols_b = tb ? k : n;
  const int lda = std::max(rows_a, 1) + pad, ldb = std::max(rows_b, 1) + pad, ldc = std::max(m, 1) + pad;
  std::vector<T> a = random_matrix<T>(rng, static_cast<std::size_t>(lda * std::max(cols_a, 1)));
  std::vector<T> b = random_matrix<T>(rng, static_cast<std::size_t>(ldb * std::max(cols_b, 1)));
  std::vector<T> c = random_matrix<T>(rng, static_cast<std::size_t>(ldc * std::max(n, 1)));
  const double nc0 = frobenius(c.data(), m, n, 1, ldc);
  if (beta == 0) {
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < m; ++i) c[static_cast<std::size_t>(j * ldc + i)] = std::numeric_limits<T>::quiet_NaN();
    }
  }
  std::vector<T> ref = c;
  gemm_ref(CblasColMajor, ta, tb, m, n, k, static_cast<T>(alpha), a.data(), lda, b.data(), ldb, static_cast<T>(beta),
           ref.data(), ldc);
  const T al = static_cast<T>(alpha), be = static_cast<T>(beta);
  g_xerbla_info = 0;
  fn(&transa, &transb, &m, &n, &k, &al, a.data(), &lda, b.data(), &ldb, &be, c.data(), &ldc, 1, 1);
  ASSERT_EQ(g_xerbla_info, 0);
  double err = 0;
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < m; ++i) {
      const double d = static_cast<double>(c[static_cast<std::size_t>(j * ldc + i)]) -
                       static_cast<double>(ref[static_cast<std::size_t>(j * ldc + i)]);
      err += d * d;
    }
  }
  err = std::sqrt(err);
  const double na = frobenius(a.data(), rows_a, cols_a, 1, lda), nb = frobenius(b.data(), rows_b, cols_b, 1, ldb);
  EXPECT_LE(err, error_bound(amp, k, kEps<T>, alpha, na, nb, beta, nc0))
      << "TRANSA " << transa << " TRANSB " << transb << " M " << m << " N " << n << " K " << k << " alpha " << alpha
      << " beta " << beta << " pad " << pad;
}

template <class T>
void check(FortranGemm<T> fn, double amp) {
  std::mt19937_64 rng(11);
  const char trans[] = {'N', 'T', 'C', 'n', 't', 'c'};
  const int sizes[] = {0, 1, 2, 3, 4, 6, 8, 9, 16, 24};
  const std::pair<double, double> ab[] = {{1.0, 0.0}, {-0.5, 1.0}, {1.5, -0.25}, {0.0, 0.5}, {0.0, 1.0}};
  int call = 0;
  for (int m : sizes) {
    for (int n : sizes) {
      for (int k : sizes) {
        const auto [alpha, beta] = ab[call % 5];
        check_once<T>(fn, rng, trans[call % 6], trans[(call / 6) % 6], m, n, k, alpha, beta, call % 2 * 3, amp);
        ++call;
      }
    }
  }
  for (char x : {'N', 'T'}) {
    for (char y : {'n', 'c'}) {
      check_once<T>(fn, rng, x, y, 128, 96, 160, 0.5, 0.0, 1, amp);
    }
  }
}

TEST(EmittedFortran, DgemmAlphaMatchesBlas) { check<double>(dgemm_alpha_, kAmpS2); }
TEST(EmittedFortran, SgemmAlphaMatchesBlas) { check<float>(sgemm_alpha_, kAmpS2); }
TEST(EmittedFortran, StrassenSquaredMatchesBlas) { check<double>(dgemm_alpha_sq_, kAmpSq); }
#ifdef LAI_EMIT_TEST_PLINOPT
TEST(EmittedFortran, PlinoptRational48MatchesBlas) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  check<double>(dgemm_alpha_p48_, amplification(gen::read_sms_triple(dir + "/plinopt/4x4x4_48_rational")));
}
#endif

// Calls DGEMM_ALPHA with one bad argument and returns INFO as XERBLA saw it;
// C must be untouched.
int info_for(char transa, char transb, int m, int n, int k, int lda, int ldb, int ldc) {
  std::vector<double> a(400, 1.0), b(400, 1.0), c(400, 7.0);
  const double alpha = 1.0, beta = 0.0;
  g_xerbla_info = 0;
  g_xerbla_name.clear();
  dgemm_alpha_(&transa, &transb, &m, &n, &k, &alpha, a.data(), &lda, b.data(), &ldb, &beta, c.data(), &ldc, 1, 1);
  if (g_xerbla_info != 0) {
    EXPECT_EQ(g_xerbla_name, "DGEMM_ALPHA");
    for (double x : c) {
      EXPECT_EQ(x, 7.0) << "C written despite a bad argument";
    }
  }
  return g_xerbla_info;
}

TEST(EmittedFortran, ArgumentChecksAsDgemm) {
  EXPECT_EQ(info_for('N', 'N', 4, 4, 4, 4, 4, 4), 0);
  EXPECT_EQ(info_for('X', 'N', 4, 4, 4, 4, 4, 4), 1);
  EXPECT_EQ(info_for('N', 'x', 4, 4, 4, 4, 4, 4), 2);
  EXPECT_EQ(info_for('N', 'N', -1, 4, 4, 4, 4, 4), 3);
  EXPECT_EQ(info_for('N', 'N', 4, -1, 4, 4, 4, 4), 4);
  EXPECT_EQ(info_for('N', 'N', 4, 4, -1, 4, 4, 4), 5);
  EXPECT_EQ(info_for('N', 'N', 4, 4, 4, 3, 4, 4), 8);   // LDA < M
  EXPECT_EQ(info_for('T', 'N', 4, 4, 6, 5, 6, 4), 8);   // LDA < K when transposed
  EXPECT_EQ(info_for('N', 'N', 4, 4, 6, 4, 5, 4), 10);  // LDB < K
  EXPECT_EQ(info_for('N', 'T', 4, 6, 4, 4, 5, 4), 10);  // LDB < N when transposed
  EXPECT_EQ(info_for('N', 'N', 4, 4, 4, 4, 4, 3), 13);  // LDC < M
  EXPECT_EQ(info_for('N', 'N', 0, 0, 0, 0, 4, 4), 8);   // LDA >= max(1, .)
  // DGEMM's order: the first failing check wins.
  EXPECT_EQ(info_for('X', 'Y', -1, -1, -1, 0, 0, 0), 1);
  EXPECT_EQ(info_for('N', 'N', -1, -1, 4, 0, 0, 0), 3);
}

}  // namespace
}  // namespace lai::test
