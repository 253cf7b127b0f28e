// Singular values of an upper bidiagonal B by bisection on the OpenCL device
// (svd/bisect_opencl.h, kernel lai_svd_bisect_<dtype>; PoCL here) against
// LAPACK's dbdsqr for values only (dqds, dlasq1), which is itself relatively
// accurate. For f32 the reference is dbdsqr on the same entries in f64.
//
// Bounds (eps = numeric_limits<T>::epsilon(), kC = 8):
//   relative  |s_k - ref_k| <= kC n eps ref_k   for every k with
//             ref_k >= 2^-950 max|B| (f64) / 2^-80 max|B| (f32), the range
//             where the kernel guarantees relative accuracy (Demmel-Kahan:
//             each of the 2n-1 entries of the Golub-Kahan matrix perturbed by
//             ~2 ulps gives (2n-1) 2 eps / 2; the reference adds its own
//             O(n eps)); applies to every case below except
//   absolute  |s_k - ref_k| <= kC n eps s_max (+ one denormal step when B
//             itself lies in the denormal range), checked everywhere;
//   exact     zero singular values (their number follows from the zero
//             entries: one per pair of odd-sized irreducible blocks of the
//             Golub-Kahan matrix) are exactly 0; B scaled by 2^p gives
//             exactly 2^p times the values of B (the kernel scales by a power
//             of 2 itself), checked up to 2^1021 and down to 2^-1000 (f64).
// Every case prints its worst errors in units of n eps. They are mostly the
// reference's: against a __float128 bisection (scratch check, random B,
// n = 1000) the kernel was within 3.3 eps of every sigma_k, dbdsqr within
// 35.5 eps (n = 300: 3.7 and 10.8; graded n = 300: 1.0 and 7.9).
#include <gtest/gtest.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "lapack_ai/lapack_ai.h"
#include "svd/bisect_opencl.h"

namespace {

constexpr double kC = 8;

bool device_or_skip_reason(std::string* why) {
  if (lai_opencl_init() == LAI_SUCCESS) return true;
  *why = lai_last_error();
  return false;
}

#define REQUIRE_DEVICE()                                                                  \
  do {                                                                                    \
    std::string why_;                                                                     \
    if (!device_or_skip_reason(&why_)) {                                                  \
      const char* req_ = std::getenv("LAI_REQUIRE_OPENCL");                               \
      if (req_ != nullptr && std::strcmp(req_, "1") == 0) FAIL() << "LAI_REQUIRE_OPENCL=1: " << why_; \
      GTEST_SKIP() << "no OpenCL device: " << why_;                                       \
    }                                                                                     \
  } while (0)

// Upper bidiagonal: d (n), e (n-1, stored with n entries, e[n-1] unused).
template <class T>
struct Bidiag {
  std::vector<T> d, e;
  int n() const { return static_cast<int>(d.size()); }
};

// dbdsqr values only, in f64, descending.
template <class T>
std::vector<double> reference(const Bidiag<T>& B) {
  const int n = B.n();
  std::vector<double> d(B.d.begin(), B.d.end()), e(std::max(1, n), 0.0), work(4 * std::max(1, n));
  for (int i = 0; i + 1 < n; ++i) e[i] = B.e[i];
  const int info = LAPACKE_dbdsqr_work(LAPACK_COL_MAJOR, 'U', n, 0, 0, 0, d.data(), e.data(), nullptr, 1, nullptr, 1,
                                       nullptr, 1, work.data());
  EXPECT_EQ(info, 0);
  return d;
}

template <class T>
std::vector<T> device_values(const Bidiag<T>& B, const std::string& options = "") {
  std::vector<T> s(B.d.size(), T(-1));
  lai::svd::bidiag_values_opencl<T>(B.n(), B.d.data(), B.e.data(), s.data(), options);
  return s;
}

// Zero singular values of B, exactly: the Golub-Kahan matrix (off-diagonal
// d0 e0 d1 ... d[n-1]) splits at its zero entries into irreducible
// zero-diagonal blocks; such a block has eigenvalue 0 (simple) iff its size
// is odd, and the zero eigenvalues of T come in pairs per zero sigma.
template <class T>
int exact_zero_count(const Bidiag<T>& B) {
  const int n = B.n();
  int odd = 0, size = 1;
  for (int r = 0; r < 2 * n - 1; ++r) {
    const T a = r % 2 == 0 ? B.d[r / 2] : B.e[r / 2];
    if (a == 0) {
      odd += size % 2;
      size = 1;
    } else {
      ++size;
    }
  }
  odd += size % 2;
  return odd / 2;
}

struct Worst {
  double rel = 0, abs = 0;  // in units of n eps (relative to s_k / to s_max)
};

// Checks s against ref with the bounds above; relative only where asked and
// ref_k is in the guaranteed range. denorm_slack: B in the denormal range.
template <class T>
Worst check(const std::string& what, const Bidiag<T>& B, const std::vector<T>& s, const std::vector<double>& ref,
            bool relative, bool denorm_slack = false) {
  const int n = B.n();
  const double eps = std::numeric_limits<T>::epsilon(), neps = n * eps;
  double bmax = 0;
  for (int i = 0; i < n; ++i) bmax = std::max(bmax, std::fabs(static_cast<double>(B.d[i])));
  for (int i = 0; i + 1 < n; ++i) bmax = std::max(bmax, std::fabs(static_cast<double>(B.e[i])));
  const double floor_rel = bmax * std::ldexp(1.0, std::is_same_v<T, double> ? -950 : -80);
  const double smax = ref.empty() ? 0 : ref[0];
  const double slack = denorm_slack ? static_cast<double>(std::numeric_limits<T>::denorm_min()) : 0.0;
  Worst w;
  const int zeros = exact_zero_count(B);
  for (int k = 0; k < n; ++k) {
    const double sk = s[k], rk = ref[k], err = std::fabs(sk - rk);
    EXPECT_GE(sk, 0.0) << what << " k=" << k;
    if (k > 0) {
      EXPECT_LE(sk, static_cast<double>(s[k - 1])) << what << ": not descending at k=" << k;
    }
    if (k >= n - zeros) {
      EXPECT_EQ(sk, 0.0) << what << ": k=" << k << " is an exact zero singular value (" << zeros << " of them)";
      continue;
    }
    if (smax > 0) w.abs = std::max(w.abs, err / (neps * smax));
    EXPECT_LE(err, kC * neps * smax + slack) << what << " k=" << k << " s=" << sk << " ref=" << rk;
    if (relative && rk >= floor_rel && rk > 0) {
      w.rel = std::max(w.rel, err / (neps * rk));
      EXPECT_LE(err, kC * neps * rk + slack) << what << " k=" << k << " s=" << sk << " ref=" << rk;
    }
  }
  std::printf("  %-44s n %5d  zeros %4d  max|s-ref|/(n eps s_k) %7.4f  /(n eps s_max) %7.4f\n", what.c_str(), n,
              zeros, w.rel, w.abs);
  return w;
}

template <class T>
Bidiag<T> random_bidiag(int n, std::mt19937_64& g, double lo = -1, double hi = 1) {
  std::uniform_real_distribution<double> u(lo, hi);
  Bidiag<T> B;
  B.d.resize(n);
  B.e.assign(n, T(0));
  for (int i = 0; i < n; ++i) B.d[i] = static_cast<T>(u(g));
  for (int i = 0; i + 1 < n; ++i) B.e[i] = static_cast<T>(u(g));
  return B;
}

template <class T>
Bidiag<T> scaled(Bidiag<T> B, double f) {
  for (auto& v : B.d) v = static_cast<T>(v * f);
  for (auto& v : B.e) v = static_cast<T>(v * f);
  return B;
}

template <class T>
const char* tag() {
  return std::is_same_v<T, double> ? "f64" : "f32";
}

template <class T>
void random_sizes() {
  std::mt19937_64 g(7);
  for (int n : {1, 2, 3, 17, 100, 257, 1000}) {
    const Bidiag<T> B = random_bidiag<T>(n, g);
    check(std::string(tag<T>()) + " random", B, device_values(B), reference(B), true);
  }
}

// Values on both sides of XQ, where the kernel switches from the qd count
// (above) to the Golub-Kahan count (below): graded from 1 to 1e-200 (f64;
// XQ = 2^-450 ~ 3e-136) or 1e-20 (f32; XQ = 2^-36 ~ 1.5e-11), with each
// count (COUNT=1, the default; 0; 2) and the relative bound.
template <class T>
void graded_across_xq() {
  std::mt19937_64 g(23);
  std::uniform_real_distribution<double> u(0.5, 1.0);
  const double decades = std::is_same_v<T, double> ? 200.0 : 20.0;
  for (int n : {64, 300}) {
    Bidiag<T> B;
    B.d.resize(n);
    B.e.assign(n, T(0));
    for (int i = 0; i < n; ++i) B.d[i] = static_cast<T>(u(g) * std::pow(10.0, -decades * i / (n - 1)));
    for (int i = 0; i + 1 < n; ++i) B.e[i] = static_cast<T>(u(g) * std::pow(10.0, -decades * (i + 0.5) / (n - 1)));
    const std::vector<double> ref = reference(B);
    for (const char* opt : {"", "-DWG=256 -DTEAM=8 -DCOUNT=0", "-DWG=256 -DTEAM=8 -DCOUNT=2"}) {
      check(std::string(tag<T>()) + " graded to 1e-" + std::to_string(static_cast<int>(decades)) + " " + opt, B,
            device_values(B, opt), ref, true);
    }
  }
}

template <class T>
void graded() {
  std::mt19937_64 g(11);
  std::uniform_real_distribution<double> u(0.5, 1.0);
  for (int n : {17, 100, 257, 1000}) {
    Bidiag<T> B;
    B.d.resize(n);
    B.e.assign(n, T(0));
    // d_i = 10^(-15 i/n); e between its neighbours, with a random factor.
    for (int i = 0; i < n; ++i) B.d[i] = static_cast<T>(std::pow(10.0, -15.0 * i / n));
    for (int i = 0; i + 1 < n; ++i) B.e[i] = static_cast<T>(u(g) * std::pow(10.0, -15.0 * (i + 0.5) / n));
    check(std::string(tag<T>()) + " graded d_i=10^(-15i/n)", B, device_values(B), reference(B), true);
    // Graded the other way (small entries first) and d graded with e = 1e-3 d.
    Bidiag<T> R = B;
    std::reverse(R.d.begin(), R.d.end());
    std::reverse(R.e.begin(), R.e.begin() + (n - 1));
    check(std::string(tag<T>()) + " graded reversed", R, device_values(R), reference(R), true);
  }
}

template <class T>
void zeros() {
  std::mt19937_64 g(13);
  for (int n : {3, 17, 100, 257}) {
    const Bidiag<T> B0 = random_bidiag<T>(n, g);
    struct Case {
      const char* name;
      int dstep, estep;  // every dstep-th d / estep-th e set to 0 (0: none)
    };
    for (const Case c : {Case{"every 3rd d = 0", 3, 0}, Case{"every 5th e = 0", 0, 5}, Case{"d%2, e%3 = 0", 2, 3},
                         Case{"all d = 0", 1, 0}, Case{"all e = 0 (diagonal)", 0, 1}, Case{"d = e = 0", 1, 1},
                         Case{"adjacent d pairs = 0", -1, 0}}) {
      Bidiag<T> B = B0;
      for (int i = 0; i < n; ++i) {
        if (c.dstep > 0 && i % c.dstep == 0) B.d[i] = 0;
        if (c.dstep < 0 && i % 7 < 2) B.d[i] = 0;
        if (c.estep > 0 && i + 1 < n && i % c.estep == 0) B.e[i] = 0;
      }
      check(std::string(tag<T>()) + " " + c.name, B, device_values(B), reference(B), true);
    }
  }
}

template <class T>
void identity_and_repeats() {
  for (int n : {1, 2, 17, 257}) {
    Bidiag<T> B;
    B.d.assign(n, T(1));
    B.e.assign(n, T(0));
    const std::vector<T> s = device_values(B);
    check(std::string(tag<T>()) + " B = I", B, s, reference(B), true);
    // Repeated values in another form: d = (-1)^i 3, e = 0.
    for (int i = 0; i < n; ++i) B.d[i] = static_cast<T>(i % 2 == 0 ? 3 : -3);
    check(std::string(tag<T>()) + " d = +-3, e = 0", B, device_values(B), reference(B), true);
    // A Toeplitz bidiagonal (d = 1, e = 1): clustered values near 2.
    for (int i = 0; i < n; ++i) B.d[i] = 1, B.e[i] = i + 1 < n ? T(1) : T(0);
    check(std::string(tag<T>()) + " d = e = 1", B, device_values(B), reference(B), true);
  }
}

// 2^p B gives exactly 2^p s(B) (entries of magnitude [0.5, 1) so that no
// scaled entry leaves the normal range), and decimal scalings against LAPACK.
template <class T>
void scalings() {
  std::mt19937_64 g(17);
  const bool f64 = std::is_same_v<T, double>;
  for (int n : {17, 257}) {
    Bidiag<T> B = random_bidiag<T>(n, g, 0.5, 1.0);
    for (int i = 0; i < n; i += 2) B.d[i] = -B.d[i];
    const std::vector<T> s0 = device_values(B);
    check(std::string(tag<T>()) + " base of the scalings", B, s0, reference(B), true);
    const std::vector<int> pows = f64 ? std::vector<int>{500, -500, 1021, -1000, 1} : std::vector<int>{60, -60, 126, -120, 1};
    for (int p : pows) {
      const Bidiag<T> S = scaled(B, std::ldexp(1.0, p));
      const std::vector<T> s = device_values(S);
      for (int k = 0; k < n; ++k) {
        ASSERT_EQ(s[k], std::ldexp(s0[k], p)) << tag<T>() << " n=" << n << " 2^" << p << " k=" << k;
      }
      std::printf("  %s scaled by 2^%d: exactly 2^p s(B) (n %d)\n", tag<T>(), p, n);
    }
    // Decimal scalings (inexact entries) against dbdsqr on the same entries.
    const std::vector<double> facs = f64 ? std::vector<double>{1e150, 1e-150, 1e300, 1e-290} : std::vector<double>{1e18, 1e-18, 1e35, 1e-33};
    for (double f : facs) {
      char name[64];
      std::snprintf(name, sizeof name, "%s scaled by %g", tag<T>(), f);
      const Bidiag<T> S = scaled(B, f);
      check(name, S, device_values(S), reference(S), true);
    }
    // Random signs and magnitudes scaled into the denormal range (f64:
    // max|B| ~ 1e-310; f32: ~1e-40). Reference: dbdsqr on 2^q B, scaled back.
    {
      const double f = f64 ? 1e-310 : 1e-40;
      Bidiag<T> S = scaled(B, f);
      // The entries (exact in f64) scaled up exactly by 2^q in f64.
      const int q = f64 ? 600 : 200;
      Bidiag<double> Sd;
      Sd.d.assign(S.d.begin(), S.d.end());
      Sd.e.assign(S.e.begin(), S.e.end());
      std::vector<double> ref = reference(scaled(Sd, std::ldexp(1.0, q)));
      for (auto& r : ref) r = static_cast<double>(static_cast<T>(std::ldexp(r, -q)));
      char name[64];
      std::snprintf(name, sizeof name, "%s denormal range (max ~%g)", tag<T>(), f);
      check(name, S, device_values(S), ref, false, true);
    }
  }
}

// Other build options: TEAM 1 (plain bisection), 2, 32, 64; small groups.
template <class T>
void option_variants() {
  std::mt19937_64 g(19);
  const Bidiag<T> B = random_bidiag<T>(257, g);
  const std::vector<double> ref = reference(B);
  for (const char* opt : {"-DWG=64 -DTEAM=1", "-DWG=32 -DTEAM=2", "-DWG=64 -DTEAM=32", "-DWG=64 -DTEAM=64",
                          "-DWG=128 -DTEAM=16", "-DWG=1 -DTEAM=1", "-DWG=256 -DTEAM=8 -DCOUNT=0",
                          "-DWG=256 -DTEAM=8 -DCOUNT=2"}) {
    check(std::string(tag<T>()) + " random " + opt, B, device_values(B, opt), ref, true);
  }
  // n not a multiple of WG / TEAM and n < items of one group.
  const Bidiag<T> C = random_bidiag<T>(5, g);
  check(std::string(tag<T>()) + " n=5 -DWG=256 -DTEAM=64", C, device_values(C, "-DWG=256 -DTEAM=64"), reference(C),
        true);
}

TEST(SvdBisect, RandomF64) {
  REQUIRE_DEVICE();
  random_sizes<double>();
}
TEST(SvdBisect, RandomF32) {
  REQUIRE_DEVICE();
  random_sizes<float>();
}
TEST(SvdBisect, GradedF64) {
  REQUIRE_DEVICE();
  graded<double>();
}
TEST(SvdBisect, GradedF32) {
  REQUIRE_DEVICE();
  graded<float>();
}
TEST(SvdBisect, GradedAcrossCountSwitchF64) {
  REQUIRE_DEVICE();
  graded_across_xq<double>();
}
TEST(SvdBisect, GradedAcrossCountSwitchF32) {
  REQUIRE_DEVICE();
  graded_across_xq<float>();
}
TEST(SvdBisect, ZerosAndSplitsF64) {
  REQUIRE_DEVICE();
  zeros<double>();
}
TEST(SvdBisect, ZerosAndSplitsF32) {
  REQUIRE_DEVICE();
  zeros<float>();
}
TEST(SvdBisect, IdentityAndRepeatsF64) {
  REQUIRE_DEVICE();
  identity_and_repeats<double>();
}
TEST(SvdBisect, IdentityAndRepeatsF32) {
  REQUIRE_DEVICE();
  identity_and_repeats<float>();
}
TEST(SvdBisect, ScalingsF64) {
  REQUIRE_DEVICE();
  scalings<double>();
}
TEST(SvdBisect, ScalingsF32) {
  REQUIRE_DEVICE();
  scalings<float>();
}
TEST(SvdBisect, OptionVariantsF64) {
  REQUIRE_DEVICE();
  option_variants<double>();
}
TEST(SvdBisect, OptionVariantsF32) {
  REQUIRE_DEVICE();
  option_variants<float>();
}

TEST(SvdBisect, Trivial) {
  REQUIRE_DEVICE();
  // n = 0: nothing; n = 1: |d|; B = 0: zeros.
  lai::svd::bidiag_values_opencl<double>(0, nullptr, nullptr, nullptr);
  double d = -3, e = 0, s = -1;
  lai::svd::bidiag_values_opencl<double>(1, &d, &e, &s);
  EXPECT_EQ(s, 3.0);
  d = 0;
  lai::svd::bidiag_values_opencl<double>(1, &d, &e, &s);
  EXPECT_EQ(s, 0.0);
  std::vector<float> zd(9, 0.0f), ze(9, 0.0f), zs(9, -1.0f);
  lai::svd::bidiag_values_opencl<float>(9, zd.data(), ze.data(), zs.data());
  for (float v : zs) EXPECT_EQ(v, 0.0f);
}

TEST(SvdBisect, RejectsBadOptions) {
  REQUIRE_DEVICE();
  double d = 1, e = 0, s = 0;
  // TEAM > WG trips the kernel's #error: a build failure, not a wrong result.
  EXPECT_ANY_THROW(lai::svd::bidiag_values_opencl<double>(1, &d, &e, &s, "-DWG=8 -DTEAM=16"));
}

}  // namespace
