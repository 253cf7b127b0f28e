// The device's secular roots (dc_device.cpp, kernel lai_svd_dc_<dtype>_secular_roots;
// PoCL here) against the exact roots (and beside ?lasd4) on the same problems: random poles,
// clustered poles (gaps down to 1e-9 / 1e-4 of the largest), small z entries,
// K from 2 to 300, one dominant z entry.
// Each root is compared as its offset from its nearer pole p (the device's
// tau plus d_o - d_p), the quantity the vectors' differences are computed
// from, against the exact root (bisection in long double):
// |off - off_exact| <= 4 K eps |off_exact| (worst seen 1.3), an error of f of about K eps
// times its terms; ?lasd4's offset (-DELTA(p)) is measured the same way and
// printed beside it (it is not bounded here). Also: the device's pole is one of
// the root's interval, tau has the sign that puts the root inside it, and
// sigma = d[pole] + tau.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "opencl/cl_error.h"
#include "opencl/gpu.h"
#include "opencl/pool.h"
#include "opencl/runtime.h"
#include "svd/bdsdc_hybrid.h"
#include "svd/dc_device.h"

extern "C" {
void dlasd4_(const int* n, const int* i, const double* d, const double* z, double* delta, const double* rho,
             double* sigma, double* work, int* info);
void slasd4_(const int* n, const int* i, const float* d, const float* z, float* delta, const float* rho, float* sigma,
             float* work, int* info);
}

namespace {

template <class T>
void lasd4(int K, int i, const T* d, const T* z, T* delta, T rho, T* sigma, T* work, int* info) {
  if constexpr (std::is_same_v<T, double>)
    dlasd4_(&K, &i, d, z, delta, &rho, sigma, work, info);
  else
    slasd4_(&K, &i, d, z, delta, &rho, sigma, work, info);
}

// Root i of f(sigma) = 1 + rho sum z_j^2 / (d_j^2 - sigma^2) in long double:
// (p, sigma - d_p) with p the nearer pole (decided at the midpoint of the
// squares), by 400 halvings of the offset's interval.
template <class T>
std::pair<int, long double> exact_root(const std::vector<T>& d, const std::vector<T>& z, T rho, int i) {
  using L = long double;
  const int K = static_cast<int>(d.size());
  auto f = [&](int p, L off) {
    L sum = 0;
    for (int j = 0; j < K; ++j) {
      const L dj = d[static_cast<std::size_t>(j)], dp = d[static_cast<std::size_t>(p)];
      sum += static_cast<L>(z[static_cast<std::size_t>(j)]) * z[static_cast<std::size_t>(j)] / (((dj - dp) - off) * ((dj + dp) + off));
    }
    return 1 + static_cast<L>(rho) * sum;
  };
  int p = i;
  L lo = 0, hi;
  const L di = d[static_cast<std::size_t>(i)];
  if (i + 1 < K) {
    const L dn = d[static_cast<std::size_t>(i) + 1], h = (dn - di) * (dn + di) / 2, tm = h / (di + std::sqrt(di * di + h));
    if (f(i, tm) >= 0) {
      hi = tm;
    } else {
      p = i + 1;
      lo = -((dn - di) - tm);
      hi = 0;
    }
  } else {
    hi = static_cast<L>(rho) / (di + std::sqrt(di * di + static_cast<L>(rho))) * (1 + 1e-12L);
  }
  for (int it = 0; it < 400; ++it) {
    const L mid = (lo + hi) / 2;
    if (mid == lo || mid == hi) break;
    (f(p, mid) >= 0 ? hi : lo) = mid;
  }
  return {p, (lo + hi) / 2};
}

// One problem: poles d (ascending, d[0] = 0), z (any norm; normalised here).
template <class T>
double worst_ratio(const std::string& what, std::vector<T> d, std::vector<T> z) {
  const int K = static_cast<int>(d.size());
  const lai::ocl::Runtime& rt = lai::ocl::runtime();
  const std::size_t bytes = sizeof(T) * static_cast<std::size_t>(K) * K;
  lai::ocl::PooledBuffer bu = lai::ocl::acquire_buffer(rt, bytes), bv = lai::ocl::acquire_buffer(rt, bytes);
  auto dev = lai::svd::make_dc_device<T>(rt, lai::ocl::gemm_config<T>(rt), K, bu.get(), K, bv.get(), K);
  EXPECT_TRUE(dev->solves_secular());
  double nrm = 0;
  for (T v : z) nrm += static_cast<double>(v) * v;
  nrm = std::sqrt(nrm);
  for (T& v : z) v = static_cast<T>(v / nrm);
  const T rho2 = static_cast<T>(nrm * nrm);
  lai::svd::DeflationPlan<T> plan;
  plan.K = K;
  plan.dsigma = d;
  plan.z = z;
  plan.src.resize(static_cast<std::size_t>(K));
  for (int j = 0; j < K; ++j) plan.src[static_cast<std::size_t>(j)] = j;
  std::vector<T> sigma(static_cast<std::size_t>(K), T(-1)), tau(static_cast<std::size_t>(K));
  std::vector<int> pole(static_cast<std::size_t>(K), -1);
  auto st = dev->secular_roots(plan, z.data(), rho2, sigma.data(), tau.data(), pole.data());
  const double eps = std::numeric_limits<T>::epsilon();
  double worst = 0, lapack_worst = 0;
  std::vector<T> delta(static_cast<std::size_t>(K)), work(static_cast<std::size_t>(K));
  for (int i = 0; i < K; ++i) {
    const std::size_t ui = static_cast<std::size_t>(i);
    T s = 0;
    int info = 0;
    lasd4<T>(K, i + 1, d.data(), z.data(), delta.data(), rho2, &s, work.data(), &info);
    EXPECT_EQ(info, 0) << what << " root " << i;
    // The exact root (to long double's precision) as an offset from its
    // nearer pole p; LAPACK's and the device's from the same pole.
    const auto [p, ref] = exact_root(d, z, rho2, i);
    const double lap_off = -static_cast<double>(delta[static_cast<std::size_t>(p)]);
    const int o = pole[ui];
    if (o != i && o != i + 1) {
      ADD_FAILURE() << what << " root " << i << " pole " << o;
      continue;
    }
    if (o == i) EXPECT_GT(tau[ui], T(0)) << what << " root " << i;
    if (o == i + 1) EXPECT_LT(tau[ui], T(0)) << what << " root " << i;
    const double dev_off = static_cast<double>(tau[ui]) +
                           (static_cast<double>(d[static_cast<std::size_t>(o)]) - d[static_cast<std::size_t>(p)]);
    EXPECT_EQ(sigma[ui], d[static_cast<std::size_t>(o)] + tau[ui]) << what << " root " << i;
    const double r = std::fabs(dev_off - static_cast<double>(ref)) / (K * eps * std::fabs(static_cast<double>(ref)));
    lapack_worst = std::max(lapack_worst, std::fabs(lap_off - static_cast<double>(ref)) /
                                              (K * eps * std::fabs(static_cast<double>(ref))));
    worst = std::max(worst, r);
  }
  EXPECT_LE(worst, 4.0) << what;
  std::printf("  %-36s K %4d  worst |offset - exact| / (K eps offset): device %.3f, ?lasd4 %.3f\n", what.c_str(), K,
              worst, lapack_worst);
  return worst;
}

template <class T>
void run(const char* tag) {
  std::mt19937_64 g(7);
  std::uniform_real_distribution<double> u(0, 1);
  auto poles = [&](int K, double cluster) {
    std::vector<double> p(static_cast<std::size_t>(K) - 1);
    for (auto& v : p) v = u(g);
    std::sort(p.begin(), p.end());
    // Clustering: every second pole moved next to its neighbour.
    if (cluster > 0)
      for (int j = 1; j < K - 1; j += 2) p[static_cast<std::size_t>(j)] = p[static_cast<std::size_t>(j) - 1] * (1 + cluster) + cluster;
    std::sort(p.begin(), p.end());
    std::vector<T> d(static_cast<std::size_t>(K));
    d[0] = 0;
    for (int j = 1; j < K; ++j) d[static_cast<std::size_t>(j)] = static_cast<T>(0.01 + p[static_cast<std::size_t>(j) - 1]);
    for (int j = 1; j < K; ++j) EXPECT_GT(d[static_cast<std::size_t>(j)], d[static_cast<std::size_t>(j) - 1]);
    return d;
  };
  auto zs = [&](int K, double small) {
    std::vector<T> z(static_cast<std::size_t>(K));
    for (int j = 0; j < K; ++j) z[static_cast<std::size_t>(j)] = static_cast<T>((u(g) < 0.5 ? -1 : 1) * (0.1 + u(g)) * (j % 3 == 1 ? small : 1.0));
    return z;
  };
  const bool f64 = std::is_same_v<T, double>;
  for (int K : {2, 3, 17, 120, 300}) {
    const std::string k = std::string(tag) + " K " + std::to_string(K);
    worst_ratio<T>(k + " random", poles(K, 0), zs(K, 1));
    worst_ratio<T>(k + " clustered", poles(K, f64 ? 1e-9 : 1e-4), zs(K, 1));
    worst_ratio<T>(k + " small z", poles(K, 0), zs(K, f64 ? 1e-6 : 1e-3));
    auto z = zs(K, 1);
    z[static_cast<std::size_t>(K) / 2] = 1e3;  // one dominant entry
    worst_ratio<T>(k + " dominant z", poles(K, 0), z);
  }
}

TEST(DcSecular, RootsAgainstExactF64) { run<double>("f64"); }
TEST(DcSecular, RootsAgainstExactF32) { run<float>("f32"); }

}  // namespace
