// Shared helpers of the emitted-kernel tests: random operands, the BLAS
// reference and the error bound.
//
// Error bound. Every test compares a kernel with a reference product and
// accepts
//   ||C - Cref||_F <= c * k * eps * (|alpha| ||A||_F ||B||_F + |beta| ||C0||_F)
// with c = 2 * pu * pv * pw, where pu, pv, pw are the largest sums of
// coefficient magnitudes in a column of U, a column of V and a row of W (for
// Strassen, whose coefficients are +-1, the numbers of non-zeros: 2, 2, 4).
// Why: a left form's entries are bounded by pu times the largest entry of A,
// likewise pv for B, and an output sums products with weights summing to at
// most pw. The rounding errors of the leaf products (k*eps relative to their
// operands, the usual GEMM bound) and of the additions (fewer than
// pu + pv + pw operations, each eps relative) are therefore amplified by at
// most pu*pv*pw relative to the classical bound, and the factor 2 covers the
// reference's own error, which has the same form with c = 1. A wrong
// coefficient, block or transpose gives an error of the order of the norms
// themselves, far above this bound for the sizes tested.
#pragma once

#include <gtest/gtest.h>

#include <cblas.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "lai_gen/scheme.hpp"

namespace lai::test {

template <class T>
constexpr double kEps = std::is_same_v<T, double> ? DBL_EPSILON : FLT_EPSILON;

// 2 * pu * pv * pw as defined above.
inline double amplification(const gen::Scheme& s) {
  auto max_l1 = [](int forms, int terms, auto coef) {
    double best = 0;
    for (int f = 0; f < forms; ++f) {
      double sum = 0;
      for (int t = 0; t < terms; ++t) sum += std::abs(coef(t, f).to_double());
      best = std::max(best, sum);
    }
    return best;
  };
  const double pu = max_l1(s.rank, s.m * s.k, [&](int x, int r) { return s.u(x, r); });
  const double pv = max_l1(s.rank, s.k * s.n, [&](int y, int r) { return s.v(y, r); });
  const double pw = max_l1(s.m * s.n, s.rank, [&](int r, int z) { return s.w(z, r); });
  return 2 * pu * pv * pw;
}

template <class T>
std::vector<T> random_matrix(std::mt19937_64& rng, std::size_t count) {
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  std::vector<T> v(count);
  for (auto& x : v) x = static_cast<T>(dist(rng));
  return v;
}

// Frobenius norm of a rows x cols matrix at p with X(i,j) = p[i*rs + j*cs].
template <class T>
double frobenius(const T* p, int rows, int cols, std::ptrdiff_t rs, std::ptrdiff_t cs) {
  double s = 0;
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) {
      const double x = static_cast<double>(p[i * rs + j * cs]);
      s += x * x;
    }
  }
  return std::sqrt(s);
}

// The right-hand side of the bound above; |beta| ||C0|| counts only when
// beta != 0 (C0 may then hold NaN, which must not reach the result).
inline double error_bound(double c, int k, double eps, double alpha, double norm_a, double norm_b, double beta,
                          double norm_c0) {
  const double scale = std::abs(alpha) * norm_a * norm_b + (beta != 0 ? std::abs(beta) * norm_c0 : 0.0);
  // max(k, 1): for k = 0 the result is beta*C0 exactly up to one rounding.
  return c * std::max(k, 1) * eps * scale + std::numeric_limits<double>::min();
}

inline void gemm_ref(CBLAS_ORDER order, bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda,
                     const double* b, int ldb, double beta, double* c, int ldc) {
  cblas_dgemm(order, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb,
              beta, c, ldc);
}
inline void gemm_ref(CBLAS_ORDER order, bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
                     const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(order, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb,
              beta, c, ldc);
}

}  // namespace lai::test
