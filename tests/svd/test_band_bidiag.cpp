// Stage 2 of the planned two-stage SVD (svd/band_bidiag.h): upper band ->
// upper bidiagonal by bulge chasing, values only. Reference: LAPACK ?gesdd
// (values only) on the dense band matrix; ours: LAPACK ?bdsqr on d, e.
// Bound (LAPACK's ddrvbd ratio form): max_i |s_i - s_ref_i| /
// (s_ref_max * n * ulp) < 50. Inputs: random bands for many (n, b) with n
// not a multiple of b, b >= n, b in {0, 1}; graded rows (values 1 .. 1e-12);
// scalings near overflow and underflow (LAPACK ?larfg's rescaling path);
// every thread count and sweep group gives bitwise the same d and e; the input is left as it
// was; bad arguments return -(position); NaN reaches the output.
#include <gtest/gtest.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "svd/band_bidiag.h"

namespace {

template <class T>
struct Band {
  int n, b, ldab;
  std::vector<T> ab;  // LAPACK band storage, kl = 0, ku = b
  T& at(int r, int c) { return ab[static_cast<std::size_t>((b + r - c) + c * ldab)]; }
};

template <class T>
Band<T> random_band(int n, int b, unsigned seed, double scale = 1, double grade = 0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(-1, 1);
  Band<T> B{n, b, b + 1 + 2, {}};  // ldab larger than needed: the stride is honoured
  B.ab.assign(static_cast<std::size_t>(B.ldab) * static_cast<std::size_t>(std::max(n, 1)), T(0));
  for (int c = 0; c < n; ++c)
    for (int r = std::max(0, c - b); r <= c; ++r) {
      // grade: row r scaled by 10^(-grade r / n), so the values spread over `grade` decades
      const double g = grade > 0 ? std::pow(10.0, -grade * r / std::max(1, n - 1)) : 1.0;
      B.at(r, c) = static_cast<T>(uni(rng) * scale * g);
    }
  return B;
}

int gesdd_values(int n, float* a, float* s) {
  return LAPACKE_sgesdd(LAPACK_COL_MAJOR, 'N', n, n, a, n, s, nullptr, 1, nullptr, 1);
}
int gesdd_values(int n, double* a, double* s) {
  return LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', n, n, a, n, s, nullptr, 1, nullptr, 1);
}
int bdsqr_values(int n, float* d, float* e) {
  return LAPACKE_sbdsqr(LAPACK_COL_MAJOR, 'U', n, 0, 0, 0, d, e, nullptr, 1, nullptr, 1, nullptr, 1);
}
int bdsqr_values(int n, double* d, double* e) {
  return LAPACKE_dbdsqr(LAPACK_COL_MAJOR, 'U', n, 0, 0, 0, d, e, nullptr, 1, nullptr, 1, nullptr, 1);
}

template <class T>
std::vector<T> reference_values(Band<T> B) {
  const int n = B.n;
  std::vector<T> a(static_cast<std::size_t>(n) * static_cast<std::size_t>(n), T(0)), s(static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c)
    for (int r = std::max(0, c - B.b); r <= c; ++r) a[static_cast<std::size_t>(r + c * n)] = B.at(r, c);
  EXPECT_EQ(gesdd_values(n, a.data(), s.data()), 0);
  return s;
}

template <class T>
struct Bidiag {
  std::vector<T> d, e;
};

template <class T>
Bidiag<T> chase(const Band<T>& B, int threads, int group = 1) {
  Bidiag<T> out{std::vector<T>(static_cast<std::size_t>(B.n)), std::vector<T>(static_cast<std::size_t>(std::max(B.n - 1, 1)))};
  EXPECT_EQ(lai::svd::band_to_bidiagonal(B.n, B.b, B.ab.data(), B.ldab, out.d.data(), out.e.data(), threads, group), 0);
  return out;
}

// ddrvbd-style ratio of the bidiagonal's values against the dense band's.
template <class T>
double ratio(const Band<T>& B, Bidiag<T> bd) {
  const int n = B.n;
  std::vector<T> ref = reference_values(B);
  EXPECT_EQ(bdsqr_values(n, bd.d.data(), bd.e.data()), 0);
  const double ulp = std::numeric_limits<T>::epsilon();
  const double smax = ref.empty() ? 0 : ref[0];
  if (smax == 0) {
    for (int i = 0; i < n; ++i) EXPECT_EQ(bd.d[static_cast<std::size_t>(i)], T(0));
    return 0;
  }
  double worst = 0;
  for (int i = 0; i < n; ++i)
    worst = std::max(worst, std::abs(double(bd.d[static_cast<std::size_t>(i)]) - double(ref[static_cast<std::size_t>(i)])));
  return worst / (smax * std::max(n, 1) * ulp);
}

template <class T>
void sizes_case() {
  const int ns[] = {1, 2, 3, 5, 17, 64, 100, 257};
  const int bs[] = {0, 1, 2, 3, 4, 7, 8, 16, 33};
  unsigned seed = 1;
  for (int n : ns) {
    std::vector<int> bands(std::begin(bs), std::end(bs));
    bands.push_back(std::max(n - 1, 0));
    bands.push_back(n + 5);
    for (int b : bands) {
      for (int threads : {1, 3}) {
        const Band<T> B = random_band<T>(n, b, seed++);
        const double r = ratio(B, chase(B, threads));
        EXPECT_LT(r, 50) << "n " << n << " b " << b << " threads " << threads;
      }
    }
  }
}

TEST(BandBidiag, RandomBandsAllShapesF64) { sizes_case<double>(); }
TEST(BandBidiag, RandomBandsAllShapesF32) { sizes_case<float>(); }

template <class T>
void scaled_case(double scale, double grade) {
  for (int n : {60, 150})
    for (int b : {5, 16}) {
      const Band<T> B = random_band<T>(n, b, 77u + static_cast<unsigned>(n + b), scale, grade);
      const double r = ratio(B, chase(B, 2));
      EXPECT_LT(r, 50) << "n " << n << " b " << b << " scale " << scale << " grade " << grade;
    }
}

TEST(BandBidiag, GradedAndExtremeScalingsF64) {
  scaled_case<double>(1, 12);       // values over 12 decades
  scaled_case<double>(1e300, 0);    // squares overflow: LAPACK's dlarfg rescales
  scaled_case<double>(1e-300, 0);   // squares underflow
  scaled_case<double>(1e-300, 6);
}
TEST(BandBidiag, GradedAndExtremeScalingsF32) {
  scaled_case<float>(1, 6);
  scaled_case<float>(1e36, 0);
  scaled_case<float>(1e-36, 0);
}

// The pipeline's waits order every element's updates as one thread would:
// d and e are bitwise the same for every thread count (a missing wait would
// show up as a difference or a wrong value).
template <class T>
void threads_case() {
  for (int n : {97, 400})
    for (int b : {3, 8, 16, 31}) {
      const Band<T> B = random_band<T>(n, b, 1000u + static_cast<unsigned>(n * 7 + b));
      const Bidiag<T> one = chase(B, 1);
      for (int group : {1, 2, 5})
        for (int threads : {2, 3, 4, 8, 13}) {
          const Bidiag<T> many = chase(B, threads, group);
          EXPECT_EQ(one.d, many.d) << "n " << n << " b " << b << " threads " << threads << " group " << group;
          EXPECT_EQ(std::vector<T>(one.e.begin(), one.e.begin() + n - 1),
                    std::vector<T>(many.e.begin(), many.e.begin() + n - 1))
              << "n " << n << " b " << b << " threads " << threads << " group " << group;
        }
      EXPECT_LT(ratio(B, one), 50) << "n " << n << " b " << b;
    }
}
TEST(BandBidiag, EveryThreadCountBitwiseSameF64) { threads_case<double>(); }
TEST(BandBidiag, EveryThreadCountBitwiseSameF32) { threads_case<float>(); }

TEST(BandBidiag, InputUnchangedAndZeroMatrix) {
  Band<double> B = random_band<double>(50, 6, 5);
  const std::vector<double> before = B.ab;
  (void)chase(B, 4);
  EXPECT_EQ(B.ab, before);
  Band<double> Z = random_band<double>(40, 6, 6, 0.0);
  const Bidiag<double> z = chase(Z, 2);
  for (double x : z.d) EXPECT_EQ(x, 0.0);
  for (int i = 0; i < 39; ++i) EXPECT_EQ(z.e[static_cast<std::size_t>(i)], 0.0);
}

TEST(BandBidiag, BadArgumentsNamePosition) {
  std::vector<double> ab(100, 1.0), d(10), e(10);
  using lai::svd::band_to_bidiagonal;
  EXPECT_EQ(band_to_bidiagonal(-1, 2, ab.data(), 3, d.data(), e.data(), 1), -1);
  EXPECT_EQ(band_to_bidiagonal(5, -1, ab.data(), 3, d.data(), e.data(), 1), -2);
  EXPECT_EQ(band_to_bidiagonal(5, 2, static_cast<const double*>(nullptr), 3, d.data(), e.data(), 1), -3);
  EXPECT_EQ(band_to_bidiagonal(5, 2, ab.data(), 2, d.data(), e.data(), 1), -4);
  EXPECT_EQ(band_to_bidiagonal(5, 2, ab.data(), 3, nullptr, e.data(), 1), -5);
  EXPECT_EQ(band_to_bidiagonal(5, 2, ab.data(), 3, d.data(), nullptr, 1), -6);
  EXPECT_EQ(band_to_bidiagonal(5, 2, ab.data(), 3, d.data(), e.data(), 2, 0), -8);
  EXPECT_EQ(band_to_bidiagonal(0, 2, ab.data(), 3, nullptr, nullptr, 1), 0);
  EXPECT_EQ(band_to_bidiagonal(1, 2, ab.data(), 3, d.data(), nullptr, 1), 0);
  EXPECT_EQ(d[0], 1.0);
}

TEST(BandBidiag, NaNReachesTheOutput) {
  Band<double> B = random_band<double>(30, 4, 9);
  B.at(10, 12) = std::numeric_limits<double>::quiet_NaN();
  const Bidiag<double> bd = chase(B, 2);
  bool any_nan = false;
  for (double x : bd.d) any_nan |= std::isnan(x);
  for (int i = 0; i < 29; ++i) any_nan |= std::isnan(bd.e[static_cast<std::size_t>(i)]);
  EXPECT_TRUE(any_nan);
}

}  // namespace
