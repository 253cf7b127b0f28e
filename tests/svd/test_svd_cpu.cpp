// lai_dgesvd / lai_sgesvd on the CPU path: LAPACK's ratios (svd_check.h,
// bound 50) on a matrix zoo for every job combination, argument checks (the
// sentence names argument, value and rule; nothing written), NaN/Inf, the
// backend choice (per call and LAI_BACKEND), the INFO table.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "lapack_ai/lapack_ai.h"
#include "svd/svd_lapack.h"
#include "svd_check.h"

namespace {

using svdtest::Mat;

template <class T>
lai_status gesvd(char ju, char jv, int m, int n, T* A, int lda, T* s, T* U, int ldu, T* VT, int ldvt, int* info,
                 const lai_svd_options* o = nullptr) {
  if constexpr (std::is_same_v<T, double>) return lai_dgesvd_ex(ju, jv, m, n, A, lda, s, U, ldu, VT, ldvt, info, o);
  else return lai_sgesvd_ex(ju, jv, m, n, A, lda, s, U, ldu, VT, ldvt, info, o);
}

struct Case {
  std::string name;
  int m, n;
};

// The zoo of the issue: random, graded 1 .. 1e-15, rank-deficient, zero,
// identity, 1 x n, n x 1, tall 10:1, wide 1:10, near overflow and underflow
// (matrices: svdtest::zoo_matrix).
const char* kKinds[] = {"random", "graded", "rank-deficient", "zero", "identity", "near-overflow", "near-underflow"};
const Case kShapes[] = {{"square", 40, 40}, {"1 x n", 1, 25},   {"n x 1", 25, 1},    {"tall 10:1", 200, 20},
                        {"wide 1:10", 20, 200}, {"square", 150, 150}, {"5 x 3", 5, 3}};
const char* kJobs[] = {"AA", "SS", "OS", "SO", "NA", "AN", "NN", "OA"};

struct Worst {
  double usv = 0, u = 0, vt = 0, s = 0;
};

template <class T>
void run_zoo(const char* dtype) {
  std::mt19937_64 g(20261121);
  std::map<std::string, Worst> table;
  for (const char* kind : kKinds) {
    for (const Case& c : kShapes) {
      const int m = c.m, n = c.n, k = std::min(m, n);
      const Mat<T> A0 = svdtest::zoo_matrix<T>(kind, m, n, g);
      std::vector<T> s_ref;
      for (const char* job : kJobs) {
        const char ju = job[0], jv = job[1];
        const std::string what = std::string(dtype) + " " + kind + " " + std::to_string(m) + "x" + std::to_string(n) +
                                 " jobu=" + ju + " jobvt=" + jv;
        Mat<T> A = A0;
        const int lda = m + 3;  // a leading dimension larger than m
        std::vector<T> Ap(static_cast<std::size_t>(lda) * n, T(-7));
        for (int j = 0; j < n; ++j)
          for (int i = 0; i < m; ++i) Ap[i + static_cast<std::size_t>(j) * lda] = A0(i, j);
        const int ucols = ju == 'A' ? m : k, vtrows = jv == 'A' ? n : k;
        const int ldu = m + 1, ldvt = vtrows + 2;
        std::vector<T> s(k, T(-1)), U(static_cast<std::size_t>(ldu) * ucols, T(-9)), VT(static_cast<std::size_t>(ldvt) * n, T(-9));
        int info = -99;
        const lai_status st = gesvd<T>(ju, jv, m, n, Ap.data(), lda, s.data(), U.data(), ldu, VT.data(), ldvt, &info);
        ASSERT_EQ(st, LAI_SUCCESS) << what << ": " << lai_last_error();
        ASSERT_EQ(info, 0) << what;
        EXPECT_EQ(std::string(lai_svd_last_path()), std::string(std::is_same_v<T, double> ? "cpu:dgesdd" : "cpu:sgesdd")) << what;
        const T* u = ju == 'A' || ju == 'S' ? U.data() : ju == 'O' ? Ap.data() : nullptr;
        const int lu = ju == 'O' ? lda : ldu;
        const T* vt = jv == 'A' || jv == 'S' ? VT.data() : jv == 'O' ? Ap.data() : nullptr;
        const int lv = jv == 'O' ? lda : ldvt;
        const svdtest::Ratios r = svdtest::ratios(A0, s.data(), u, lu, ju == 'N' ? 0 : ucols, vt, lv, jv == 'N' ? 0 : vtrows);
        EXPECT_TRUE(r.sorted) << what << ": s not non-negative and descending";
        EXPECT_LT(r.usv, svdtest::kThreshold) << what;
        EXPECT_LT(r.u, svdtest::kThreshold) << what;
        EXPECT_LT(r.vt, svdtest::kThreshold) << what;
        // Padding rows of A below m are never touched.
        for (int j = 0; j < n; ++j)
          for (int i = m; i < lda; ++i) ASSERT_EQ(Ap[i + static_cast<std::size_t>(j) * lda], T(-7)) << what;
        // Every job gives the same singular values (ddrvbd's test 4 style).
        double ds = 0;
        if (s_ref.empty()) {
          s_ref = s;
        } else {
          const double smax = k > 0 ? std::max<double>(s_ref[0], std::numeric_limits<T>::min()) : 1;
          for (int i = 0; i < k; ++i) ds = std::max(ds, std::fabs(double(s[i]) - double(s_ref[i])) / (smax * k * svdtest::ulp<T>()));
          EXPECT_LT(ds, svdtest::kThreshold) << what << ": singular values differ from jobu=jobvt='A'";
        }
        Worst& w = table[std::string(kind) + " / " + c.name + (c.name == "square" ? " " + std::to_string(m) : "")];
        w.usv = std::max(w.usv, r.usv);
        w.u = std::max(w.u, r.u);
        w.vt = std::max(w.vt, r.vt);
        w.s = std::max(w.s, ds);
      }
    }
  }
  std::cout << "\nLAPACK ratios (worst over jobs AA SS OS SO NA AN NN OA), " << dtype << ", threshold 50\n"
            << std::left << std::setw(36) << "matrix" << std::right << std::setw(10) << "|A-USV'|" << std::setw(10)
            << "|I-U'U|" << std::setw(10) << "|I-VV'|" << std::setw(10) << "|s-s_A|" << "\n";
  for (const auto& [name, w] : table) {
    std::cout << std::left << std::setw(36) << name << std::right << std::fixed << std::setprecision(3)
              << std::setw(10) << w.usv << std::setw(10) << w.u << std::setw(10) << w.vt << std::setw(10) << w.s
              << "\n";
  }
  std::cout.unsetf(std::ios::fixed);
}

TEST(SvdCpu, ZooRatiosF64) { run_zoo<double>("f64"); }
TEST(SvdCpu, ZooRatiosF32) { run_zoo<float>("f32"); }

TEST(SvdCpu, GesvdDriverAndEmpty) {
  std::mt19937_64 g(7);
  const Mat<double> A0 = svdtest::random_matrix<double>(30, 17, 1.0, g);
  Mat<double> A = A0;
  std::vector<double> s(17), U(30 * 30), VT(17 * 17);
  lai_svd_options o{LAI_BACKEND_CPU, LAI_SVD_DRIVER_GESVD};
  int info = -1;
  ASSERT_EQ(lai_dgesvd_ex('A', 'A', 30, 17, A.a.data(), 30, s.data(), U.data(), 30, VT.data(), 17, &info, &o), LAI_SUCCESS);
  EXPECT_STREQ(lai_svd_last_path(), "cpu:dgesvd");
  const auto r = svdtest::ratios(A0, s.data(), U.data(), 30, 30, VT.data(), 17, 17);
  EXPECT_LT(r.usv, 50);
  EXPECT_LT(r.u, 50);
  EXPECT_LT(r.vt, 50);
  // m = 0 or n = 0: success, nothing touched, NULL arrays allowed.
  EXPECT_EQ(lai_dgesvd('A', 'A', 0, 5, nullptr, 1, nullptr, nullptr, 1, VT.data(), 5, &info), LAI_SUCCESS);
  EXPECT_EQ(lai_dgesvd('N', 'N', 4, 0, nullptr, 4, nullptr, nullptr, 1, nullptr, 1, &info), LAI_SUCCESS);
  EXPECT_EQ(info, 0);
}

// Every argument rule: the status, INFO = -(DGESVD position), a sentence with
// the argument's name and value, and nothing written.
TEST(SvdCpu, ArgumentErrors) {
  struct Bad {
    char ju, jv;
    int m, n, lda, ldu, ldvt;
    bool null_a, null_s, null_u, null_vt;
    int pos;
    const char* needle;
  };
  const Bad bad[] = {
      {'X', 'A', 4, 3, 4, 4, 3, false, false, false, false, 1, "jobu='X'"},
      {'A', 'q', 4, 3, 4, 4, 3, false, false, false, false, 2, "jobvt='q'"},
      {'O', 'o', 4, 3, 4, 4, 3, false, false, false, false, 2, "both 'O'"},
      {'A', 'A', -1, 3, 4, 4, 3, false, false, false, false, 3, "m=-1"},
      {'A', 'A', 4, -2, 4, 4, 3, false, false, false, false, 4, "n=-2"},
      {'A', 'A', 4, 3, 3, 4, 3, false, false, false, false, 6, "lda=3 must be >= max(1,m)=4"},
      {'S', 'A', 4, 3, 4, 3, 3, false, false, false, false, 9, "ldu=3"},
      {'N', 'A', 4, 3, 4, 0, 3, false, false, false, false, 9, "ldu=0"},
      {'A', 'A', 4, 3, 4, 4, 2, false, false, false, false, 11, "ldvt=2 must be >= max(1,n)=3"},
      {'A', 'S', 3, 5, 3, 3, 2, false, false, false, false, 11, "ldvt=2 must be >= max(1,min(m,n))=3"},
      {'A', 'A', 4, 3, 4, 4, 3, true, false, false, false, 5, "A is NULL"},
      {'A', 'A', 4, 3, 4, 4, 3, false, true, false, false, 7, "s is NULL"},
      {'S', 'A', 4, 3, 4, 4, 3, false, false, true, false, 8, "U is NULL"},
      {'A', 'S', 4, 3, 4, 4, 3, false, false, false, true, 10, "VT is NULL"},
  };
  for (const Bad& b : bad) {
    std::vector<double> A(64, 5.0), s(8, 5.0), U(64, 5.0), VT(64, 5.0);
    int info = 0;
    const lai_status st = lai_dgesvd(b.ju, b.jv, b.m, b.n, b.null_a ? nullptr : A.data(), b.lda,
                                     b.null_s ? nullptr : s.data(), b.null_u ? nullptr : U.data(), b.ldu,
                                     b.null_vt ? nullptr : VT.data(), b.ldvt, &info);
    const std::string msg = lai_last_error();
    EXPECT_EQ(st, LAI_ERROR_INVALID_ARGUMENT) << b.needle;
    EXPECT_EQ(info, -b.pos) << b.needle << ": " << msg;
    EXPECT_EQ(msg.rfind("lai_dgesvd: ", 0), 0u) << msg;
    EXPECT_NE(msg.find(b.needle), std::string::npos) << msg;
    for (double x : A) ASSERT_EQ(x, 5.0) << msg;
    for (double x : s) ASSERT_EQ(x, 5.0) << msg;
    for (double x : U) ASSERT_EQ(x, 5.0) << msg;
    for (double x : VT) ASSERT_EQ(x, 5.0) << msg;
  }
  // Lower-case jobs are accepted as by LAPACK.
  std::vector<double> A = {1, 2, 3, 4}, s(2), U(4), VT(4);
  EXPECT_EQ(lai_dgesvd('s', 'a', 2, 2, A.data(), 2, s.data(), U.data(), 2, VT.data(), 2, nullptr), LAI_SUCCESS);
}

TEST(SvdCpu, NanAndInfNamedNothingWritten) {
  for (double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    std::vector<double> A(5 * 4, 1.0), s(4, 3.0), U(25, 3.0), VT(16, 3.0);
    A[2 + 3 * 5] = bad;  // A(2,3)
    int info = 0;
    EXPECT_EQ(lai_dgesvd('A', 'A', 5, 4, A.data(), 5, s.data(), U.data(), 5, VT.data(), 4, &info), LAI_ERROR_NOT_FINITE);
    EXPECT_EQ(info, -5);
    const std::string msg = lai_last_error();
    EXPECT_NE(msg.find("A(2,3) = "), std::string::npos) << msg;
    EXPECT_NE(msg.find(std::isnan(bad) ? "NaN" : "Inf"), std::string::npos) << msg;
    for (double x : s) ASSERT_EQ(x, 3.0);
    for (double x : U) ASSERT_EQ(x, 3.0);
  }
  std::vector<float> A(9, 1.0f), s(3);
  A[4] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(lai_sgesvd('N', 'N', 3, 3, A.data(), 3, s.data(), nullptr, 1, nullptr, 1, nullptr), LAI_ERROR_NOT_FINITE);
  EXPECT_NE(std::string(lai_last_error()).find("lai_sgesvd: A(1,1) = NaN"), std::string::npos) << lai_last_error();
}

// From 2^22 elements the scan splits the columns over threads: the first
// non-finite element in column order is still the one named, whichever part
// finds one first, and nothing is written.
TEST(SvdCpu, NanInLargeMatrixFirstInColumnOrder) {
  const int m = 2100, n = 2000, lda = 2103;
  std::vector<double> A(static_cast<std::size_t>(lda) * n, 0.5), s(static_cast<std::size_t>(n), 3.0);
  A[5 + static_cast<std::size_t>(1999) * lda] = std::nan("");  // last part
  A[7 + static_cast<std::size_t>(1500) * lda] = HUGE_VAL;      // an earlier part: this one is named
  A[2100 + static_cast<std::size_t>(100) * lda] = std::nan("");  // padding row (i = m): never read
  EXPECT_EQ(lai_dgesvd('N', 'N', m, n, A.data(), lda, s.data(), nullptr, 1, nullptr, 1, nullptr), LAI_ERROR_NOT_FINITE);
  EXPECT_NE(std::string(lai_last_error()).find("A(7,1500) = +Inf"), std::string::npos) << lai_last_error();
  for (double x : s) ASSERT_EQ(x, 3.0);
  A[7 + static_cast<std::size_t>(1500) * lda] = 0.5;
  A[5 + static_cast<std::size_t>(1999) * lda] = 0.5;
  A[0] = -HUGE_VAL;  // the very first element, first part
  EXPECT_EQ(lai_dgesvd('N', 'N', m, n, A.data(), lda, s.data(), nullptr, 1, nullptr, 1, nullptr), LAI_ERROR_NOT_FINITE);
  EXPECT_NE(std::string(lai_last_error()).find("A(0,0) = -Inf"), std::string::npos) << lai_last_error();
}

TEST(SvdCpu, BackendChoice) {
  std::vector<double> A = {3, 1, 1, 3}, s(2, -1.0);
  lai_svd_options gpu{LAI_BACKEND_OPENCL, LAI_SVD_DRIVER_AUTO};
  // A forced GPU runs the OpenCL path (PoCL here; test_svd_gpu.cpp checks it).
  EXPECT_EQ(lai_dgesvd_ex('N', 'N', 2, 2, A.data(), 2, s.data(), nullptr, 1, nullptr, 1, nullptr, &gpu), LAI_SUCCESS)
      << lai_last_error();
  EXPECT_EQ(std::string(lai_svd_last_path()), "opencl:gebrd");
  EXPECT_NEAR(s[0], 4.0, 1e-14);
  ASSERT_EQ(setenv("LAI_BACKEND", "gpu", 1), 0);
  A = {3, 1, 1, 3};
  EXPECT_EQ(lai_dgesvd('N', 'N', 2, 2, A.data(), 2, s.data(), nullptr, 1, nullptr, 1, nullptr), LAI_SUCCESS);
  EXPECT_EQ(std::string(lai_svd_last_path()), "opencl:gebrd");
  A = {3, 1, 1, 3};
  lai_svd_options cpu{LAI_BACKEND_CPU, LAI_SVD_DRIVER_AUTO};  // the per-call choice wins
  EXPECT_EQ(lai_dgesvd_ex('N', 'N', 2, 2, A.data(), 2, s.data(), nullptr, 1, nullptr, 1, nullptr, &cpu), LAI_SUCCESS);
  EXPECT_NEAR(s[0], 4.0, 1e-14);
  EXPECT_NEAR(s[1], 2.0, 1e-14);
  ASSERT_EQ(setenv("LAI_BACKEND", "fpga", 1), 0);
  EXPECT_EQ(lai_dgesvd('N', 'N', 2, 2, A.data(), 2, s.data(), nullptr, 1, nullptr, 1, nullptr), LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lai_last_error()).find("LAI_BACKEND=\"fpga\""), std::string::npos) << lai_last_error();
  ASSERT_EQ(setenv("LAI_BACKEND", "CPU", 1), 0);
  A = {3, 1, 1, 3};
  EXPECT_EQ(lai_dgesvd('N', 'N', 2, 2, A.data(), 2, s.data(), nullptr, 1, nullptr, 1, nullptr), LAI_SUCCESS);
  ASSERT_EQ(unsetenv("LAI_BACKEND"), 0);
  lai_svd_options badd{LAI_BACKEND_AUTO, LAI_SVD_DRIVER_AUTO};
  const int nine = 9;  // a value C callers can pass
  std::memcpy(&badd.driver, &nine, sizeof nine);
  EXPECT_EQ(lai_dgesvd_ex('N', 'N', 2, 2, A.data(), 2, s.data(), nullptr, 1, nullptr, 1, nullptr, &badd),
            LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lai_last_error()).find("driver=9"), std::string::npos) << lai_last_error();
}

TEST(SvdCpu, InfoTable) {
  const std::string sdd = lai::svd::info_message("dgesdd", 3);
  EXPECT_NE(sdd.find("dgesdd: the updating process"), std::string::npos) << sdd;
  EXPECT_NE(sdd.find("dbdsdc"), std::string::npos) << sdd;
  EXPECT_NE(sdd.find("(INFO=3)"), std::string::npos) << sdd;
  EXPECT_NE(sdd.find("LAI_SVD_DRIVER_GESVD"), std::string::npos) << sdd;
  const std::string svd = lai::svd::info_message("sgesvd", 2);
  EXPECT_NE(svd.find("sbdsqr"), std::string::npos) << svd;
  EXPECT_NE(svd.find("2 superdiagonal(s)"), std::string::npos) << svd;
  EXPECT_NE(lai::svd::info_message("dgesvd", -7).find("argument 7"), std::string::npos);
  EXPECT_NE(lai::svd::info_message("dgesdd", -4).find("NaN"), std::string::npos);
  EXPECT_STREQ(lai_status_string(LAI_ERROR_NOT_FINITE), "NaN or Inf in the input");
  EXPECT_STREQ(lai_status_string(LAI_ERROR_NO_CONVERGENCE), "no convergence");
}

}  // namespace
