// lai_dgesvd_batched / lai_sgesvd_batched (one-sided Jacobi) on the CPU and
// with the generated OpenCL kernel on whatever device there is (PoCL in CI;
// the default variant is team, the others are forced below),
// each matrix against LAPACK's dgesdd: singular values within
// 50 * max(m,n) * eps * s_max of LAPACK's, LAPACK's ratios (svd_check.h,
// bound 50) for U and VT; then the error paths.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "lapack_ai/lapack_ai.h"
#include "svd_check.h"

namespace {

using svdtest::Mat;

bool have_device() { return lai_opencl_init() == LAI_SUCCESS; }

template <class T>
lai_status batched(std::size_t count, int m, int n, const T* A, int lda, std::size_t sa, T* s, std::size_t ss, T* U,
                   int ldu, std::size_t su, T* VT, int ldvt, std::size_t svt, const lai_jacobi_options* o) {
  if constexpr (std::is_same_v<T, double>) return lai_dgesvd_batched(count, m, n, A, lda, sa, s, ss, U, ldu, su, VT, ldvt, svt, o);
  else return lai_sgesvd_batched(count, m, n, A, lda, sa, s, ss, U, ldu, su, VT, ldvt, svt, o);
}

// Matrix b of the batch: random, graded (1 .. 1e-6), rank-deficient, zero,
// identity-like, in turn.
template <class T>
Mat<T> member(std::size_t b, int m, int n, std::mt19937_64& g) {
  const int k = std::min(m, n);
  switch (b % 5) {
    case 1: {
      std::vector<double> sv(k);
      for (int i = 0; i < k; ++i) sv[i] = std::pow(10.0, k == 1 ? 0.0 : -6.0 * i / (k - 1));
      return svdtest::with_singular_values<T>(m, n, sv, 1.0, g);
    }
    case 2: {
      std::vector<double> sv(k, 0.0);
      for (int i = 0; i < (k + 1) / 2; ++i) sv[i] = 3.0 - i * 0.1;
      return svdtest::with_singular_values<T>(m, n, sv, 1.0, g);
    }
    case 3: return Mat<T>(m, n);
    case 4: {
      Mat<T> A(m, n);
      for (int i = 0; i < k; ++i) A(i, i) = static_cast<T>(i + 1);
      return A;
    }
    default: return svdtest::random_matrix<T>(m, n, 1.0, g);
  }
}

template <class T>
void check_against_lapack(lai_backend backend, int m, int n, std::size_t count, const std::string& label) {
  std::mt19937_64 g(static_cast<unsigned>(m * 1000 + n));
  const int k = std::min(m, n);
  const int lda = m + 2, ldu = m + 1, ldvt = k + 1;
  const std::size_t sa = static_cast<std::size_t>(lda) * n + 3, ss = k + 1, su = static_cast<std::size_t>(ldu) * k,
                    svt = static_cast<std::size_t>(ldvt) * n;
  std::vector<Mat<T>> mats;
  std::vector<T> A(sa * count, T(0));
  for (std::size_t b = 0; b < count; ++b) {
    mats.push_back(member<T>(b, m, n, g));
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) A[b * sa + i + static_cast<std::size_t>(j) * lda] = mats.back()(i, j);
  }
  const std::vector<T> A_before = A;
  std::vector<T> s(ss * count, T(-3)), U(su * count, T(-3)), VT(svt * count, T(-3));
  lai_jacobi_options o{0.0, 0, backend};
  const lai_status st = batched<T>(count, m, n, A.data(), lda, sa, s.data(), ss, U.data(), ldu, su, VT.data(), ldvt, svt, &o);
  ASSERT_EQ(st, LAI_SUCCESS) << label << ": " << lai_last_error();
  EXPECT_EQ(A, A_before) << label << ": A modified";
  EXPECT_STREQ(lai_svd_last_path(), backend == LAI_BACKEND_OPENCL ? "opencl:jacobi" : "cpu:jacobi");
  double worst_s = 0, worst_usv = 0, worst_u = 0, worst_vt = 0;
  for (std::size_t b = 0; b < count; ++b) {
    const std::string what = label + " matrix " + std::to_string(b);
    // LAPACK's singular values of the same matrix.
    Mat<T> L = mats[b];
    std::vector<T> sl(k), dummy(1);
    if constexpr (std::is_same_v<T, double>)
      ASSERT_EQ(LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', m, n, L.a.data(), L.ld(), sl.data(), dummy.data(), 1, dummy.data(), 1), 0);
    else
      ASSERT_EQ(LAPACKE_sgesdd(LAPACK_COL_MAJOR, 'N', m, n, L.a.data(), L.ld(), sl.data(), dummy.data(), 1, dummy.data(), 1), 0);
    const T* sb = s.data() + b * ss;
    const double smax = std::max<double>(sl[0], std::numeric_limits<double>::min());
    for (int i = 0; i < k; ++i) {
      const double e = std::fabs(double(sb[i]) - double(sl[i])) / (smax * std::max(m, n) * svdtest::ulp<T>());
      worst_s = std::max(worst_s, e);
      EXPECT_LT(e, svdtest::kThreshold) << what << ": s[" << i << "] = " << sb[i] << ", LAPACK " << sl[i];
    }
    const svdtest::Ratios r = svdtest::ratios(mats[b], sb, U.data() + b * su, ldu, k, VT.data() + b * svt, ldvt, k);
    EXPECT_TRUE(r.sorted) << what;
    EXPECT_LT(r.usv, svdtest::kThreshold) << what;
    EXPECT_LT(r.u, svdtest::kThreshold) << what;
    EXPECT_LT(r.vt, svdtest::kThreshold) << what;
    worst_usv = std::max(worst_usv, r.usv);
    worst_u = std::max(worst_u, r.u);
    worst_vt = std::max(worst_vt, r.vt);
    // Gaps between the matrices' outputs are not written.
    if (b + 1 < count) {
      ASSERT_EQ(s[b * ss + k], T(-3)) << what;
    }
  }
  std::printf("  %-34s count %3zu  |s-s_lapack| %7.3f  |A-USV'| %7.3f  |I-U'U| %7.3f  |I-VV'| %7.3f\n", label.c_str(),
              count, worst_s, worst_usv, worst_u, worst_vt);
}

struct Shape {
  int m, n;
};
const Shape kShapes[] = {{4, 4}, {8, 8}, {16, 16}, {32, 32}, {12, 5}, {5, 12}, {40, 7}, {1, 6}, {6, 1}};

template <class T>
void all_shapes(lai_backend backend, const char* tag) {
  for (const Shape& sh : kShapes) {
    check_against_lapack<T>(backend, sh.m, sh.n, 11,
                            std::string(tag) + " " + std::to_string(sh.m) + "x" + std::to_string(sh.n));
  }
}

TEST(SvdBatched, CpuAgainstLapackF64) { all_shapes<double>(LAI_BACKEND_CPU, "cpu f64"); }
TEST(SvdBatched, CpuAgainstLapackF32) { all_shapes<float>(LAI_BACKEND_CPU, "cpu f32"); }

TEST(SvdBatched, OpenclAgainstLapackF64) {
  if (!have_device()) GTEST_SKIP() << "no OpenCL device: " << lai_last_error();
  all_shapes<double>(LAI_BACKEND_OPENCL, "opencl f64");
}
TEST(SvdBatched, OpenclAgainstLapackF32) {
  if (!have_device()) GTEST_SKIP() << "no OpenCL device: " << lai_last_error();
  all_shapes<float>(LAI_BACKEND_OPENCL, "opencl f32");
}
// Larger matrices on the CPU: convergence with the default threshold.
TEST(SvdBatched, CpuLargerMatrices) {
  check_against_lapack<double>(LAI_BACKEND_CPU, 100, 100, 3, "cpu f64 100x100");
  check_against_lapack<double>(LAI_BACKEND_CPU, 150, 60, 3, "cpu f64 150x60");
  check_against_lapack<float>(LAI_BACKEND_CPU, 60, 150, 3, "cpu f32 60x150");
}

// The variants other than the default (team, by size), forced: global
// (everything in global scratch), team_vglobal (G local, V global) and local
// (one work-item per pair). Same bounds as above.
TEST(SvdBatched, OpenclForcedVariants) {
  if (!have_device()) GTEST_SKIP() << "no OpenCL device: " << lai_last_error();
  for (const char* v : {"global", "team_vglobal"}) {
    ASSERT_EQ(setenv("LAI_SVD_JACOBI_VARIANT", v, 1), 0);
    const std::string tag = std::string("opencl ") + v;
    check_against_lapack<double>(LAI_BACKEND_OPENCL, 16, 16, 7, tag + " f64 16x16");
    check_against_lapack<double>(LAI_BACKEND_OPENCL, 9, 20, 7, tag + " f64 9x20");
    check_against_lapack<float>(LAI_BACKEND_OPENCL, 24, 10, 7, tag + " f32 24x10");
  }
  ASSERT_EQ(setenv("LAI_SVD_JACOBI_VARIANT", "local", 1), 0);
  all_shapes<double>(LAI_BACKEND_OPENCL, "opencl local f64");
  ASSERT_EQ(unsetenv("LAI_SVD_JACOBI_VARIANT"), 0);
  // 64 x 64 f64: G (4096 elements) fits LOCAL_ELEMS = 4096, G and V do not:
  // team_vglobal by itself.
  check_against_lapack<double>(LAI_BACKEND_OPENCL, 64, 64, 3, "opencl f64 64x64 (team_vglobal)");
  check_against_lapack<float>(LAI_BACKEND_OPENCL, 64, 64, 3, "opencl f32 64x64 (team, 8192 elements)");
}

// The team variant with fewer teams than pairs (WG 64, TEAM 16: 4 teams, so
// 2 .. 8 passes per round) and with several matrices per work-group (4 x 4:
// 2 pairs of 8 items, 16 matrices per group of 256; 8 x 8 with 37 matrices:
// the last group partly empty).
TEST(SvdBatched, OpenclTeamShapes) {
  if (!have_device()) GTEST_SKIP() << "no OpenCL device: " << lai_last_error();
  check_against_lapack<double>(LAI_BACKEND_OPENCL, 4, 4, 40, "opencl team f64 4x4 (16 per group)");
  check_against_lapack<double>(LAI_BACKEND_OPENCL, 8, 8, 37, "opencl team f64 8x8 (8 per group)");
  check_against_lapack<float>(LAI_BACKEND_OPENCL, 8, 8, 37, "opencl team f32 8x8 (8 per group)");
  ASSERT_EQ(setenv("LAI_SVD_JACOBI_OPTIONS", "-DWG=64 -DTEAM=16", 1), 0);
  check_against_lapack<double>(LAI_BACKEND_OPENCL, 16, 16, 7, "opencl team WG64 TEAM16 f64 16x16");
  check_against_lapack<double>(LAI_BACKEND_OPENCL, 32, 32, 7, "opencl team WG64 TEAM16 f64 32x32");
  check_against_lapack<double>(LAI_BACKEND_OPENCL, 5, 12, 7, "opencl team WG64 TEAM16 f64 5x12");
  check_against_lapack<double>(LAI_BACKEND_OPENCL, 64, 64, 3, "opencl team_vglobal WG64 TEAM16 f64 64x64");
  ASSERT_EQ(unsetenv("LAI_SVD_JACOBI_OPTIONS"), 0);
}

// NaN in matrix 3: the status and a sentence naming matrix and element;
// nothing written.
TEST(SvdBatched, NanInMatrix3Named) {
  for (lai_backend be : {LAI_BACKEND_CPU, LAI_BACKEND_OPENCL}) {
    if (be == LAI_BACKEND_OPENCL && !have_device()) continue;
    const int m = 6, n = 4;
    std::vector<double> A(5 * m * n, 0.5), s(5 * n, 7.0), U(5 * m * n, 7.0);
    A[3 * m * n + 2 + 1 * m] = std::nan("");  // matrix 3, A(2,1)
    lai_jacobi_options o{0.0, 0, be};
    EXPECT_EQ(lai_dgesvd_batched(5, m, n, A.data(), m, m * n, s.data(), n, U.data(), m, m * n, nullptr, 1, 0, &o),
              LAI_ERROR_NOT_FINITE);
    const std::string msg = lai_last_error();
    EXPECT_NE(msg.find("lai_dgesvd_batched: matrix 3 of the batch (from 0): A(2,1) = NaN"), std::string::npos) << msg;
    for (double x : s) ASSERT_EQ(x, 7.0);
    for (double x : U) ASSERT_EQ(x, 7.0);
  }
}

TEST(SvdBatched, NonConvergenceNamesMatrix) {
  for (lai_backend be : {LAI_BACKEND_CPU, LAI_BACKEND_OPENCL}) {
    if (be == LAI_BACKEND_OPENCL && !have_device()) continue;
    const int n = 16;
    std::mt19937_64 g(3);
    std::vector<double> A(4 * n * n, 0.0), s(4 * n);
    for (int i = 0; i < n; ++i) A[i * (n + 1)] = 1.0 + i;  // matrix 0 diagonal: converges in one sweep
    const Mat<double> R = svdtest::random_matrix<double>(n, n, 1.0, g);
    for (int b = 1; b < 4; ++b) std::copy(R.a.begin(), R.a.end(), A.begin() + b * n * n);
    lai_jacobi_options o{0.0, 1, be};
    EXPECT_EQ(lai_dgesvd_batched(4, n, n, A.data(), n, n * n, s.data(), n, nullptr, 1, 0, nullptr, 1, 0, &o),
              LAI_ERROR_NO_CONVERGENCE);
    const std::string msg = lai_last_error();
    EXPECT_NE(msg.find("matrix 1 of the batch (from 0) did not converge within max_sweeps=1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("3 of 4 matrices"), std::string::npos) << msg;
    EXPECT_NE(msg.find("max_sweeps"), std::string::npos) << msg;
  }
}

TEST(SvdBatched, ArgumentErrors) {
  std::vector<double> A(64, 1.0), s(16, 2.0), U(64, 2.0), VT(64, 2.0);
  auto call = [&](std::size_t count, int m, int n, int lda, std::size_t sa, double* sp, int ldu, std::size_t su,
                  int ldvt, const lai_jacobi_options* o) {
    return lai_dgesvd_batched(count, m, n, A.data(), lda, sa, sp, 4, U.data(), ldu, su, VT.data(), ldvt, 16, o);
  };
  struct Bad {
    lai_status st;
    const char* needle;
  };
  lai_jacobi_options tol_bad{1.5, 0, LAI_BACKEND_CPU}, sweeps_bad{0.0, -1, LAI_BACKEND_CPU};
  const std::pair<lai_status, std::string> got[] = {
      {call(2, -1, 4, 4, 16, s.data(), 4, 16, 4, nullptr), "m=-1"},
      {call(2, 4, 4, 3, 16, s.data(), 4, 16, 4, nullptr), "lda=3 must be >= max(1,m)=4"},
      {call(2, 4, 4, 4, 16, s.data(), 2, 16, 4, nullptr), "ldu=2"},
      {call(2, 4, 4, 4, 16, s.data(), 4, 16, 3, nullptr), "ldvt=3"},
      {call(2, 4, 4, 4, 15, s.data(), 4, 16, 4, nullptr), "stride_a=15 must be >= lda*(n-1)+m=16"},
      {call(2, 4, 4, 4, 16, nullptr, 4, 16, 4, nullptr), "s is NULL"},
      {call(2, 4, 4, 4, 16, s.data(), 4, 12, 4, nullptr), "stride_u=12"},
      {call(2, 4, 4, 4, 16, s.data(), 4, 16, 4, &tol_bad), "options->tol=1.5"},
      {call(2, 4, 4, 4, 16, s.data(), 4, 16, 4, &sweeps_bad), "options->max_sweeps=-1"},
  };
  for (const auto& [st, needle] : got) EXPECT_EQ(st, LAI_ERROR_INVALID_ARGUMENT) << needle;
  // Messages are checked one call at a time (lai_last_error keeps the last).
  EXPECT_EQ(call(2, 4, 4, 4, 15, s.data(), 4, 16, 4, nullptr), LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lai_last_error()).find("lai_dgesvd_batched: stride_a=15 must be >= lda*(n-1)+m=16"),
            std::string::npos)
      << lai_last_error();
  EXPECT_EQ(call(2, 4, 4, 4, 16, s.data(), 4, 16, 4, &tol_bad), LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lai_last_error()).find("options->tol=1.5"), std::string::npos) << lai_last_error();
  for (double x : s) ASSERT_EQ(x, 2.0);
  for (double x : U) ASSERT_EQ(x, 2.0);
  // count 0 and empty matrices: success, nothing touched.
  EXPECT_EQ(lai_dgesvd_batched(0, 4, 4, nullptr, 4, 16, nullptr, 4, nullptr, 4, 16, nullptr, 4, 16, nullptr), LAI_SUCCESS);
  EXPECT_EQ(lai_dgesvd_batched(3, 0, 4, nullptr, 1, 0, nullptr, 0, nullptr, 1, 0, nullptr, 1, 0, nullptr), LAI_SUCCESS);
}

}  // namespace
