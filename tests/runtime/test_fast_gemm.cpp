// The block engine's variants (runtime/src/cpu/fast_gemm.h) against
// cblas_dgemm in double precision, through lai_internal_?gemm_variant
// (row-major with both transposes, fringes in every dimension, beta = 0
// with NaN in C, padding of C untouched, every threading mode including
// par2's shared temporaries and split leaves, concurrent callers), and the
// tuning table as the dispatch loads it (test_runtime_tuning*, own processes).
//
// Error bound, normwise as in test_support.h: ||C - Cref||_F <= c (k + a)
// eps (|alpha| ||A|| ||B|| + |beta| ||C0||) with a = 96 and c = g + 2, g the
// growth factor of the levels' coefficients: 144 for one level of
// Strassen's square (12 per Strassen level), 144*12 with a 2x2 Strassen
// second level, 144^2 for two levels of the square; classical: 2.
#include <cstdio>
#include <fstream>
#include <thread>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

#include "test_support.h"

namespace {

using lai_test::Stored;

struct VariantCase {
  const char* variant;
  double growth;
};

const VariantCase kVariants[] = {
    {"strassen2_4x4x4_r49/g1/blas", 144},          {"strassen2_4x4x4_r49/g7/blas", 144},
    {"strassen2_4x4x4_r49/g1/split2", 144},        {"strassen2_4x4x4_r49/g7/split2", 144},
    {"strassen2_4x4x4_r49/g49/split2", 144},       {"strassen2_4x4x4_r49/g5/blas", 144},
    {"strassen2_4x4x4_r49+strassen_2x2x2_r7/g7/split2", 144 * 12},
    {"strassen2_4x4x4_r49+strassen2_4x4x4_r49/g7/blas", 144 * 144},
    {"strassen_2x2x2_r7/g3/split2", 12},           {"classical_4x4x4_r64/g16/split2", 1},
    // par2: G odd (a leaf split by rows between the threads) and even, one
    // product per batch (every leaf split), the whole rank in one batch, a
    // second level inside each thread's leaves, the 2x2 scheme, and the
    // classical scheme, whose leaves all go straight into C blocks shared by
    // several products of a batch (kept on one thread).
    {"strassen2_4x4x4_r49/g1/par2", 144},          {"strassen2_4x4x4_r49/g3/par2", 144},
    {"strassen2_4x4x4_r49/g6/par2", 144},          {"strassen2_4x4x4_r49/g7/par2", 144},
    {"strassen2_4x4x4_r49/g49/par2", 144},
    {"strassen2_4x4x4_r49+strassen_2x2x2_r7/g3/par2", 144 * 12},
    {"strassen2_4x4x4_r49+strassen2_4x4x4_r49/g7/par2", 144 * 144},
    {"strassen_2x2x2_r7/g1/par2", 12},             {"strassen_2x2x2_r7/g2/par2", 12},
    {"strassen_2x2x2_r7/g7/par2", 12},             {"classical_4x4x4_r64/g16/par2", 1},
    {"classical_4x4x4_r64/g5/par2", 1},
};

template <class T>
int run_variant(const char* v, bool ta, bool tb, int m, int n, int k, double alpha, const T* A, int lda, const T* B,
                int ldb, double beta, T* C, int ldc) {
  if constexpr (sizeof(T) == 8) {
    return lai_internal_dgemm_variant(v, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  } else {
    return lai_internal_sgemm_variant(v, ta, tb, m, n, k, static_cast<float>(alpha), A, lda, B, ldb,
                                      static_cast<float>(beta), C, ldc);
  }
}

template <class T>
void check_variant(const VariantCase& vc, bool ta, bool tb, int m, int n, int k, double alpha, double beta) {
  SCOPED_TRACE(std::string(vc.variant) + " ta=" + std::to_string(ta) + " tb=" + std::to_string(tb) + " m=" +
               std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k) + " beta=" + std::to_string(beta));
  Stored<T> A(ta ? k : m, ta ? m : k, (ta ? m : k) + 3);
  Stored<T> B(tb ? n : k, tb ? k : n, (tb ? k : n) + 1);
  Stored<T> C(m, n, n + 2, beta == 0);
  const Stored<T> C0 = C;
  std::vector<double> ref = C.as_double();
  if (beta == 0) {
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) ref[static_cast<std::size_t>(i) * C.ld + j] = 0;
    }
  }
  const std::vector<double> Ad = A.as_double(), Bd = B.as_double();
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k,
              static_cast<double>(static_cast<T>(alpha)), Ad.data(), A.ld, Bd.data(), B.ld,
              static_cast<double>(static_cast<T>(beta)), ref.data(), C.ld);
  ASSERT_EQ(run_variant<T>(vc.variant, ta, tb, m, n, k, alpha, A.data.data(), A.ld, B.data.data(), B.ld, beta,
                           C.data.data(), C.ld),
            0)
      << lai_last_error();
  double err2 = 0;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      ASSERT_TRUE(std::isfinite(static_cast<double>(C.at(i, j)))) << "at " << i << "," << j;
      const double d = static_cast<double>(C.at(i, j)) - ref[static_cast<std::size_t>(i) * C.ld + j];
      err2 += d * d;
    }
    for (int j = n; j < C.ld; ++j) ASSERT_EQ(std::memcmp(&C.at(i, j), &C0.at(i, j), sizeof(T)), 0);
  }
  const double scale = std::abs(alpha) * A.fro() * B.fro() + (beta == 0 ? 0.0 : std::abs(beta) * C0.fro());
  EXPECT_LE(std::sqrt(err2), (vc.growth + 2) * (k + 96) * lai_test::eps<T>() * scale);
}

template <class T>
void all_variants() {
  // Fringes in m, n and k at both levels; a square multiple; too small for a
  // level; odd block heights (a split leaf's halves differ by a row).
  const int shapes[][3] = {{67, 45, 53}, {64, 64, 64}, {133, 70, 90}, {3, 40, 40}, {40, 9, 17}, {204, 36, 44}};
  for (const VariantCase& vc : kVariants) {
    for (const auto& s : shapes) {
      for (int tr = 0; tr < 4; ++tr) {
        check_variant<T>(vc, (tr & 1) != 0, (tr & 2) != 0, s[0], s[1], s[2], 0.75, tr == 3 ? 0.0 : 1.25);
      }
    }
  }
}

TEST(FastGemm, DoubleVariants) { all_variants<double>(); }
TEST(FastGemm, FloatVariants) { all_variants<float>(); }

// par2 on products large enough that both threads' OpenBLAS leaves run for
// a while side by side, and with alpha = -1, beta = 0.5 and beta = 1.
TEST(FastGemm, Par2LargerProducts) {
  for (const char* v : {"strassen2_4x4x4_r49/g7/par2", "strassen_2x2x2_r7/g1/par2", "strassen2_4x4x4_r49/g3/par2"}) {
    check_variant<double>({v, 144}, false, false, 517, 389, 451, -1.0, 0.5);
    check_variant<double>({v, 144}, true, true, 400, 400, 400, 1.0, 1.0);
    check_variant<float>({v, 144}, false, true, 389, 517, 260, 0.5, 0.0);
  }
}

// Several callers at once, each a par2 (or split2) call of its own with its
// own helper thread: shared state is the process-wide OpenBLAS thread count
// (restored when the last one leaves) and nothing else.
TEST(FastGemm, Par2ConcurrentCallers) {
  const int before = openblas_get_num_threads();
  constexpr int kCallers = 4, kRounds = 3;
  const char* variants[kCallers] = {"strassen2_4x4x4_r49/g7/par2", "strassen_2x2x2_r7/g1/par2",
                                    "strassen2_4x4x4_r49/g3/split2", "strassen2_4x4x4_r49+strassen_2x2x2_r7/g3/par2"};
  const int m = 203, n = 150, k = 177;
  // Operands are drawn here (the test RNG is not thread-safe); each caller
  // recomputes its product several times into its own C.
  std::vector<Stored<double>> As, Bs, Cs;
  for (int t = 0; t < kCallers; ++t) {
    As.emplace_back(m, k, k + t);
    Bs.emplace_back(k, n, n + 1);
    Cs.emplace_back(m, n, n, true);
  }
  std::vector<std::vector<double>> results(kCallers);
  std::vector<int> status(kCallers, 0);
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        status[t] |= lai_internal_dgemm_variant(variants[t], 0, 0, m, n, k, 1.0, As[t].data.data(), As[t].ld,
                                                Bs[t].data.data(), Bs[t].ld, 0.0, Cs[t].data.data(), Cs[t].ld);
      }
    });
  }
  for (std::thread& c : callers) c.join();
  EXPECT_EQ(openblas_get_num_threads(), before);
  for (int t = 0; t < kCallers; ++t) {
    SCOPED_TRACE(variants[t]);
    ASSERT_EQ(status[t], 0);
    std::vector<double> ref(static_cast<std::size_t>(m) * n);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, As[t].data.data(), As[t].ld,
                Bs[t].data.data(), Bs[t].ld, 0.0, ref.data(), n);
    double err2 = 0;
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) {
        const double d = Cs[t].at(i, j) - ref[static_cast<std::size_t>(i) * n + j];
        err2 += d * d;
      }
    }
    EXPECT_LE(std::sqrt(err2), (144 * 12 + 2) * (k + 96) * lai_test::eps<double>() * As[t].fro() * Bs[t].fro());
  }
}

#ifdef __linux__
// par2 and split2 pin their two threads to two CPUs for the duration of a
// call (cpu/team_affinity.h); the caller's affinity mask is its own again
// afterwards, and a caller confined to one CPU still gets correct results.
TEST(FastGemm, TeamPlacementRestoresCallerAffinity) {
  cpu_set_t before;
  CPU_ZERO(&before);
  ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof before, &before), 0);
  for (const char* v : {"strassen2_4x4x4_r49/g7/par2", "strassen2_4x4x4_r49/g7/split2"}) {
    SCOPED_TRACE(v);
    check_variant<double>({v, 144}, false, false, 300, 280, 260, 1.0, 0.0);
    cpu_set_t after;
    CPU_ZERO(&after);
    ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof after, &after), 0);
    EXPECT_TRUE(CPU_EQUAL(&before, &after));
  }
  int first = -1;
  for (int c = 0; c < CPU_SETSIZE && first < 0; ++c) {
    if (CPU_ISSET(c, &before)) first = c;
  }
  ASSERT_GE(first, 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0);
  check_variant<float>({"strassen2_4x4x4_r49/g7/par2", 144}, true, false, 260, 300, 280, 0.5, 1.0);
  cpu_set_t still;
  CPU_ZERO(&still);
  ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof still, &still), 0);
  EXPECT_TRUE(CPU_EQUAL(&one, &still));
  ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof before, &before), 0);
}
#endif

TEST(FastGemm, RejectsUnknownVariants) {
  double a[4] = {1, 2, 3, 4}, c[4] = {0, 0, 0, 0};
  for (const char* bad : {"", "nosuch_4x4x4_r1/g1/blas", "strassen2_4x4x4_r49/g0/blas", "strassen2_4x4x4_r49/g7/omp", "strassen2_4x4x4_r49/g7/par3",
                          "strassen2_4x4x4_r49/x7/blas", "strassen2_4x4x4_r49"}) {
    EXPECT_EQ(lai_internal_dgemm_variant(bad, 0, 0, 2, 2, 2, 1.0, a, 2, a, 2, 0.0, c, 2), -1) << bad;
    EXPECT_NE(std::string(lai_last_error()).find("lai_internal_dgemm_variant"), std::string::npos);
  }
  EXPECT_EQ(c[0], 0.0);
}

TEST(FastGemm, WorkspaceWithinDocumentedBound) {
  // One level, 4x4 scheme: at most 3G/16 n^2 elements; split2: G/8 n^2 per thread, two threads.
  const int n = 1024;
  const double n2 = static_cast<double>(n) * n * sizeof(double);
  auto extra = [&](const char* variant) {  // in units of n^2 elements
    return static_cast<double>(lai_internal_variant_workspace(variant, 0, n, n, n)) / n2;
  };
  EXPECT_LE(extra("strassen2_4x4x4_r49/g7/blas"), 21.0 / 16);
  EXPECT_LE(extra("strassen2_4x4x4_r49/g7/split2"), 14.0 / 8);
  EXPECT_LE(extra("strassen2_4x4x4_r49/g6/split2"), 1.5);
  // par2: one shared set, as blas; the 2x2 scheme's blocks are n/2: 3G/4 n^2.
  EXPECT_LE(extra("strassen2_4x4x4_r49/g7/par2"), 21.0 / 16);
  EXPECT_LE(extra("strassen2_4x4x4_r49/g8/par2"), 1.5);
  EXPECT_LE(extra("strassen_2x2x2_r7/g1/par2"), 0.75);
  EXPECT_LE(extra("strassen_2x2x2_r7/g2/par2"), 1.5);
  // A second level: one set per thread, 2 * 3G/16 (n/4)^2.
  EXPECT_LE(extra("strassen2_4x4x4_r49+strassen2_4x4x4_r49/g7/par2"), 21.0 / 16 * (1 + 2.0 / 16));
  EXPECT_EQ(lai_internal_variant_workspace("blas", 0, n, n, n), 0u);
}

// LAI_TUNING_FILE as the loader meets it; each runs in its own process
// (the table is loaded once), see tests/runtime/CMakeLists.txt.
TEST(TuningFile, UserTableIsUsedForLargeProducts) {
  const char* path = std::getenv("LAI_TUNING_FILE");
  if (path == nullptr || std::getenv("LAI_TEST_TUNING_WRITE") == nullptr) GTEST_SKIP() << "ctest test_runtime_tuning";
  {
    std::ofstream f(path);
    f << R"({"format": "lapack-ai-tuning", "version": 1, "machine": ")" << lai_internal_machine_id() << R"(",
      "tables": {"f64": [{"min": 0, "max": 31, "variant": "blas"},
                         {"min": 32, "max": null, "variant": "strassen2_4x4x4_r49/g7/split2"}],
                 "f32": [{"min": 40, "max": null, "variant": "strassen2_4x4x4_r49+strassen_2x2x2_r7/g3/blas"}]}})";
  }
  EXPECT_NE(std::string(lai_tuning_info()).find(path), std::string::npos) << lai_tuning_info();
  EXPECT_STREQ(lai_internal_tuned_variant(0, 31), "blas");
  EXPECT_STREQ(lai_internal_tuned_variant(0, 32), "strassen2_4x4x4_r49/g7/split2");
  EXPECT_STREQ(lai_internal_tuned_variant(1, 39), "blas");
  for (lai_layout layout : {LAI_ROW_MAJOR, LAI_COL_MAJOR}) {
    for (int tr = 0; tr < 4; ++tr) {
      lai_test::GemmCase g;
      g.layout = layout;
      g.ta = (tr & 1) ? LAI_TRANS : LAI_NO_TRANS;
      g.tb = (tr & 2) ? LAI_TRANS : LAI_NO_TRANS;
      g.m = 70;
      g.n = 45;
      g.k = 66;
      g.alpha = -0.5;
      g.beta = tr == 0 ? 0.0 : 2.0;
      g.nan_c = tr == 0;
      g.pad_c = 1;
      lai_test::check_gemm<double>(g, lai_test::kFastC, lai_test::kFastA, "tuned");
      lai_test::check_gemm<float>(g, 144 * 12 + 2, lai_test::kFastA, "tuned");
      g.m = 20;  // below the f64 table's crossover
      lai_test::check_gemm<double>(g, lai_test::kClassicalC, lai_test::kClassicalA, "blas");
    }
  }
}

TEST(TuningFile, BadTableFallsBackToGeneric) {
  const char* path = std::getenv("LAI_TUNING_FILE");
  if (path == nullptr || std::getenv("LAI_TEST_TUNING_BAD") == nullptr) GTEST_SKIP() << "ctest test_runtime_tuning_bad";
  {
    std::ofstream f(path);
    f << R"({"format": "lapack-ai-tuning", "version": 2})";
  }
  const std::string info = lai_tuning_info();
  EXPECT_NE(info.find("built-in generic tuning table"), std::string::npos) << info;
  EXPECT_NE(info.find("refused"), std::string::npos) << info;
  EXPECT_STREQ(lai_internal_tuned_variant(0, 100), "blas");
  lai_test::GemmCase g;
  g.m = g.n = g.k = 50;
  lai_test::check_gemm<double>(g, lai_test::kClassicalC, lai_test::kClassicalA, "blas");
}

TEST(TuningFile, Validation) {
  const std::string id = lai_internal_machine_id();
  auto table = [&](const std::string& machine, const std::string& f64) {
    return R"({"format": "lapack-ai-tuning", "version": 1, "machine": ")" + machine + R"(", "tables": {"f64": )" +
           f64 + R"(, "f32": []}})";
  };
  EXPECT_EQ(lai_internal_validate_tuning(table(id, R"([{"min": 0, "max": null, "variant": "blas"}])").c_str(), 1), nullptr);
  EXPECT_NE(lai_internal_validate_tuning(table("other", "[]").c_str(), 1), nullptr);
  EXPECT_EQ(lai_internal_validate_tuning(table("other", "[]").c_str(), 0), nullptr);
  for (const char* bad : {R"([{"min": 5, "max": 3, "variant": "blas"}])",
                          R"([{"min": 0, "max": 10, "variant": "blas"}, {"min": 5, "max": null, "variant": "blas"}])",
                          R"([{"min": 0, "max": null, "variant": "nosuch_4x4x4_r3/g1/blas"}])",
                          R"([{"min": -1, "max": null, "variant": "blas"}])", R"([{"min": 0, "variant": "blas"}])",
                          R"({"min": 0})"}) {
    EXPECT_NE(lai_internal_validate_tuning(table(id, bad).c_str(), 1), nullptr) << bad;
  }
  EXPECT_NE(lai_internal_validate_tuning("{not json", 0), nullptr);
  EXPECT_NE(lai_internal_validate_tuning(R"({"format": "x", "version": 1})", 0), nullptr);
}

}  // namespace
