// Every dispatch path of lai_dgemm/lai_sgemm against cblas_dgemm: the
// straight-line kernel, the block kernel, OpenBLAS, and the quick returns.
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using namespace lai_test;

constexpr std::array<lai_layout, 2> kLayouts = {LAI_ROW_MAJOR, LAI_COL_MAJOR};
constexpr std::array<lai_transpose, 3> kTrans = {LAI_NO_TRANS, LAI_TRANS, LAI_CONJ_TRANS};
constexpr std::array<lai_transpose, 2> kTransReal = {LAI_NO_TRANS, LAI_TRANS};

struct AlphaBeta {
  double alpha, beta;
  bool nan_c;
};
// beta = 0 appears with NaN in C (must not propagate) and with finite C.
constexpr std::array<AlphaBeta, 6> kAlphaBeta = {{{1, 0, true},
                                                  {1, 1, false},
                                                  {-0.5, 2, false},
                                                  {2.5, 0, true},
                                                  {1.5, -1, false},
                                                  {0.75, 0, false}}};

struct SchemeInfo {
  int index;
  std::string name;
  int m, k, n;
  int bits;
};

std::vector<SchemeInfo> schemes() {
  std::vector<SchemeInfo> out;
  for (int i = 0; i < lai_scheme_count(); ++i) {
    SchemeInfo s{i, lai_scheme_name(i), 0, 0, 0, 0};
    s.bits = lai_internal_scheme_kernels(i, &s.m, &s.k, &s.n);
    out.push_back(s);
  }
  return out;
}

int scheme_index(const char* name) {
  for (int i = 0; i < lai_scheme_count(); ++i) {
    if (std::strcmp(lai_scheme_name(i), name) == 0) return i;
  }
  return -1;
}

// --- straight-line kernel --------------------------------------------------

template <class T>
void fixed_all_variants(const SchemeInfo& s) {
  SchemeGuard scheme(s.name.c_str());
  int i = 0;
  for (lai_layout layout : kLayouts) {
    for (lai_transpose ta : kTrans) {
      for (lai_transpose tb : kTrans) {
        for (const AlphaBeta& ab : kAlphaBeta) {
          for (int pad : {0, 3}) {
            GemmCase g;
            g.layout = layout;
            g.ta = ta;
            g.tb = tb;
            g.m = s.m;
            g.n = s.n;
            g.k = s.k;
            g.alpha = ab.alpha;
            g.beta = ab.beta;
            g.nan_c = ab.nan_c;
            // Vary which operand gets the larger leading dimension.
            g.pad_a = pad;
            g.pad_b = pad == 0 ? 0 : 1 + i % 4;
            g.pad_c = pad == 0 ? 0 : 2 + i % 3;
            ++i;
            check_gemm<T>(g, kFastC, kFastA, "fast");
          }
        }
      }
    }
  }
}

TEST(GemmFixed, DefaultSchemeHasAllCpuKernels) {
  const int i = scheme_index(lai_get_scheme());
  ASSERT_GE(i, 0);
  const int bits = lai_internal_scheme_kernels(i, nullptr, nullptr, nullptr);
  EXPECT_EQ(bits & 15, 15) << "default scheme " << lai_get_scheme() << " lacks a CPU kernel (bits " << bits << ")";
}

TEST(GemmFixed, DoubleEverySchemeLayoutTransposeAlphaBeta) {
  int tested = 0;
  for (const SchemeInfo& s : schemes()) {
    if ((s.bits & 1) == 0) continue;
    SCOPED_TRACE(s.name);
    fixed_all_variants<double>(s);
    ++tested;
  }
  EXPECT_GT(tested, 0) << "no scheme with a straight-line f64 kernel";
}

TEST(GemmFixed, FloatEverySchemeLayoutTransposeAlphaBeta) {
  int tested = 0;
  for (const SchemeInfo& s : schemes()) {
    if ((s.bits & 2) == 0) continue;
    SCOPED_TRACE(s.name);
    fixed_all_variants<float>(s);
    ++tested;
  }
  EXPECT_GT(tested, 0) << "no scheme with a straight-line f32 kernel";
}

// The 4x4 kernel is chosen by shape alone, whatever the block threshold.
TEST(GemmFixed, ChosenEvenBelowBlockThreshold) {
  const SchemeInfo s = schemes()[static_cast<std::size_t>(scheme_index(lai_get_scheme()))];
  ThresholdGuard threshold(1);
  GemmCase g;
  g.m = s.m;
  g.n = s.n;
  g.k = s.k;
  g.beta = 0.5;
  check_gemm<double>(g, kFastC, kFastA, (s.bits & 1) ? "fast" : "block");
}

// --- block kernel ----------------------------------------------------------

// Sizes around and far from multiples of 4 (the scheme's block shape), with
// 1 (everything peeled) and 129 (peel of 1 on a 128 core).
constexpr std::array<int, 8> kBlockSizes = {1, 3, 4, 5, 17, 64, 100, 129};

template <class T>
void block_sizes(const SchemeInfo& s, const std::vector<int>& sizes, double c) {
  SchemeGuard scheme(s.name.c_str());
  ThresholdGuard threshold(1);  // every shape qualifies for the block kernel
  const bool fixed_bit = (s.bits & (std::is_same_v<T, double> ? 1 : 2)) != 0;
  int i = 0;
  for (int m : sizes) {
    for (int n : sizes) {
      for (int k : sizes) {
        for (lai_layout layout : kLayouts) {
          for (lai_transpose ta : kTransReal) {
            for (lai_transpose tb : kTransReal) {
              const AlphaBeta& ab = kAlphaBeta[static_cast<std::size_t>(i) % kAlphaBeta.size()];
              GemmCase g;
              g.layout = layout;
              g.ta = ta;
              g.tb = tb;
              g.m = m;
              g.n = n;
              g.k = k;
              g.alpha = ab.alpha;
              g.beta = ab.beta;
              g.nan_c = ab.nan_c;
              g.pad_a = (i % 3 == 0) ? 7 : 0;
              g.pad_b = (i % 5 == 0) ? 2 : 0;
              g.pad_c = (i % 2 == 0) ? 5 : 0;
              ++i;
              const bool is_fixed = fixed_bit && m == s.m && k == s.k && n == s.n;
              check_gemm<T>(g, c, kFastA, is_fixed ? "fast" : "block");
              if (::testing::Test::HasFatalFailure()) return;
            }
          }
        }
      }
    }
  }
}

TEST(GemmBlock, DoubleAllSizesLayoutsTransposes) {
  int tested = 0;
  for (const SchemeInfo& s : schemes()) {
    if ((s.bits & 4) == 0) continue;
    SCOPED_TRACE(s.name);
    // The full grid for the default scheme; a smaller one for the others to
    // keep the suite fast.
    const bool current = s.name == lai_get_scheme();
    block_sizes<double>(s, current ? std::vector<int>(kBlockSizes.begin(), kBlockSizes.end())
                                   : std::vector<int>{1, 5, 17, 64},
                        kFastC);
    ++tested;
  }
  EXPECT_GT(tested, 0) << "no scheme with a block f64 kernel";
}

TEST(GemmBlock, FloatAllSizesLayoutsTransposes) {
  int tested = 0;
  for (const SchemeInfo& s : schemes()) {
    if ((s.bits & 8) == 0) continue;
    SCOPED_TRACE(s.name);
    const bool current = s.name == lai_get_scheme();
    block_sizes<float>(s, current ? std::vector<int>(kBlockSizes.begin(), kBlockSizes.end())
                                  : std::vector<int>{1, 5, 17, 64},
                       kFastC);
    ++tested;
  }
  EXPECT_GT(tested, 0) << "no scheme with a block f32 kernel";
}

// Two levels of size above the workspace of earlier calls: the per-thread
// workspace must grow (and results stay right) when a larger call follows.
TEST(GemmBlock, WorkspaceGrowsAcrossCalls) {
  ThresholdGuard threshold(8);
  for (int size : {16, 200, 40, 260}) {
    GemmCase g;
    g.m = size;
    g.n = size + 3;
    g.k = size + 1;
    g.beta = 1;
    check_gemm<double>(g, kFastC, kFastA, "block");
  }
}

// Below the threshold (the default is large), OpenBLAS does the work.
TEST(GemmBlock, NotUsedBelowThreshold) {
  ThresholdGuard threshold(65);
  GemmCase g;
  g.m = 64;
  g.n = 200;
  g.k = 200;
  check_gemm<double>(g, kClassicalC, kClassicalA, "blas");
  g.m = 65;
  g.n = 65;
  g.k = 65;
  check_gemm<double>(g, kFastC, kFastA, "block");
}

// --- OpenBLAS --------------------------------------------------------------

template <class T>
void blas_shapes() {
  // Shapes that are not the scheme's and stay below the default threshold.
  const int shapes[][3] = {{1, 1, 1}, {3, 5, 7}, {4, 4, 5}, {5, 4, 4}, {4, 5, 4}, {17, 33, 9}, {64, 1, 64}};
  int i = 0;
  for (const auto& sh : shapes) {
    for (lai_layout layout : kLayouts) {
      for (lai_transpose ta : kTrans) {
        for (lai_transpose tb : kTrans) {
          const AlphaBeta& ab = kAlphaBeta[static_cast<std::size_t>(i) % kAlphaBeta.size()];
          GemmCase g;
          g.layout = layout;
          g.ta = ta;
          g.tb = tb;
          g.m = sh[0];
          g.n = sh[1];
          g.k = sh[2];
          g.alpha = ab.alpha;
          g.beta = ab.beta;
          g.nan_c = ab.nan_c;
          g.pad_a = i % 3;
          g.pad_b = i % 4;
          g.pad_c = i % 5;
          ++i;
          check_gemm<T>(g, kClassicalC, kClassicalA, "blas");
        }
      }
    }
  }
}

TEST(GemmBlas, DoubleShapesNotCoveredByKernels) { blas_shapes<double>(); }
TEST(GemmBlas, FloatShapesNotCoveredByKernels) { blas_shapes<float>(); }

// --- quick returns (reference BLAS semantics) -----------------------------

TEST(GemmQuick, EmptyMOrNLeavesCUntouched) {
  double C[4] = {nan_d(), 1, 2, 3};
  double before[4];
  std::memcpy(before, C, sizeof C);
  const double A[4] = {1, 2, 3, 4};
  EXPECT_EQ(lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 0, 2, 2, 1.0, A, 2, A, 2, 0.0, C, 2), LAI_SUCCESS);
  EXPECT_EQ(lai_dgemm(LAI_COL_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 0, 2, 1.0, A, 2, A, 2, 0.0, C, 2), LAI_SUCCESS);
  EXPECT_STREQ(lai_internal_last_gemm_path(), "quick");
  EXPECT_EQ(std::memcmp(C, before, sizeof C), 0);
}

TEST(GemmQuick, KZeroScalesCByBeta) {
  double C[4] = {1, 2, 3, 4};
  EXPECT_EQ(lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 2, 0, 1.0, nullptr, 1, nullptr, 2, -2.0, C, 2),
            LAI_SUCCESS)
      << lai_last_error();
  EXPECT_STREQ(lai_internal_last_gemm_path(), "quick");
  EXPECT_EQ(C[0], -2);
  EXPECT_EQ(C[3], -8);
}

TEST(GemmQuick, AlphaZeroDoesNotReadAOrB) {
  // NaN in A and B must not reach C: with alpha = 0 they are not referenced.
  const double A[4] = {nan_d(), nan_d(), nan_d(), nan_d()};
  double C[4] = {1, 2, 3, 4};
  EXPECT_EQ(lai_dgemm(LAI_COL_MAJOR, LAI_TRANS, LAI_NO_TRANS, 2, 2, 2, 0.0, A, 2, A, 2, 0.5, C, 2), LAI_SUCCESS);
  EXPECT_EQ(C[0], 0.5);
  EXPECT_EQ(C[3], 2.0);
  // ... nor when they are NULL.
  EXPECT_EQ(lai_dgemm(LAI_COL_MAJOR, LAI_TRANS, LAI_NO_TRANS, 2, 2, 2, 0.0, nullptr, 2, nullptr, 2, 2.0, C, 2),
            LAI_SUCCESS)
      << lai_last_error();
  EXPECT_EQ(C[3], 4.0);
}

TEST(GemmQuick, BetaZeroWithAlphaZeroClearsNaN) {
  float C[6] = {std::nanf(""), std::nanf(""), 7, 8, 9, 10};
  EXPECT_EQ(lai_sgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 3, 5, 0.0f, nullptr, 5, nullptr, 3, 0.0f, C, 3),
            LAI_SUCCESS);
  for (float v : C) EXPECT_EQ(v, 0.0f);
}

TEST(GemmQuick, BetaOneAlphaZeroKeepsNaNInC) {
  // beta = 1 with alpha = 0 is a quick return: C is not even read.
  double C[4] = {nan_d(), 1, 2, 3};
  EXPECT_EQ(lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 2, 2, 0.0, nullptr, 2, nullptr, 2, 1.0, C, 2),
            LAI_SUCCESS);
  EXPECT_TRUE(std::isnan(C[0]));
  EXPECT_EQ(C[1], 1);
}

}  // namespace
