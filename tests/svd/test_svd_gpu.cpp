// lai_dgesvd / lai_sgesvd on the GPU path (gesvd_opencl.cpp; PoCL here):
// the forced OpenCL backend on the matrix zoo (LAPACK's ratios, svd_check.h,
// bound 50, and the singular values against LAPACK's ?gesdd within
// 50 min(m,n) ulp s_max), shapes with several panels (NB = 32) and
// back-transformation blocks, sizes not multiples of the panel or the GEMM
// tiles; AUTO's threshold; the CPU fallback with a recorded reason when the
// kernels fail to build; the stage times of the internal entry.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "lapack_ai/lapack_ai.h"
#include "svd/gesvd_opencl.h"
#include "svd_check.h"

namespace {

using svdtest::Mat;

template <class T>
lai_status gesvd(char ju, char jv, int m, int n, T* A, int lda, T* s, T* U, int ldu, T* VT, int ldvt, int* info,
                 const lai_svd_options* o) {
  if constexpr (std::is_same_v<T, double>) return lai_dgesvd_ex(ju, jv, m, n, A, lda, s, U, ldu, VT, ldvt, info, o);
  else return lai_sgesvd_ex(ju, jv, m, n, A, lda, s, U, ldu, VT, ldvt, info, o);
}

template <class T>
std::vector<T> lapack_values(const Mat<T>& A0) {
  Mat<T> A = A0;
  std::vector<T> s(std::min(A.m, A.n));
  int info = 0;
  if constexpr (std::is_same_v<T, double>) {
    info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', A.m, A.n, A.a.data(), A.ld(), s.data(), nullptr, 1, nullptr, 1);
  } else {
    info = LAPACKE_sgesdd(LAPACK_COL_MAJOR, 'N', A.m, A.n, A.a.data(), A.ld(), s.data(), nullptr, 1, nullptr, 1);
  }
  EXPECT_EQ(info, 0);
  return s;
}


struct Shape {
  int m, n;
};
const char* kKinds[] = {"random", "graded", "rank-deficient", "zero", "identity", "near-overflow", "near-underflow"};
// 200 x 200: 7 panels of 32 and 4 back-transformation blocks of 64 (PoCL's
// tiled leaf pads to 64); 37 x 29, 131 x 70: no size a multiple of anything.
const Shape kShapes[] = {{40, 40}, {150, 150}, {200, 200}, {1, 25}, {25, 1}, {200, 20},
                         {20, 200}, {37, 29}, {70, 131}, {131, 70}, {5, 3}, {1, 1}};
const char* kJobs[] = {"AA", "SS", "NN", "OS", "SO", "AN", "NA"};

template <class T>
void run_zoo(const char* dtype) {
  std::mt19937_64 g(20261122);
  std::map<std::string, double> worst;
  const lai_svd_options gpu{LAI_BACKEND_OPENCL, LAI_SVD_DRIVER_AUTO};
  for (const char* kind : kKinds) {
    for (const Shape& c : kShapes) {
      const int m = c.m, n = c.n, k = std::min(m, n);
      const Mat<T> A0 = svdtest::zoo_matrix<T>(kind, m, n, g);
      const std::vector<T> s_ref = lapack_values(A0);
      for (const char* job : kJobs) {
        const char ju = job[0], jv = job[1];
        const std::string what = std::string(dtype) + " " + kind + " " + std::to_string(m) + "x" +
                                 std::to_string(n) + " jobu=" + ju + " jobvt=" + jv;
        const int lda = m + 3;
        std::vector<T> Ap(static_cast<std::size_t>(lda) * n, T(-7));
        for (int j = 0; j < n; ++j)
          for (int i = 0; i < m; ++i) Ap[i + static_cast<std::size_t>(j) * lda] = A0(i, j);
        const int ucols = ju == 'A' ? m : k, vtrows = jv == 'A' ? n : k;
        const int ldu = m + 1, ldvt = vtrows + 2;
        std::vector<T> s(k, T(-1)), U(static_cast<std::size_t>(ldu) * ucols, T(-9)),
            VT(static_cast<std::size_t>(ldvt) * n, T(-9));
        int info = -99;
        const lai_status st =
            gesvd<T>(ju, jv, m, n, Ap.data(), lda, s.data(), U.data(), ldu, VT.data(), ldvt, &info, &gpu);
        ASSERT_EQ(st, LAI_SUCCESS) << what << ": " << lai_last_error();
        ASSERT_EQ(info, 0) << what;
        ASSERT_EQ(std::string(lai_svd_last_path()), "opencl:gebrd") << what;
        const T* u = ju == 'A' || ju == 'S' ? U.data() : ju == 'O' ? Ap.data() : nullptr;
        const int lu = ju == 'O' ? lda : ldu;
        const T* vt = jv == 'A' || jv == 'S' ? VT.data() : jv == 'O' ? Ap.data() : nullptr;
        const int lv = jv == 'O' ? lda : ldvt;
        const svdtest::Ratios r =
            svdtest::ratios(A0, s.data(), u, lu, ju == 'N' ? 0 : ucols, vt, lv, jv == 'N' ? 0 : vtrows);
        EXPECT_TRUE(r.sorted) << what;
        EXPECT_LT(r.usv, svdtest::kThreshold) << what;
        EXPECT_LT(r.u, svdtest::kThreshold) << what;
        EXPECT_LT(r.vt, svdtest::kThreshold) << what;
        for (int j = 0; j < n; ++j)
          for (int i = m; i < lda; ++i) ASSERT_EQ(Ap[i + static_cast<std::size_t>(j) * lda], T(-7)) << what;
        // Singular values against LAPACK's.
        const double smax = k > 0 ? std::max<double>(s_ref[0], std::numeric_limits<T>::min()) : 1;
        double ds = 0;
        for (int i = 0; i < k; ++i)
          ds = std::max(ds, std::fabs(double(s[i]) - double(s_ref[i])) / (smax * k * svdtest::ulp<T>()));
        EXPECT_LT(ds, svdtest::kThreshold) << what << ": singular values differ from LAPACK's";
        double& w = worst[kind];
        w = std::max({w, r.usv, r.u, r.vt, ds});
      }
    }
  }
  for (const auto& [kind, w] : worst) std::cout << dtype << " GPU path worst ratio " << kind << ": " << w << "\n";
}

TEST(SvdGpu, ZooRatiosF64) { run_zoo<double>("f64"); }
TEST(SvdGpu, ZooRatiosF32) { run_zoo<float>("f32"); }

struct EnvGuard {
  std::string name;
  explicit EnvGuard(const char* n, const char* v) : name(n) { setenv(n, v, 1); }
  ~EnvGuard() { unsetenv(name.c_str()); }
};

// max |a_i - b_i| (a and b the same length): two runs' results entrywise.
double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(a[i] - b[i]));
  return d;
}

// The GPU path forced while a kernel fails to build (the caller's EnvGuard):
// LAI_ERROR_OPENCL_BUILD, a sentence saying nothing was written, and s, U,
// VT and A (60 x 50, jobs S and jobvt) as they were.
void expect_forced_build_failure(const Mat<double>& A0, char jobvt) {
  const lai_svd_options gpu{LAI_BACKEND_OPENCL, LAI_SVD_DRIVER_AUTO};
  Mat<double> B = A0;
  std::vector<double> s2(50, -1.0), U2(60 * 50, -1.0), VT2(50 * 50, -1.0);
  int info = 0;
  EXPECT_EQ(lai_dgesvd_ex('S', jobvt, 60, 50, B.a.data(), 60, s2.data(), U2.data(), 60, VT2.data(), 50, &info, &gpu),
            LAI_ERROR_OPENCL_BUILD)
      << lai_last_error();
  EXPECT_NE(std::string(lai_last_error()).find("nothing was written"), std::string::npos) << lai_last_error();
  for (double x : s2) ASSERT_EQ(x, -1.0);
  for (double x : U2) ASSERT_EQ(x, -1.0);
  for (double x : VT2) ASSERT_EQ(x, -1.0);
  EXPECT_EQ(B.a, A0.a);
}

// One AUTO call (jobs S, S) of the 60 x 50 A0 that must end on the CPU
// after a GPU failure: s, U, VT receive the CPU's result; returns the
// recorded fallback reason.
std::string auto_fallback(const Mat<double>& A0, std::vector<double>& s, std::vector<double>& U,
                          std::vector<double>& VT) {
  const lai_svd_options aut{LAI_BACKEND_AUTO, LAI_SVD_DRIVER_AUTO};
  Mat<double> A = A0;
  int info = 0;
  EXPECT_EQ(lai_dgesvd_ex('S', 'S', 60, 50, A.a.data(), 60, s.data(), U.data(), 60, VT.data(), 50, &info, &aut),
            LAI_SUCCESS)
      << lai_last_error();
  EXPECT_EQ(std::string(lai_svd_last_path()), "cpu:dgesdd");
  return lai_svd_fallback_reason();
}

TEST(SvdGpu, AutoUsesThresholdAndFallsBackWithReason) {
  std::mt19937_64 g(7);
  const Mat<double> A0 = svdtest::random_matrix<double>(60, 50, 1.0, g);
  const lai_svd_options aut{LAI_BACKEND_AUTO, LAI_SVD_DRIVER_AUTO};
  std::vector<double> s(50), U(60 * 50), VT(50 * 50);
  int info = 0;
  {
    // PoCL is not a GPU: AUTO stays on the CPU without the override.
    Mat<double> A = A0;
    ASSERT_EQ(lai_dgesvd_ex('S', 'S', 60, 50, A.a.data(), 60, s.data(), U.data(), 60, VT.data(), 50, &info, &aut),
              LAI_SUCCESS);
    EXPECT_EQ(std::string(lai_svd_last_path()), "cpu:dgesdd");
  }
  {
    EnvGuard e("LAI_SVD_GPU_MIN", "50");
    Mat<double> A = A0;
    ASSERT_EQ(lai_dgesvd_ex('S', 'S', 60, 50, A.a.data(), 60, s.data(), U.data(), 60, VT.data(), 50, &info, &aut),
              LAI_SUCCESS);
    EXPECT_EQ(std::string(lai_svd_last_path()), "opencl:gebrd");
    EXPECT_EQ(std::string(lai_svd_fallback_reason()), "");
    EnvGuard e2("LAI_SVD_GPU_MIN", "51");
    ASSERT_EQ(lai_dgesvd_ex('S', 'S', 60, 50, A.a.data(), 60, s.data(), U.data(), 60, VT.data(), 50, &info, &aut),
              LAI_SUCCESS);
    EXPECT_EQ(std::string(lai_svd_last_path()), "cpu:dgesdd");
  }
  {
    // A build failure (WG=3 trips the kernels' #error): AUTO falls back.
    EnvGuard e("LAI_SVD_GPU_MIN", "1");
    EnvGuard f("LAI_SVD_BIDIAG_OPTIONS", "-DWG=3");
    const std::string why = auto_fallback(A0, s, U, VT);
    EXPECT_NE(why.find("OpenCL GPU SVD failed"), std::string::npos) << why;
    EXPECT_NE(why.find("WG must be a power of 2"), std::string::npos) << why;
    const svdtest::Ratios r = svdtest::ratios(A0, s.data(), U.data(), 60, 50, VT.data(), 50, 50);
    EXPECT_LT(r.usv, svdtest::kThreshold);
    expect_forced_build_failure(A0, 'O');
  }
  {
    // The divide and conquer's secular kernels fail to build (merges on the
    // device from 16 rows): AUTO falls back naming the rule, forced reports.
    EnvGuard e("LAI_SVD_GPU_MIN", "1");
    EnvGuard d1("LAI_SVD_DC", "hybrid"), d2("LAI_SVD_DC_LEAF", "8"), d3("LAI_SVD_DC_GPU_MIN", "16");
    EnvGuard f("LAI_SVD_DC_OPTIONS", "-DWG=3");
    const std::string why = auto_fallback(A0, s, U, VT);
    EXPECT_NE(why.find("WG must be a power of 2 in [32, 1024]"), std::string::npos) << why;
    expect_forced_build_failure(A0, 'S');
  }
}

// One thin SVD (jobs S, S) of A0 (m x n, m >= n) through the internal
// entry, with its stage times (the tests below read both).
struct ThinSvd {
  std::vector<double> s, U, VT;
  lai::svd::GpuSvdStageTimes t;
  int info = -1;
};
ThinSvd thin_svd(const Mat<double>& A0, int m, int n) {
  Mat<double> A = A0;
  ThinSvd o;
  o.s.resize(static_cast<std::size_t>(n));
  o.U.resize(static_cast<std::size_t>(m) * n);
  o.VT.resize(static_cast<std::size_t>(n) * n);
  lai::svd::gesvd_opencl<double>('S', 'S', m, n, A.a.data(), m, o.s.data(), o.U.data(), m, o.VT.data(), n, &o.info,
                                 &o.t);
  return o;
}

TEST(SvdGpu, StageTimesOfTheInternalEntry) {
  std::mt19937_64 g(11);
  const Mat<double> A0 = svdtest::random_matrix<double>(100, 100, 1.0, g);
  const ThinSvd o = thin_svd(A0, 100, 100);
  const lai::svd::GpuSvdStageTimes& t = o.t;
  const int info = o.info;
  const std::vector<double>&s = o.s, &U = o.U, &VT = o.VT;
  EXPECT_EQ(info, 0);
  EXPECT_GT(t.bidiagonalize, 0);
  EXPECT_GT(t.back_transform, 0);
  EXPECT_GE(t.total, t.upload + t.bidiagonalize + t.host_bidiag_svd + t.back_transform + t.download - 1e-9);
  // 4 launches per column but the last (1), 3 per trailing update (3 of them),
  // 6 per back-transformation block (2 per side at 100 x 100 on PoCL's 64
  // tiles) and a few transposes: the fused reflectors leave no larfg launch
  // in the loop.
  EXPECT_GE(t.launches, 4 * 99 + 1 + 3 * 3);
  EXPECT_LE(t.launches, 4 * 99 + 1 + 3 * 3 + 40);
  const svdtest::Ratios r = svdtest::ratios(A0, s.data(), U.data(), 100, 100, VT.data(), 100, 100);
  EXPECT_LT(r.usv, svdtest::kThreshold);
  std::cout << "100x100 stages (PoCL): upload " << t.upload << " s, bidiagonalize " << t.bidiagonalize
            << " s, host " << t.host_bidiag_svd << " s, back-transform " << t.back_transform << " s, download "
            << t.download << " s, total " << t.total << " s, " << t.launches << " launches\n";
}

// A thin SVD of a random m x n matrix under the caller's
// LAI_SVD_BIDIAG_OPTIONS: per_col launches per column but the last in the
// panel loop (the rest, trailing updates, back-transformation and
// transposes, stay below 60 here) and the ratio bound. `what` names the case.
void expect_launches_per_column(int m, int n, int per_col, std::mt19937_64& g, const std::string& what) {
  const Mat<double> A0 = svdtest::random_matrix<double>(m, n, 1.0, g);
  const ThinSvd o = thin_svd(A0, m, n);
  ASSERT_EQ(o.info, 0) << what;
  const long long loop = static_cast<long long>(per_col) * (n - 1);
  EXPECT_GE(o.t.launches, loop) << what;
  EXPECT_LE(o.t.launches, loop + 60) << what;
  const svdtest::Ratios r = svdtest::ratios(A0, o.s.data(), o.U.data(), m, n, o.VT.data(), n, n);
  EXPECT_LT(r.usv, svdtest::kThreshold) << what;
  EXPECT_LT(r.u, svdtest::kThreshold) << what;
  EXPECT_LT(r.vt, svdtest::kThreshold) << what;
}

// The two-launch bidiagonalization (FCOLS > 0) is taken only while both
// sides are at most FMAXN: 2 launches per column there, 4 above (a tall
// matrix whose short side is small still takes the four-launch path), and
// the results meet the ratio bound either way.
TEST(SvdGpu, TwoLaunchVariantOnlyUpToFmaxn) {
  EnvGuard opts("LAI_SVD_BIDIAG_OPTIONS", "-DWG=64 -DNB=8 -DCOLS=16 -DRTEAM=8 -DFCOLS=4 -DFMAXN=48");
  std::mt19937_64 g(21);
  for (const auto& [m, n, fused] : {std::tuple{40, 30, true}, std::tuple{48, 48, true}, std::tuple{49, 30, false},
                                    std::tuple{200, 20, false}}) {
    expect_launches_per_column(m, n, fused ? 2 : 4, g, std::to_string(m) + "x" + std::to_string(n));
  }
}

// YFUSE = 1: 3 launches per column on the path FCOLS does not take (here
// above FMAXN = 48), 2 on the two-launch path up to it, 4 with YFUSE = 0;
// the results meet the ratio bound every way.
TEST(SvdGpu, ThreeLaunchVariantWhereTheTwoLaunchOneIsNot) {
  std::mt19937_64 g(22);
  for (const auto& [yfuse, m, n, per_col] : {std::tuple{1, 40, 30, 2}, std::tuple{1, 49, 30, 3},
                                             std::tuple{1, 200, 20, 3}, std::tuple{0, 200, 20, 4}}) {
    // With YFUSE = 0 the options (and so the cached build) of the test above.
    const std::string opts =
        std::string("-DWG=64 -DNB=8 -DCOLS=16 -DRTEAM=8 -DFCOLS=4 -DFMAXN=48") + (yfuse ? " -DYFUSE=1" : "");
    EnvGuard env("LAI_SVD_BIDIAG_OPTIONS", opts.c_str());
    expect_launches_per_column(m, n, per_col, g,
                               std::to_string(m) + "x" + std::to_string(n) + " YFUSE " + std::to_string(yfuse));
  }
}

// YMAXN: the three-launch variant only while both sides are at most YMAXN
// (here 48), four launches above (a tall matrix whose short side is small
// too), with FCOLS = 0; the results meet the ratio bound either way.
TEST(SvdGpu, ThreeLaunchVariantOnlyUpToYmaxn) {
  EnvGuard opts("LAI_SVD_BIDIAG_OPTIONS", "-DWG=64 -DNB=8 -DCOLS=16 -DRTEAM=8 -DYFUSE=1 -DYMAXN=48");
  std::mt19937_64 g(24);
  for (const auto& [m, n, per_col] : {std::tuple{40, 30, 3}, std::tuple{48, 48, 3}, std::tuple{49, 30, 4},
                                      std::tuple{200, 20, 4}}) {
    expect_launches_per_column(m, n, per_col, g, std::to_string(m) + "x" + std::to_string(n));
  }
}

// LAI_SVD_PROFILE=2: the column loop's kernels per band of 512 columns
// ("name@b"). At n = 520 band 0 holds columns 0..511 and band 1 the other
// 8, the last of them (i = n-1) the lone larfg; the panel's GEMMs stay
// unbanded; with LAI_SVD_PROFILE=1 no name has a band.
TEST(SvdGpu, ProfileBandsSplitTheColumnLoop) {
  std::mt19937_64 g(23);
  const int n = 520;
  const Mat<double> A0 = svdtest::random_matrix<double>(n, n, 1.0, g);
  for (const char* mode : {"2", "1"}) {
    EnvGuard env("LAI_SVD_PROFILE", mode);
    Mat<double> A = A0;
    std::vector<double> s(n);
    lai::svd::GpuSvdStageTimes t;
    int info = -1;
    lai::svd::gesvd_opencl<double>('N', 'N', n, n, A.a.data(), n, s.data(), nullptr, 1, nullptr, 1, &info, &t);
    ASSERT_EQ(info, 0);
    std::map<std::string, long long> launches;
    for (const auto& k : t.kernels) launches[k.name] = k.launches;
    if (launches.empty()) GTEST_SKIP() << "no profiling queue on this device";
    const std::string gemv_t = "lai_svd_bidiag_f64_onestage_larfg_gemv_t",
                      larfg = "lai_svd_bidiag_f64_onestage_larfg";
    if (std::string(mode) == "2") {
      EXPECT_EQ(launches[gemv_t + "@0"], 512);
      EXPECT_EQ(launches[gemv_t + "@1"], n - 1 - 512);
      EXPECT_EQ(launches[larfg + "@1"], 1);
      EXPECT_EQ(launches.count(gemv_t), 0u);
      EXPECT_EQ(launches["gemm"], (n - 1) / 32) << "one GEMM per panel boundary (NB 32)";
    } else {
      EXPECT_EQ(launches[gemv_t], n - 1);
      for (const auto& [name, count] : launches) EXPECT_EQ(name.find('@'), std::string::npos) << name;
    }
  }
}

// The bidiagonal SVD with vectors: bdsdc_hybrid when LAI_SVD_DC=hybrid (its
// merges counted in the stage times), LAPACK ?bdsdc with LAI_SVD_DC=lapack
// (no merges counted) and by default on a CPU device such as PoCL; the
// results meet the ratio bound either way.
TEST(SvdGpu, BidiagonalSvdRoutineFollowsLaiSvdDc) {
  std::mt19937_64 g(12);
  const Mat<double> A0 = svdtest::random_matrix<double>(120, 90, 1.0, g);
  // LAI_SVD_DC, then with merges from 16 rows on the device: U_B and V_B
  // kept there (dc_device.h), or not with LAI_SVD_DC_DEVICE=0.
  // With them there, Q_B and P_B formed first (default) or applied after
  // (LAI_SVD_BACK_FIRST=0).
  struct Case {
    const char* dc;
    const char* gpu_min;
    const char* on_device;
    const char* back_first;
  };
  for (const Case c : {Case{"hybrid", "", "", ""}, Case{"lapack", "", "", ""}, Case{"", "", "", ""},
                       Case{"hybrid", "16", "", ""}, Case{"hybrid", "16", "", "0"}, Case{"hybrid", "16", "0", ""}}) {
    setenv("LAI_SVD_DC", c.dc, 1);
    setenv("LAI_SVD_DC_LEAF", "8", 1);
    setenv("LAI_SVD_DC_GPU_MIN", c.gpu_min, 1);
    setenv("LAI_SVD_DC_DEVICE", c.on_device, 1);
    setenv("LAI_SVD_BACK_FIRST", c.back_first, 1);
    const std::string what = std::string("LAI_SVD_DC=") + c.dc + " GPU_MIN=" + c.gpu_min + " DEVICE=" + c.on_device +
                             " BACK_FIRST=" + c.back_first;
    const ThinSvd o = thin_svd(A0, 120, 90);
    const lai::svd::GpuSvdStageTimes& t = o.t;
    const int info = o.info;
    const std::vector<double>&s = o.s, &U = o.U, &VT = o.VT;
    for (const char* v : {"LAI_SVD_DC", "LAI_SVD_DC_LEAF", "LAI_SVD_DC_GPU_MIN", "LAI_SVD_DC_DEVICE", "LAI_SVD_BACK_FIRST"})
      unsetenv(v);
    EXPECT_EQ(info, 0);
    if (std::string(c.dc) == "hybrid") {
      EXPECT_GE(t.dc.merges, 7) << "90 rows in leaves of at most 8: at least 7 merges";
    } else {
      EXPECT_EQ(t.dc.merges, 0) << what;
    }
    const bool device_expected = std::string(c.gpu_min) == "16" && std::string(c.on_device) != "0";
    EXPECT_EQ(t.vectors_on_device, device_expected) << what;
    if (device_expected) {
      EXPECT_GE(t.dc.gpu_merges, 3) << what << ": merges of 16 rows and more on the device";
    }
    const svdtest::Ratios r = svdtest::ratios(A0, s.data(), U.data(), 120, 90, VT.data(), 90, 90);
    EXPECT_LT(r.usv, svdtest::kThreshold) << what;
    EXPECT_LT(r.u, svdtest::kThreshold) << what;
    EXPECT_LT(r.vt, svdtest::kThreshold) << what;
  }
}

// The back-transformation's blocks applied from their first row on
// (views of Z and V; gesvd_opencl.cpp) against all rows (LAI_SVD_BACK_ROWS=
// all): both pass the ratios, U and VT agree to 1e-12 entrywise (the same
// products, fewer zero terms), and views were taken where the device's
// alignment allows them (PoCL: yes; checked, so that the test covers them).
TEST(SvdGpu, BackTransformationRowViews) {
  std::mt19937_64 g(21);
  const int m = 300, n = 260;
  const Mat<double> A0 = svdtest::random_matrix<double>(m, n, 1.0, g);
  std::vector<double> Us[2], VTs[2];
  long long views[2] = {0, 0};
  for (int all = 0; all < 2; ++all) {
    if (all == 1) setenv("LAI_SVD_BACK_ROWS", "all", 1);
    const ThinSvd o = thin_svd(A0, m, n);
    const lai::svd::GpuSvdStageTimes& t = o.t;
    const int info = o.info;
    const std::vector<double>&s = o.s, &U = o.U, &VT = o.VT;
    unsetenv("LAI_SVD_BACK_ROWS");
    ASSERT_EQ(info, 0);
    const svdtest::Ratios r = svdtest::ratios(A0, s.data(), U.data(), m, n, VT.data(), n, n);
    EXPECT_LT(r.usv, svdtest::kThreshold) << all;
    EXPECT_LT(r.u, svdtest::kThreshold) << all;
    EXPECT_LT(r.vt, svdtest::kThreshold) << all;
    Us[all] = U;
    VTs[all] = VT;
    views[all] = t.back_row_views;
  }
  EXPECT_GT(views[0], 0) << "no block of reflectors took the row views";
  EXPECT_EQ(views[1], 0);
  const double du = max_abs_diff(Us[0], Us[1]), dv = max_abs_diff(VTs[0], VTs[1]);
  EXPECT_LT(du, 1e-12);
  EXPECT_LT(dv, 1e-12);
}

// Q_B and P_B formed first (the device-resident divide and conquer, forced
// here with merges from 16 rows): each block's T by the parallel
// larft_diag + larft_merge (default) against the one-group larft
// (LAI_SVD_LARFT=serial), and its products on Z's columns from p on
// against all columns (LAI_SVD_BACK_ROWS=all, which also drops the row
// views). Blocks of 64 (PoCL's tile unit), 192 (LAI_SVD_BACK_NB=150:
// six diagonal blocks of 32, so the last level joins 128 with 64) and 256
// reflectors. Both pass the ratios and agree to 1e-12 entrywise (the same
// T and products, other summation orders and fewer zero terms).
// The divide and conquer's merges from 16 rows on the device, so that Q_B
// and P_B are formed first (the guards unset the variables however the test
// ends).
struct DcOnDevice {
  EnvGuard dc{"LAI_SVD_DC", "hybrid"}, leaf{"LAI_SVD_DC_LEAF", "32"}, gpu_min{"LAI_SVD_DC_GPU_MIN", "16"};
};

TEST(SvdGpu, BackTransformationBlockedLarftAndColumns) {
  std::mt19937_64 g(29);
  const int m = 420, n = 400;
  const Mat<double> A0 = svdtest::random_matrix<double>(m, n, 1.0, g);
  const DcOnDevice dc;
  for (const char* nb : {"", "150", "256"}) {
    const EnvGuard back_nb("LAI_SVD_BACK_NB", nb);
    std::vector<double> Us[2], VTs[2];
    long long cols[2] = {0, 0};
    for (int ref = 0; ref < 2; ++ref) {
      std::optional<EnvGuard> serial, all_rows;
      if (ref == 1) {
        serial.emplace("LAI_SVD_LARFT", "serial");
        all_rows.emplace("LAI_SVD_BACK_ROWS", "all");
      }
      const ThinSvd o = thin_svd(A0, m, n);
      ASSERT_EQ(o.info, 0) << nb;
      EXPECT_TRUE(o.t.vectors_on_device) << nb;
      const svdtest::Ratios r = svdtest::ratios(A0, o.s.data(), o.U.data(), m, n, o.VT.data(), n, n);
      EXPECT_LT(r.usv, svdtest::kThreshold) << nb << " " << ref;
      EXPECT_LT(r.u, svdtest::kThreshold) << nb << " " << ref;
      EXPECT_LT(r.vt, svdtest::kThreshold) << nb << " " << ref;
      Us[ref] = o.U;
      VTs[ref] = o.VT;
      cols[ref] = o.t.back_col_views;
    }
    EXPECT_GT(cols[0], 0) << nb << ": no block took the column views";
    EXPECT_EQ(cols[1], 0) << nb;
    const double du = max_abs_diff(Us[0], Us[1]), dv = max_abs_diff(VTs[0], VTs[1]);
    EXPECT_LT(du, 1e-12) << nb;
    EXPECT_LT(dv, 1e-12) << nb;
  }
}

// The SVD's products with the split-K tail of their last wave (gemm_tail.h),
// as the H200 runs them (f64 always, f32 through the table's
// svd_groups_per_cu): with LAI_GEMM_WAVE=16 PoCL's 64 x 64 tiles make the
// back-transformation's G = V^T V and W = V^T Z of the blocks with K >= 256
// split their K in two (8 tails here, counted once by hand);
// LAI_GEMM_WAVE=0 keeps every wave whole. Both pass the ratios and agree to
// 1e-12 entrywise (the same sums in other orders).
TEST(SvdGpu, ProductsWithSplitKTails) {
  std::mt19937_64 g(31);
  const int m = 300, n = 280;
  const Mat<double> A0 = svdtest::random_matrix<double>(m, n, 1.0, g);
  const DcOnDevice dc;
  std::vector<double> Us[2], VTs[2], ss[2];
  for (int whole = 0; whole < 2; ++whole) {
    const EnvGuard wave("LAI_GEMM_WAVE", whole == 1 ? "0" : "16");
    const ThinSvd o = thin_svd(A0, m, n);
    ASSERT_EQ(o.info, 0) << whole;
    const svdtest::Ratios r = svdtest::ratios(A0, o.s.data(), o.U.data(), m, n, o.VT.data(), n, n);
    EXPECT_LT(r.usv, svdtest::kThreshold) << whole;
    EXPECT_LT(r.u, svdtest::kThreshold) << whole;
    EXPECT_LT(r.vt, svdtest::kThreshold) << whole;
    Us[whole] = o.U;
    VTs[whole] = o.VT;
    ss[whole] = o.s;
  }
  const double du = max_abs_diff(Us[0], Us[1]), dv = max_abs_diff(VTs[0], VTs[1]),
               ds = max_abs_diff(ss[0], ss[1]) / ss[0][0];
  EXPECT_LT(du, 1e-12);
  EXPECT_LT(dv, 1e-12);
  EXPECT_LT(ds, 1e-14);
}

// The panels' trailing update with its inner dimension 2 NB padded to the
// GEMM leaf's K tile (default) and to the tile unit (LAI_SVD_TRAIL_K=unit,
// the old padding): NB = 8 makes 2 NB = 16 one K tile of PoCL's leaf but a
// quarter of its 64-unit, so the two differ in the padded operands' size
// only. Both pass the ratios; the padding adds exact zeros, so s and U
// agree to rounding.
TEST(SvdGpu, TrailingUpdateKPadding) {
  std::mt19937_64 g(23);
  const int m = 120, n = 100;
  const Mat<double> A0 = svdtest::random_matrix<double>(m, n, 1.0, g);
  EnvGuard nb("LAI_SVD_BIDIAG_OPTIONS", "-DNB=8");
  std::vector<double> ss[2], Us[2];
  for (int unit = 0; unit < 2; ++unit) {
    if (unit == 1) setenv("LAI_SVD_TRAIL_K", "unit", 1);
    const ThinSvd o = thin_svd(A0, m, n);
    unsetenv("LAI_SVD_TRAIL_K");
    ASSERT_EQ(o.info, 0);
    const svdtest::Ratios r = svdtest::ratios(A0, o.s.data(), o.U.data(), m, n, o.VT.data(), n, n);
    EXPECT_LT(r.usv, svdtest::kThreshold) << unit;
    EXPECT_LT(r.u, svdtest::kThreshold) << unit;
    EXPECT_LT(r.vt, svdtest::kThreshold) << unit;
    ss[unit] = o.s;
    Us[unit] = o.U;
  }
  const double ds = max_abs_diff(ss[0], ss[1]) / ss[0][0], du = max_abs_diff(Us[0], Us[1]);
  EXPECT_LT(ds, 1e-13);
  EXPECT_LT(du, 1e-11);
}

// LAI_SVD_DC other than hybrid/lapack: an error naming it, also under AUTO
// (the caller's mistake, not a device failure to fall back from), nothing
// written. LAI_SVD_DC_LEAF that is not an integer >= 1: ignored (default
// leaves of 256 rows: no merge at n = 90).
TEST(SvdGpu, LaiSvdDcValuesChecked) {
  std::mt19937_64 g(13);
  const Mat<double> A0 = svdtest::random_matrix<double>(60, 50, 1.0, g);
  setenv("LAI_SVD_DC", "Divide", 1);
  setenv("LAI_SVD_GPU_MIN", "1", 1);
  for (lai_backend b : {LAI_BACKEND_OPENCL, LAI_BACKEND_AUTO}) {
    const lai_svd_options o{b, LAI_SVD_DRIVER_AUTO};
    Mat<double> A = A0;
    std::vector<double> s(50, -3.0), U(60 * 50, -3.0), VT(50 * 50, -3.0);
    int info = -1;
    EXPECT_EQ(lai_dgesvd_ex('S', 'S', 60, 50, A.a.data(), 60, s.data(), U.data(), 60, VT.data(), 50, &info, &o),
              LAI_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(lai_last_error()).find("LAI_SVD_DC=\"Divide\" must be hybrid or lapack"), std::string::npos)
        << lai_last_error();
    EXPECT_TRUE(std::all_of(s.begin(), s.end(), [](double v) { return v == -3.0; }));
    EXPECT_TRUE(std::all_of(U.begin(), U.end(), [](double v) { return v == -3.0; }));
  }
  unsetenv("LAI_SVD_GPU_MIN");
  setenv("LAI_SVD_DC", "HYBRID", 1);
  for (const char* leaf : {"abc", "0", "8x"}) {
    setenv("LAI_SVD_DC_LEAF", leaf, 1);
    Mat<double> A = A0;
    std::vector<double> s(50), U(60 * 50), VT(50 * 50);
    lai::svd::GpuSvdStageTimes t;
    int info = -1;
    lai::svd::gesvd_opencl<double>('S', 'S', 60, 50, A.a.data(), 60, s.data(), U.data(), 60, VT.data(), 50, &info,
                                   &t);
    EXPECT_EQ(info, 0);
    EXPECT_EQ(t.dc.merges, 0) << "LAI_SVD_DC_LEAF=" << leaf << " should be ignored";
  }
  unsetenv("LAI_SVD_DC_LEAF");
  unsetenv("LAI_SVD_DC");
}

// Timing of the bidiagonalization (values only, f64) for the sizes in
// LAI_SVD_GPU_TIMING_N (comma separated, e.g. 512,1024); skipped without it.
// Prints the stage time, the launches and the launches per column, so that a
// change of the kernels can be measured on any device (PoCL here).
TEST(SvdGpu, BidiagTimingFromEnv) {
  const char* env = std::getenv("LAI_SVD_GPU_TIMING_N");
  if (env == nullptr || *env == '\0') GTEST_SKIP() << "set LAI_SVD_GPU_TIMING_N=512,1024 to time";
  std::string list = env;
  for (std::size_t pos = 0; pos < list.size();) {
    const std::size_t comma = std::min(list.find(',', pos), list.size());
    const int n = std::atoi(list.substr(pos, comma - pos).c_str());
    pos = comma + 1;
    if (n <= 0) continue;
    std::mt19937_64 g(5);
    const Mat<double> A0 = svdtest::random_matrix<double>(n, n, 1.0, g);
    std::vector<double> s(n);
    for (int rep = 0; rep < 3; ++rep) {  // the first call also builds the program
      Mat<double> A = A0;
      lai::svd::GpuSvdStageTimes t;
      int info = -1;
      lai::svd::gesvd_opencl<double>('N', 'N', n, n, A.a.data(), n, s.data(), nullptr, 1, nullptr, 1, &info, &t);
      ASSERT_EQ(info, 0);
      std::cout << "n=" << n << " rep " << rep << ": bidiagonalize " << t.bidiagonalize << " s, host "
                << t.host_bidiag_svd << " s, total " << t.total << " s, " << t.launches << " launches ("
                << static_cast<double>(t.launches) / n << " per column)\n";
    }
  }
}

}  // namespace

namespace {

// The two-stage values-only route (band_opencl.h) forced with
// LAI_SVD_TWO_STAGE=1 on the zoo's kinds and shapes, values only, under
// three sets of band options: the spec's defaults (B 8, RB 128: one tree
// level below 129 rows), B 16, and B 4 with leaf blocks of 16 rows (trees of
// three levels at 150-200 rows, both orientations, n not a multiple of B).
// Bound: LAPACK's ?gesdd values within 50 min(m,n) ulp s_max; sorted,
// non-negative; the path names the route; the caller's padding untouched.
// Then LAI_SVD_TWO_STAGE=0 gives the one-stage path back.
template <class T>
void run_two_stage_zoo(const char* dtype) {
  std::mt19937_64 g(20261122);
  const lai_svd_options gpu{LAI_BACKEND_OPENCL, LAI_SVD_DRIVER_AUTO};
  const std::pair<const char*, int> option_sets[] = {
      {"", 8}, {"-DB=16 -DRB=128 -DTILE=16", 16}, {"-DB=4 -DRB=16 -DTILE=6", 4}};
  setenv("LAI_SVD_TWO_STAGE", "1", 1);
  for (const auto& [opts, band] : option_sets) {
    if (*opts != '\0') {
      setenv("LAI_SVD_BAND_OPTIONS", opts, 1);
    } else {
      unsetenv("LAI_SVD_BAND_OPTIONS");
    }
    double worst = 0;
    for (const char* kind : kKinds) {
      for (const Shape& c : kShapes) {
        const int m = c.m, n = c.n, k = std::min(m, n);
        const Mat<T> A0 = svdtest::zoo_matrix<T>(kind, m, n, g);
        const std::vector<T> s_ref = lapack_values(A0);
        const std::string what = std::string(dtype) + " " + kind + " " + std::to_string(m) + "x" + std::to_string(n) +
                                 " band options '" + opts + "'";
        const int lda = m + 3;
        std::vector<T> Ap(static_cast<std::size_t>(lda) * n, T(-7));
        for (int j = 0; j < n; ++j)
          for (int i = 0; i < m; ++i) Ap[i + static_cast<std::size_t>(j) * lda] = A0(i, j);
        std::vector<T> s(k + 1, T(-1));
        T dummy = 0;
        int info = -99;
        const lai_status st = gesvd<T>('N', 'N', m, n, Ap.data(), lda, s.data(), &dummy, 1, &dummy, 1, &info, &gpu);
        ASSERT_EQ(st, LAI_SUCCESS) << what << ": " << lai_last_error();
        ASSERT_EQ(info, 0) << what;
        EXPECT_EQ(std::string(lai_svd_last_path()), "opencl:two-stage(b=" + std::to_string(band) + ")") << what;
        EXPECT_EQ(s[k], T(-1)) << what << ": s written past min(m, n)";
        for (int j = 0; j < n; ++j)
          for (int i = m; i < lda; ++i) ASSERT_EQ(Ap[i + static_cast<std::size_t>(j) * lda], T(-7)) << what;
        const double smax = k > 0 ? std::max<double>(s_ref[0], std::numeric_limits<T>::min()) : 1;
        double ds = 0;
        for (int i = 0; i < k; ++i) {
          EXPECT_GE(s[i], T(0)) << what;
          if (i > 0) {
            EXPECT_LE(s[i], s[i - 1]) << what;
          }
          ds = std::max(ds, std::fabs(double(s[i]) - double(s_ref[i])) / (smax * k * svdtest::ulp<T>()));
        }
        EXPECT_LT(ds, svdtest::kThreshold) << what << ": singular values differ from LAPACK's";
        worst = std::max(worst, ds);
      }
    }
    std::cout << dtype << " two-stage (band options '" << opts << "') worst value ratio: " << worst << "\n";
  }
  unsetenv("LAI_SVD_BAND_OPTIONS");
  setenv("LAI_SVD_TWO_STAGE", "0", 1);
  Mat<T> A = svdtest::zoo_matrix<T>("random", 60, 50, g);
  std::vector<T> s(50);
  T dummy = 0;
  int info = 0;
  ASSERT_EQ(gesvd<T>('N', 'N', 60, 50, A.a.data(), A.ld(), s.data(), &dummy, 1, &dummy, 1, &info, &gpu), LAI_SUCCESS);
  EXPECT_EQ(std::string(lai_svd_last_path()), "opencl:gebrd");
  unsetenv("LAI_SVD_TWO_STAGE");
}

}  // namespace

TEST(SvdGpu, TwoStageValuesZooF64) { run_two_stage_zoo<double>("f64"); }
TEST(SvdGpu, TwoStageValuesZooF32) { run_two_stage_zoo<float>("f32"); }

// The two-stage route's kernels fail to build (B = 3 trips their #error):
// AUTO falls back to the CPU naming the rule and gets LAPACK's values; the
// forced GPU reports LAI_ERROR_OPENCL_BUILD, writes nothing to s, leaves A.
TEST(SvdGpu, TwoStageBuildFailureFallsBackOrReports) {
  std::mt19937_64 g(11);
  const Mat<double> A0 = svdtest::random_matrix<double>(60, 50, 1.0, g);
  const std::vector<double> s_ref = lapack_values(A0);
  EnvGuard e("LAI_SVD_GPU_MIN", "1"), t("LAI_SVD_TWO_STAGE", "1"), o("LAI_SVD_BAND_OPTIONS", "-DB=3");
  double dummy = 0;
  int info = 0;
  {
    const lai_svd_options aut{LAI_BACKEND_AUTO, LAI_SVD_DRIVER_AUTO};
    Mat<double> A = A0;
    std::vector<double> s(50, -1.0);
    ASSERT_EQ(lai_dgesvd_ex('N', 'N', 60, 50, A.a.data(), 60, s.data(), &dummy, 1, &dummy, 1, &info, &aut), LAI_SUCCESS)
        << lai_last_error();
    EXPECT_EQ(std::string(lai_svd_last_path()), "cpu:dgesdd");
    const std::string why = lai_svd_fallback_reason();
    EXPECT_NE(why.find("OpenCL GPU SVD failed"), std::string::npos) << why;
    EXPECT_NE(why.find("B (bandwidth) must be even"), std::string::npos) << why;
    for (int i = 0; i < 50; ++i) EXPECT_NEAR(s[i], s_ref[i], 50 * 50 * svdtest::ulp<double>() * s_ref[0]);
  }
  {
    const lai_svd_options gpu{LAI_BACKEND_OPENCL, LAI_SVD_DRIVER_AUTO};
    Mat<double> A = A0;
    std::vector<double> s(50, -1.0);
    EXPECT_EQ(lai_dgesvd_ex('N', 'N', 60, 50, A.a.data(), 60, s.data(), &dummy, 1, &dummy, 1, &info, &gpu),
              LAI_ERROR_OPENCL_BUILD)
        << lai_last_error();
    EXPECT_NE(std::string(lai_last_error()).find("nothing was written"), std::string::npos) << lai_last_error();
    for (double x : s) ASSERT_EQ(x, -1.0);
    EXPECT_EQ(A.a, A0.a);
  }
}
