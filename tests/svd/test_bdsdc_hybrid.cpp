// bdsdc_hybrid (svd/bdsdc_hybrid.h) against LAPACK's ?bdsdc on PoCL: small
// leaves (LAPACK ?lasd0 blocks of 4 to 25 rows) so that every bidiagonal
// takes many merges, products on the device (gpu_min 0) and on the host
// (gpu_min huge), bidiagonals that deflate little (random, the Golub-Kahan
// bidiagonal of a Gaussian matrix), much (repeated values, zero entries,
// identity, Toeplitz: exactly repeated values, deflated by rotations) and
// graded ones.
// Bounds, with eps the dtype's epsilon and n the order:
//   ||B - U diag(s) VT||_max / (||B||_max n eps) <= 50
//   ||I - U^T U||_max / (n eps) <= 50, same for VT VT^T
//   |s_k - s_ref_k| <= 50 n eps s_max (s_ref: LAPACK ?bdsdc), s descending.
#include <gtest/gtest.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
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

namespace {

template <class T>
struct Bidiag {
  std::vector<T> d, e;  // e has n entries, the last unused
  int n() const { return static_cast<int>(d.size()); }
};

template <class T>
std::vector<T> reference(const Bidiag<T>& B) {
  const int n = B.n();
  std::vector<T> d = B.d, e = B.e, u(static_cast<std::size_t>(n) * n), vt(static_cast<std::size_t>(n) * n);
  int info;
  if constexpr (std::is_same_v<T, double>)
    info = LAPACKE_dbdsdc(LAPACK_COL_MAJOR, 'U', 'N', n, d.data(), e.data(), u.data(), n, vt.data(), n, nullptr,
                          nullptr);
  else
    info = LAPACKE_sbdsdc(LAPACK_COL_MAJOR, 'U', 'N', n, d.data(), e.data(), u.data(), n, vt.data(), n, nullptr,
                          nullptr);
  EXPECT_EQ(info, 0);
  return d;
}

struct Ratios {
  double resid = 0, orth_u = 0, orth_v = 0, values = 0;
  lai::svd::HybridDcStats stats;
};

// bdsdc_hybrid with its vectors on the device (dc_device.h) where n
// merges there: U and V = VT^T in zeroed device buffers (leading dimension
// ld), read back into U and VT for the checks.
template <class T>
int run_on_device(int n, T* d, T* e, T* U, T* VT, int ld, const lai::svd::HybridDcOptions& o,
                  lai::svd::HybridDcStats* st) {
  const lai::ocl::Runtime& rt = lai::ocl::runtime();
  const std::size_t bytes = sizeof(T) * static_cast<std::size_t>(ld) * n;
  lai::ocl::PooledBuffer bu = lai::ocl::acquire_buffer(rt, bytes), bv = lai::ocl::acquire_buffer(rt, bytes);
  const T zero = 0;
  for (cl_mem b : {bu.get(), bv.get()})
    lai::ocl::check(clEnqueueFillBuffer(rt.queue, b, &zero, sizeof(T), 0, bytes, 0, nullptr, nullptr), "fill", "");
  auto dev = lai::svd::make_dc_device<T>(rt, lai::ocl::gemm_config<T>(rt), n, bu.get(), ld, bv.get(), ld);
  const int info = lai::svd::bdsdc_hybrid<T>(n, d, e, U, ld, VT, ld, o, st, dev.get());
  std::vector<T> V(static_cast<std::size_t>(ld) * n);
  lai::ocl::check(clEnqueueReadBuffer(rt.queue, bu.get(), CL_TRUE, 0, bytes, U, 0, nullptr, nullptr), "read", "");
  lai::ocl::check(clEnqueueReadBuffer(rt.queue, bv.get(), CL_TRUE, 0, bytes, V.data(), 0, nullptr, nullptr), "read", "");
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) VT[static_cast<std::size_t>(j) * ld + i] = V[static_cast<std::size_t>(i) * ld + j];
  return info;
}

template <class T>
Ratios check(const std::string& what, const Bidiag<T>& B, const lai::svd::HybridDcOptions& o, bool on_device) {
  const int n = B.n(), ld = n + 3;  // a leading dimension that is not n
  std::vector<T> d = B.d, e = B.e, U(static_cast<std::size_t>(ld) * n, T(-7)), VT(static_cast<std::size_t>(ld) * n, T(-7));
  lai::svd::HybridDcStats st;
  const int info = on_device ? run_on_device<T>(n, d.data(), e.data(), U.data(), VT.data(), ld, o, &st)
                             : lai::svd::bdsdc_hybrid<T>(n, d.data(), e.data(), U.data(), ld, VT.data(), ld, o, &st);
  EXPECT_EQ(info, 0) << what;
  const std::vector<T> ref = reference(B);
  const double eps = std::numeric_limits<T>::epsilon(), neps = n * eps;
  double bmax = 0;
  for (int i = 0; i < n; ++i) bmax = std::max(bmax, std::fabs(static_cast<double>(B.d[i])));
  for (int i = 0; i + 1 < n; ++i) bmax = std::max(bmax, std::fabs(static_cast<double>(B.e[i])));
  Ratios r;
  auto u = [&](int i, int j) { return static_cast<double>(U[static_cast<std::size_t>(j) * ld + i]); };
  auto vt = [&](int i, int j) { return static_cast<double>(VT[static_cast<std::size_t>(j) * ld + i]); };
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double b = i == j ? B.d[i] : (j == i + 1 ? B.e[i] : 0.0), usv = 0, uu = 0, vv = 0;
      for (int k = 0; k < n; ++k) {
        usv += u(i, k) * static_cast<double>(d[k]) * vt(k, j);
        uu += u(k, i) * u(k, j);
        vv += vt(i, k) * vt(j, k);
      }
      if (bmax > 0) r.resid = std::max(r.resid, std::fabs(b - usv) / (bmax * neps));
      r.orth_u = std::max(r.orth_u, std::fabs((i == j ? 1.0 : 0.0) - uu) / neps);
      r.orth_v = std::max(r.orth_v, std::fabs((i == j ? 1.0 : 0.0) - vv) / neps);
    }
  const double smax = ref.empty() ? 0.0 : static_cast<double>(ref[0]);
  for (int k = 0; k < n; ++k) {
    if (k > 0) {
      EXPECT_LE(d[k], d[k - 1]) << what << ": not descending at k=" << k;
    }
    EXPECT_GE(d[k], T(0)) << what;
    if (smax > 0) r.values = std::max(r.values, std::fabs(static_cast<double>(d[k]) - ref[k]) / (neps * smax));
  }
  EXPECT_LE(r.resid, 50) << what;
  EXPECT_LE(r.orth_u, 50) << what;
  EXPECT_LE(r.orth_v, 50) << what;
  EXPECT_LE(r.values, 50) << what;
  r.stats = st;
  std::printf("  %-40s n %4d merges %3d (gpu %3d)  resid %6.3f  orth %6.3f %6.3f  values %6.3f\n", what.c_str(), n,
              st.merges, st.gpu_merges, r.resid, r.orth_u, r.orth_v, r.values);
  return r;
}

template <class T>
std::vector<std::pair<std::string, Bidiag<T>>> zoo(int n, std::mt19937_64& g) {
  std::vector<std::pair<std::string, Bidiag<T>>> z;
  std::uniform_real_distribution<double> u(-1, 1);
  Bidiag<T> B;
  B.d.resize(n);
  B.e.assign(n, T(0));
  for (int i = 0; i < n; ++i) B.d[i] = static_cast<T>(u(g));
  for (int i = 0; i + 1 < n; ++i) B.e[i] = static_cast<T>(u(g));
  z.push_back({"random", B});
  for (int i = 0; i < n; ++i) B.d[i] = static_cast<T>(std::sqrt(std::chi_squared_distribution<double>(n - i)(g)));
  for (int i = 0; i + 1 < n; ++i) B.e[i] = static_cast<T>(std::sqrt(std::chi_squared_distribution<double>(n - i - 1)(g)));
  z.push_back({"gaussian bidiagonal", B});
  for (int i = 0; i < n; ++i) B.d[i] = static_cast<T>(std::pow(10.0, -12.0 * i / n) * (0.5 + 0.5 * std::fabs(u(g))));
  for (int i = 0; i + 1 < n; ++i) B.e[i] = static_cast<T>(std::pow(10.0, -12.0 * (i + 0.5) / n) * std::fabs(u(g)));
  z.push_back({"graded 1..1e-12", B});
  for (int i = 0; i < n; ++i) B.d[i] = T(1);
  for (int i = 0; i + 1 < n; ++i) B.e[i] = T(0);
  z.push_back({"identity", B});
  for (int i = 0; i < n; ++i) B.d[i] = static_cast<T>(i % 3 == 0 ? 0.0 : u(g));
  for (int i = 0; i + 1 < n; ++i) B.e[i] = static_cast<T>(i % 5 == 0 ? 0.0 : u(g));
  z.push_back({"zero entries", B});
  for (int i = 0; i < n; ++i) B.d[i] = static_cast<T>(1 + (i % 4) * 0.25);
  for (int i = 0; i + 1 < n; ++i) B.e[i] = static_cast<T>(1e-9 * u(g));
  z.push_back({"clustered", B});
  // Toeplitz: the halves of a node of odd order are the same matrix, so
  // their values repeat exactly and the merge deflates them by rotations.
  for (int i = 0; i < n; ++i) B.d[i] = T(1);
  for (int i = 0; i + 1 < n; ++i) B.e[i] = T(0.5);
  z.push_back({"toeplitz", B});
  return z;
}

template <class T>
void run(const char* tag) {
  std::mt19937_64 g(2026);
  for (int n : {1, 2, 3, 7, 40, 130, 257}) {
    for (auto& [name, B] : zoo<T>(n, g)) {
      for (int leaf : {4, 25}) {
        // Products on the device from host arrays (gpu_min 0), on the host
        // (huge), and the vectors on the device for the merges of at least
        // 30 rows (the smaller ones on the host, then uploaded): with the
        // secular problem solved there (-30) and on the host (30,
        // LAI_SVD_DC_SECULAR=0); and every merge on the device (-1: from
        // leaf + 1 rows, as the defaults have it; the pools untouched).
        for (int gpu_min : {0, 1 << 30, 30, -30, -1}) {
          lai::svd::HybridDcOptions o;
          o.leaf = leaf;
          o.gpu_min = gpu_min == -1 ? leaf + 1 : std::abs(gpu_min);
          o.threads = 3;
          const bool want_dev = gpu_min == 30 || gpu_min < 0;
          const bool dev = want_dev && lai::svd::dc_merges_on_device(n, o);
          if (want_dev && !dev) continue;
          const bool dev_secular = gpu_min < 0;
          char what[128];
          std::snprintf(what, sizeof what, "%s %s leaf %d %s", tag, name.c_str(), leaf,
                        dev ? (gpu_min == -1 ? "all device" : dev_secular ? "device+secular" : "device")
                            : gpu_min == 0 ? "gpu" : "host");
          if (dev && !dev_secular) setenv("LAI_SVD_DC_SECULAR", "0", 1);
          const lai::svd::HybridDcStats st = check<T>(what, B, o, dev).stats;
          unsetenv("LAI_SVD_DC_SECULAR");
          // Every device merge with K >= 2 solved its secular problem where
          // it was asked to (K = 1 merges stay on the host).
          if (dev && !dev_secular) EXPECT_EQ(st.device_secular_merges, 0) << what;
          if (dev_secular && (name == "random" || name == "gaussian bidiagonal"))
            EXPECT_GE(st.device_secular_merges, 1) << what;
        }
      }
    }
  }
}

TEST(BdsdcHybrid, AgainstLapackF64) { run<double>("f64"); }
TEST(BdsdcHybrid, AgainstLapackF32) { run<float>("f32"); }

TEST(BdsdcHybrid, ZeroMatrix) {
  for (bool dev : {false, true}) {
    std::vector<double> d(50, 0.0), e(50, 0.0), U(2500, 5.0), VT(2500, 5.0);
    lai::svd::HybridDcOptions o;
    o.leaf = 4;
    o.gpu_min = 8;
    ASSERT_EQ(dev ? run_on_device<double>(50, d.data(), e.data(), U.data(), VT.data(), 50, o, nullptr)
                  : lai::svd::bdsdc_hybrid<double>(50, d.data(), e.data(), U.data(), 50, VT.data(), 50, o, nullptr),
              0);
    for (int i = 0; i < 50; ++i) {
      EXPECT_EQ(d[i], 0.0);
      for (int j = 0; j < 50; ++j) {
        EXPECT_EQ(U[j * 50 + i], i == j ? 1.0 : 0.0) << dev;
        EXPECT_EQ(VT[j * 50 + i], i == j ? 1.0 : 0.0) << dev;
      }
    }
  }
}

}  // namespace
