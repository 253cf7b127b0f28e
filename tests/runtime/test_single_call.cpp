// The single-call fast path (runtime/src/cpu/fixed.h): which scheme's 4x4
// kernel single calls use, that every layout, transpose, alpha/beta and
// leading dimension gives the right product through it, and that it is taken
// only when it applies (otherwise the general path, with its own messages).
#include <array>
#include <cstring>
#include <string>

#include "test_support.h"

namespace {

using namespace lai_test;

bool has_scheme(const char* name) {
  for (int i = 0; i < lai_scheme_count(); ++i) {
    if (std::strcmp(lai_scheme_name(i), name) == 0) return true;
  }
  return false;
}

// The policy: unset scheme -> the classical 4x4 kernel (when built); an
// explicit lai_set_scheme -> that scheme's; NULL -> back to the policy.
TEST(SingleCall, DefaultIsClassicalExplicitChoiceWins) {
  ASSERT_EQ(lai_set_scheme(nullptr), LAI_SUCCESS);
  const std::string fallback = lai_get_scheme();
  const char* want = has_scheme("classical_4x4x4_r64") ? "classical_4x4x4_r64" : fallback.c_str();
  EXPECT_STREQ(lai_internal_single_call_scheme(), want);
  EXPECT_EQ(lai_get_scheme(), fallback) << "the block/tuned paths keep the build's default scheme";
  for (int i = 0; i < lai_scheme_count(); ++i) {
    SchemeGuard scheme(lai_scheme_name(i));
    EXPECT_STREQ(lai_internal_single_call_scheme(), lai_scheme_name(i));
  }
  EXPECT_STREQ(lai_internal_single_call_scheme(), want) << "SchemeGuard restores the policy";
}

TEST(SingleCall, DefaultSchemesHaveRowMajorKernels) {
  for (int i = 0; i < lai_scheme_count(); ++i) {
    int m = 0, k = 0, n = 0;
    const int bits = lai_internal_scheme_kernels(i, &m, &k, &n);
    SCOPED_TRACE(lai_scheme_name(i));
    // Every generated cpp-4x4 file carries the _rowmajor pair.
    EXPECT_EQ(lai_internal_scheme_has_rowmajor(i, 0), (bits & 1) != 0 ? 1 : 0);
    EXPECT_EQ(lai_internal_scheme_has_rowmajor(i, 1), (bits & 2) != 0 ? 1 : 0);
  }
}

// Every layout x transpose x alpha/beta x leading-dimension combination of a
// 4x4 call, under the default policy: no transposes take the _rowmajor
// kernel (column-major as C^T = B^T A^T), the rest the strided one. Error
// bound: the classical kernel's (kClassicalC, kClassicalA; test_support.h),
// FMA contraction included (it only tightens gamma_{k+2}).
template <class T>
void all_variants() {
  ASSERT_EQ(lai_set_scheme(nullptr), LAI_SUCCESS);
  const bool classical = std::strncmp(lai_internal_single_call_scheme(), "classical_", 10) == 0;
  const double c = classical ? kClassicalC : kFastC, a = classical ? kClassicalA : kFastA;
  const std::array<lai_layout, 2> layouts = {LAI_ROW_MAJOR, LAI_COL_MAJOR};
  const std::array<lai_transpose, 3> trans = {LAI_NO_TRANS, LAI_TRANS, LAI_CONJ_TRANS};
  const double ab[][3] = {{1, 0, 1}, {1, 1, 0}, {-0.5, 2, 0}, {2.5, 0, 1}, {1.5, -1, 0}};
  int i = 0;
  for (lai_layout layout : layouts) {
    for (lai_transpose ta : trans) {
      for (lai_transpose tb : trans) {
        for (const auto& x : ab) {
          for (int pad : {0, 1, 5}) {
            GemmCase g;
            g.layout = layout;
            g.ta = ta;
            g.tb = tb;
            g.m = g.n = g.k = 4;
            g.alpha = x[0];
            g.beta = x[1];
            g.nan_c = x[2] != 0;  // beta = 0 with NaN in C: must not be read
            g.pad_a = pad;
            g.pad_b = pad == 0 ? 0 : 1 + i % 3;
            g.pad_c = pad == 0 ? 0 : 2 + i % 4;
            ++i;
            check_gemm<T>(g, c, a, "fast");
          }
        }
      }
    }
  }
}

TEST(SingleCall, DoubleEveryLayoutTransposeAlphaBeta) { all_variants<double>(); }
TEST(SingleCall, FloatEveryLayoutTransposeAlphaBeta) { all_variants<float>(); }

// Not taken: other shapes, alpha = 0 (quick return), and broken arguments,
// which the general path reports with exactly its usual message.
TEST(SingleCall, OnlyWhenItApplies) {
  ASSERT_EQ(lai_set_scheme(nullptr), LAI_SUCCESS);
  GemmCase g;
  g.m = 4;
  g.n = 4;
  g.k = 5;
  check_gemm<double>(g, kClassicalC, kClassicalA, "blas");
  g.k = 4;
  g.n = 3;
  check_gemm<double>(g, kClassicalC, kClassicalA, "blas");

  double A[16] = {}, B[16] = {}, C[16] = {};
  lai_internal_reset_gemm_path();
  EXPECT_EQ(lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 4, 4, 4, 0.0, A, 4, B, 4, 2.0, C, 4), LAI_SUCCESS);
  EXPECT_STREQ(lai_internal_last_gemm_path(), "quick");

  // Each rule broken once; C must stay untouched and the message is the
  // general path's.
  const double sentinel = 42;
  C[0] = sentinel;
  EXPECT_EQ(lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0, A, 3, B, 4, 0.0, C, 4),
            LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(lai_last_error(), "lai_dgemm: lda=3 must be >= max(1,k)=4 for row-major A without transpose");
  EXPECT_EQ(lai_dgemm(LAI_COL_MAJOR, LAI_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0, A, 4, B, 4, 0.0, C, 3),
            LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(lai_last_error(), "lai_dgemm: ldc=3 must be >= max(1,m)=4 for column-major C");
  EXPECT_EQ(lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0, nullptr, 4, B, 4, 0.0, C, 4),
            LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(lai_last_error(), "lai_dgemm: A is NULL but is read (m=4, n=4, k=4, alpha != 0)");
  EXPECT_EQ(lai_dgemm(static_cast<lai_layout>(7), LAI_NO_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0, A, 4, B, 4, 0.0, C, 4),
            LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(lai_last_error(), "lai_dgemm: layout=7 must be LAI_ROW_MAJOR (101) or LAI_COL_MAJOR (102)");
  EXPECT_EQ(lai_sgemm(LAI_ROW_MAJOR, static_cast<lai_transpose>(114), LAI_NO_TRANS, 4, 4, 4, 1.0f, nullptr, 4,
                      nullptr, 4, 0.0f, nullptr, 4),
            LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(lai_last_error(),
               "lai_sgemm: transa=114 must be LAI_NO_TRANS (111), LAI_TRANS (112) or LAI_CONJ_TRANS (113)");
  EXPECT_EQ(C[0], sentinel);
}

}  // namespace
