// The GPU GEMM tests' operands and reference: uniform [-1, 1) matrices
// reproducible by seed, and a long-double product checked element by element
// with the bound |c - ref| <= growth * 4 (k + 2) eps (|alpha| sum |a b| + |beta c|).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace lai_test {

template <class T>
std::vector<T> random(std::size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> d(-1, 1);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(d(g));
  return v;
}

// Row-major reference on stored operands: element (i, j) of X is X[i*rsx + j*csx].
template <class T>
void check_gemm(int m, int n, int k, T alpha, const T* A, std::ptrdiff_t rsa, std::ptrdiff_t csa, const T* B,
                std::ptrdiff_t rsb, std::ptrdiff_t csb, T beta, const T* C0, const T* C, std::ptrdiff_t rsc,
                std::ptrdiff_t csc, const std::string& what, double growth = 1.0) {
  const double eps = std::numeric_limits<T>::epsilon();
  int bad = 0;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      long double ref = 0, mag = 0;
      for (int q = 0; q < k; ++q) {
        const long double p = static_cast<long double>(A[i * rsa + q * csa]) * B[q * rsb + j * csb];
        ref += p;
        mag += std::fabs(p);
      }
      const long double c0 = beta == T(0) ? 0 : C0[i * rsc + j * csc];
      ref = alpha * ref + beta * c0;
      // growth: a fast scheme's extra roundings (its additions before and
      // after the products), 16 for strassen2_4x4x4_r49.
      const double bound = growth * 4.0 * (k + 2) * eps * (static_cast<double>(std::fabs(alpha) * mag + std::fabs(beta * c0))) + 1e-300;
      const double got = C[i * rsc + j * csc];
      if (!(std::fabs(got - static_cast<double>(ref)) <= bound) && bad++ < 5) {
        ADD_FAILURE() << what << ": C(" << i << "," << j << ") = " << got << ", expected " << static_cast<double>(ref)
                      << " within " << bound;
      }
    }
}

}  // namespace lai_test
