// LAPACK's SVD test ratios (TESTING/EIG/ddrvbd.f, dbdt01/dort01), computed
// in long double so that matrices scaled near overflow or underflow are
// measured, not the measurement:
//   r_usv = ||A - U S VT||_1 / (||A||_1 max(m,n) ulp)
//   r_u   = ||I - U^T U||_1 / (m ulp)       (the columns of U computed)
//   r_vt  = ||I - VT VT^T||_1 / (n ulp)     (the rows of VT computed)
// and S non-negative and sorted. The bound of every ratio is 50 (ddrvbd's
// THRESH in its distributed input file svd.in).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <lapacke.h>

namespace svdtest {

constexpr double kThreshold = 50.0;

// Column-major m x n.
template <class T>
struct Mat {
  int m = 0, n = 0;
  std::vector<T> a;
  Mat() = default;
  Mat(int m_, int n_) : m(m_), n(n_), a(static_cast<std::size_t>(std::max(1, m_)) * std::max(0, n_), T(0)) {}
  T& operator()(int i, int j) { return a[i + static_cast<std::size_t>(j) * std::max(1, m)]; }
  T operator()(int i, int j) const { return a[i + static_cast<std::size_t>(j) * std::max(1, m)]; }
  int ld() const { return std::max(1, m); }
};

template <class T>
double ulp() {
  return std::numeric_limits<T>::epsilon();
}

// ||X||_1 of a column-major matrix given by a function.
template <class F>
long double norm1(int m, int n, F f) {
  long double best = 0;
  for (int j = 0; j < n; ++j) {
    long double c = 0;
    for (int i = 0; i < m; ++i) c += std::fabs(static_cast<long double>(f(i, j)));
    best = std::max(best, c);
  }
  return best;
}

struct Ratios {
  double usv = 0, u = 0, vt = 0;
  bool sorted = true;
};

// U: m x ucols (ldu), VT: vtrows x n (ldvt); either may be null (ratio 0).
template <class T>
Ratios ratios(const Mat<T>& A, const T* s, const T* U, int ldu, int ucols, const T* VT, int ldvt, int vtrows) {
  Ratios r;
  const int m = A.m, n = A.n, k = std::min(m, n);
  const long double eps = ulp<T>();
  for (int i = 0; i < k; ++i) {
    if (!(s[i] >= 0)) r.sorted = false;
    if (i > 0 && s[i] > s[i - 1]) r.sorted = false;
  }
  if (U != nullptr && VT != nullptr && k > 0) {
    const long double anorm = norm1(m, n, [&](int i, int j) { return static_cast<long double>(A(i, j)); });
    const long double res = norm1(m, n, [&](int i, int j) {
      long double x = A(i, j);
      for (int p = 0; p < k; ++p)
        x -= static_cast<long double>(U[i + static_cast<std::size_t>(p) * ldu]) * s[p] *
             VT[p + static_cast<std::size_t>(j) * ldvt];
      return x;
    });
    const long double denom = std::max<long double>(anorm, std::numeric_limits<long double>::min()) * std::max(m, n) * eps;
    r.usv = anorm == 0 ? (res == 0 ? 0.0 : 1e300) : static_cast<double>(res / denom);
  }
  if (U != nullptr && ucols > 0) {
    r.u = static_cast<double>(norm1(ucols, ucols, [&](int i, int j) {
                                long double x = i == j ? 1 : 0;
                                for (int p = 0; p < m; ++p)
                                  x -= static_cast<long double>(U[p + static_cast<std::size_t>(i) * ldu]) *
                                       U[p + static_cast<std::size_t>(j) * ldu];
                                return x;
                              }) /
                              (std::max(1, m) * eps));
  }
  if (VT != nullptr && vtrows > 0) {
    r.vt = static_cast<double>(norm1(vtrows, vtrows, [&](int i, int j) {
                                 long double x = i == j ? 1 : 0;
                                 for (int p = 0; p < n; ++p)
                                   x -= static_cast<long double>(VT[i + static_cast<std::size_t>(p) * ldvt]) *
                                        VT[j + static_cast<std::size_t>(p) * ldvt];
                                 return x;
                               }) /
                               (std::max(1, n) * eps));
  }
  return r;
}

// Random orthogonal n x n (QR of a Gaussian matrix), in double.
inline std::vector<double> random_orthogonal(int n, std::mt19937_64& g) {
  std::normal_distribution<double> d;
  std::vector<double> q(static_cast<std::size_t>(n) * n), tau(n);
  for (auto& x : q) x = d(g);
  LAPACKE_dgeqrf(LAPACK_COL_MAJOR, n, n, q.data(), n, tau.data());
  LAPACKE_dorgqr(LAPACK_COL_MAJOR, n, n, n, q.data(), n, tau.data());
  return q;
}

// A = Q1 diag(sv) Q2^T (m x n), sv of length min(m,n), then multiplied by scale.
template <class T>
Mat<T> with_singular_values(int m, int n, const std::vector<double>& sv, double scale, std::mt19937_64& g) {
  const auto q1 = random_orthogonal(m, g);
  const auto q2 = random_orthogonal(n, g);
  Mat<T> A(m, n);
  const int k = std::min(m, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      long double x = 0;
      for (int p = 0; p < k; ++p) x += static_cast<long double>(q1[i + static_cast<std::size_t>(p) * m]) * sv[p] * q2[j + static_cast<std::size_t>(p) * n];
      A(i, j) = static_cast<T>(x * scale);
    }
  return A;
}

template <class T>
Mat<T> random_matrix(int m, int n, double scale, std::mt19937_64& g) {
  std::uniform_real_distribution<double> d(-1, 1);
  Mat<T> A(m, n);
  for (auto& x : A.a) x = static_cast<T>(d(g) * scale);
  return A;
}

// The matrix zoo by kind: "random" (uniform in [-1,1]), "graded"
// (singular values 1 .. 1e-15), "rank-deficient" (half of them zero),
// "zero", "identity", "near-overflow" / "near-underflow" (ddrvbd's scalings
// max*ulp and min/ulp of a random matrix); any other kind is "random".
// build(sv) makes the matrices with prescribed singular values (the
// benchmark passes a GEMM-based one for large shapes).
template <class T, class Build>
Mat<T> zoo_matrix(const std::string& kind, int m, int n, std::mt19937_64& g, Build build) {
  const int k = std::min(m, n);
  if (kind == "zero") return Mat<T>(m, n);
  if (kind == "identity") {
    Mat<T> A(m, n);
    for (int i = 0; i < k; ++i) A(i, i) = 1;
    return A;
  }
  if (kind == "graded") {
    std::vector<double> sv(k);
    for (int i = 0; i < k; ++i) sv[i] = std::pow(10.0, k == 1 ? 0.0 : -15.0 * i / (k - 1));
    return build(sv);
  }
  if (kind == "rank-deficient") {
    std::vector<double> sv(k, 0.0);
    for (int i = 0; i < k / 2; ++i) sv[i] = 1.0 + i;
    return build(sv);
  }
  if (kind == "near-overflow") return random_matrix<T>(m, n, std::numeric_limits<T>::max() * ulp<T>(), g);
  if (kind == "near-underflow") return random_matrix<T>(m, n, std::numeric_limits<T>::min() / ulp<T>(), g);
  return random_matrix<T>(m, n, 1.0, g);
}

template <class T>
Mat<T> zoo_matrix(const std::string& kind, int m, int n, std::mt19937_64& g) {
  return zoo_matrix<T>(kind, m, n, g,
                       [&](const std::vector<double>& sv) { return with_singular_values<T>(m, n, sv, 1.0, g); });
}

}  // namespace svdtest
