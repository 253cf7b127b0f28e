// The split-K tail of a GEMM launch (runtime/src/opencl/gemm_tail.h): the
// plan must partition the tile grid exactly as the kernels' tile order visits
// it (checked by brute force over many grids), and the three launches must
// compute the product (against the long-double reference on the device the
// library picks, PoCL in CI) with every resident-group count the plan meets.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "lapack_ai/lapack_ai.h"
#include "opencl/cl_error.h"
#include "opencl/gemm_tail.h"
#include "opencl/gpu.h"
#include "opencl/pool.h"
#include "opencl/runtime.h"
#include "gemm_reference.h"

namespace {

using lai::ocl::plan_tail;
using lai::ocl::runtime;
using lai::ocl::TailPlan;

// The templates' tile order: pid -> (pm, pn) in groups of gm tile-rows.
std::pair<int, int> tile_of(int pid, int tiles_m, int tiles_n, int gm) {
  const int group = pid / (gm * tiles_n);
  const int first_m = group * gm;
  const int gsz = std::min(tiles_m - first_m, gm);
  return {first_m + pid % gsz, (pid % (gm * tiles_n)) / gsz};
}

// Every tile is computed exactly once: by the main launch (pids below
// main_tiles) or by the tail rectangle, and the tail fits in one wave.
void expect_partition(const TailPlan& p, int tiles_m, int tiles_n, int k_slices, int gm, int wave) {
  const std::string where = "grid " + std::to_string(tiles_m) + "x" + std::to_string(tiles_n) + " gm " +
                            std::to_string(gm) + " wave " + std::to_string(wave);
  std::vector<int> hits(static_cast<std::size_t>(tiles_m) * tiles_n, 0);
  for (int pid = 0; pid < p.main_tiles; ++pid) {
    const auto [pm, pn] = tile_of(pid, tiles_m, tiles_n, gm);
    ++hits[static_cast<std::size_t>(pm) * tiles_n + pn];
  }
  for (int i = p.row0; i < p.row0 + p.rows; ++i)
    for (int j = p.col0; j < p.col0 + p.cols; ++j) {
      ASSERT_TRUE(i >= 0 && i < tiles_m && j >= 0 && j < tiles_n) << where;
      ++hits[static_cast<std::size_t>(i) * tiles_n + j];
    }
  for (int h : hits) ASSERT_EQ(h, 1) << where;
  EXPECT_GE(p.split, 2) << where;
  EXPECT_EQ(p.split * p.k_slices, k_slices) << where;
  EXPECT_LE(p.rows * p.cols * p.split, wave) << where;
  // The main launch never has more waves than the plain grid's full ones.
  EXPECT_LE((p.main_tiles + wave - 1) / wave, tiles_m * tiles_n / wave) << where;
}

TEST(GemmTailPlan, H200Sizes) {
  // n = 8192, 128 x 128 tiles, K slices of 16, GM 8, 132 SMs: 4096 tiles are
  // 31 waves and 4; the tail is the last group's rightmost column (8 tiles)
  // in 16 chunks of K.
  auto p = plan_tail(64, 64, 512, 8, 132);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->main_tiles, 4088);
  EXPECT_EQ(p->row0, 56);
  EXPECT_EQ(p->rows, 8);
  EXPECT_EQ(p->col0, 63);
  EXPECT_EQ(p->cols, 1);
  EXPECT_EQ(p->split, 16);
  expect_partition(*p, 64, 64, 512, 8, 132);
  // n = 16384: 16384 tiles are 124 waves and 16; past the default 64 full
  // waves no tail (measured no gain there); allowed, two columns, 8 chunks.
  EXPECT_FALSE(plan_tail(128, 128, 1024, 8, 132));
  p = plan_tail(128, 128, 1024, 8, 132, 8, 200);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->main_tiles, 16368);
  EXPECT_EQ(p->cols, 2);
  EXPECT_EQ(p->split, 8);
  expect_partition(*p, 128, 128, 1024, 8, 132);
}

TEST(GemmTailPlan, NoSplitWhereItCannotPay) {
  EXPECT_FALSE(plan_tail(66, 64, 512, 8, 132));  // 4224 tiles = 32 full waves
  EXPECT_FALSE(plan_tail(64, 64, 8, 8, 132));    // one chunk of 8 slices only
  EXPECT_FALSE(plan_tail(64, 64, 512, 8, 0));    // occupancy unknown
  EXPECT_FALSE(plan_tail(64, 64, 512, 8, 1));
  EXPECT_FALSE(plan_tail(9, 2, 512, 8, 5));      // the tail would span two groups of rows
  EXPECT_FALSE(plan_tail(64, 64, 509, 8, 132));  // 509 slices: no divisor fits
}

// Fewer tiles than the wave but more tile-rows than GM (the GPU SVD's W =
// V^T Z, 16 x 1 tiles at n = 4096): the whole grid is the tail, 8 chunks.
TEST(GemmTailPlan, SkinnyGridOverSeveralGroupsIsOneSplitLaunch) {
  const auto p = plan_tail(16, 1, 128, 8, 132);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->main_tiles, 0);
  EXPECT_EQ(p->row0, 0);
  EXPECT_EQ(p->rows, 16);
  EXPECT_EQ(p->col0, 0);
  EXPECT_EQ(p->cols, 1);
  EXPECT_EQ(p->split, 8);
  expect_partition(*p, 16, 1, 128, 8, 132);
  // 20 x 3 tiles, 60 < 132: split 2 (132 / 60), 96 slices in chunks of 48.
  const auto q = plan_tail(20, 3, 96, 8, 132);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->split, 2);
  expect_partition(*q, 20, 3, 96, 8, 132);
}

TEST(GemmTailPlan, SmallGridIsOneSplitLaunch) {
  // 64 tiles on 132 groups: no full wave; K split in two fills the device.
  const auto p = plan_tail(8, 8, 64, 8, 132);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->main_tiles, 0);
  EXPECT_EQ(p->split, 2);
  expect_partition(*p, 8, 8, 64, 8, 132);
}

TEST(GemmTailPlan, PartitionsEveryGrid) {
  int planned = 0;
  for (int tm = 1; tm <= 13; ++tm)
    for (int tn = 1; tn <= 11; ++tn)
      for (int gm : {1, 2, 3, 4, 8})
        for (int wave : {2, 3, 5, 7, 16, 40, 132})
          for (int ks : {16, 24, 64, 96}) {
            const auto p = plan_tail(tm, tn, ks, gm, wave, 8, 1 << 20);
            if (!p) continue;
            ++planned;
            expect_partition(*p, tm, tn, ks, gm, wave);
            if (HasFatalFailure()) return;
          }
  EXPECT_GT(planned, 1000);  // the grid above exercises the plan, not only its refusals
}

// ---------------------------------------------------------------- on a device

bool have_device() { return lai_opencl_init() == LAI_SUCCESS; }

using lai_test::check_gemm;
using lai_test::random;

template <class T>
lai::ocl::PooledBuffer upload(const std::vector<T>& h) {
  lai::ocl::PooledBuffer b = lai::ocl::acquire_buffer(runtime(), h.size() * sizeof(T));
  lai::ocl::check(clEnqueueWriteBuffer(runtime().queue, b.get(), CL_TRUE, 0, h.size() * sizeof(T), h.data(), 0,
                                       nullptr, nullptr),
                  "write", "");
  return b;
}

// What gemm_device did with a case.
enum class Ran { plain, tail, unaligned };

// C = alpha A B + beta C (row-major; lda = K + 4, ldb = N + 2, ldc = N + 5, so
// the tail's views start inside rows) with cfg.wave = wave; checks every
// element against |c - ref| <= 4 (K + 2) eps (|alpha| sum |a b| + |beta c|),
// that C's padding is untouched and, with beta = 0, that C's NaNs are never
// read. Returns what the runtime did: the tail when its first and last
// events differ (three launches), else one plain launch; the prediction from
// the plan and the alignment must agree with it.
template <class T>
Ran tail_case(const std::string& variant, const std::string& options, int M, int N, int K, int wave, T beta) {
  const auto& rt = runtime();
  lai::ocl::GemmConfig cfg = lai::ocl::gemm_config<T>(rt, variant, options);
  cfg.wave = wave;
  const auto plan = plan_tail(M / cfg.mwg, N / cfg.nwg, K / cfg.kwg, cfg.gm, cfg.wave);
  const int lda = K + 4, ldb = N + 2, ldc = N + 5;
  // The tail's views of A and B start at these byte offsets; the runtime
  // takes the tail only where both are multiples of the device's alignment.
  const std::size_t align = std::max<std::size_t>(rt.base_align_bytes, 1);
  const bool aligned = !plan || ((static_cast<std::size_t>(plan->row0) * cfg.mwg * lda * sizeof(T)) % align == 0 &&
                                 (static_cast<std::size_t>(plan->col0) * cfg.nwg * sizeof(T)) % align == 0);
  const Ran expect = !plan ? Ran::plain : aligned ? Ran::tail : Ran::unaligned;
  const T alpha = T(0.75);
  const auto A = random<T>(static_cast<std::size_t>(M) * lda, 11), B = random<T>(static_cast<std::size_t>(K) * ldb, 12);
  auto C0 = random<T>(static_cast<std::size_t>(M) * ldc, 13);
  if (beta == T(0)) std::fill(C0.begin(), C0.end(), std::numeric_limits<T>::quiet_NaN());
  const auto a = upload(A), b = upload(B), c = upload(C0);
  cl_event first = nullptr, last = nullptr;
  lai::ocl::gemm_device<T>(rt, cfg, M, N, K, alpha, a.get(), lda, 0, b.get(), ldb, 0, beta, c.get(), ldc, 0, 1, &last,
                           &first);
  EXPECT_NE(first, nullptr);
  EXPECT_NE(last, nullptr);
  // One launch: both events are the same; the tail: first and last differ.
  const Ran ran = first != last ? Ran::tail : expect == Ran::unaligned ? Ran::unaligned : Ran::plain;
  EXPECT_EQ(ran, expect) << variant << " " << options << " wave " << wave;
  lai::ocl::check(clWaitForEvents(1, &last), "wait", "");
  clReleaseEvent(first);
  clReleaseEvent(last);
  std::vector<T> C(C0.size());
  lai::ocl::check(clEnqueueReadBuffer(rt.queue, c.get(), CL_TRUE, 0, C.size() * sizeof(T), C.data(), 0, nullptr, nullptr),
                  "read", "");
  const std::string what = variant + " " + options + " wave " + std::to_string(wave) +
                           (plan ? " (split-K tail)" : " (no tail)");
  check_gemm<T>(M, N, K, alpha, A.data(), lda, 1, B.data(), ldb, 1, beta, C0.data(), C.data(), ldc, 1, what);
  int bad = 0;
  for (int i = 0; i < M; ++i)
    for (int j = N; j < ldc; ++j) {  // outside the product: untouched
      const T got = C[static_cast<std::size_t>(i) * ldc + j], c0 = C0[static_cast<std::size_t>(i) * ldc + j];
      if (!(std::isnan(c0) ? std::isnan(got) : got == c0) && bad++ < 5) ADD_FAILURE() << what << ": pad (" << i << "," << j << ") written";
    }
  EXPECT_EQ(bad, 0);
  return ran;
}

#define REQUIRE_DEVICE()                                                      \
  if (!have_device()) GTEST_SKIP() << "no OpenCL device: " << lai_last_error()

TEST(GemmTail, TiledEveryWave) {
  REQUIRE_DEVICE();
  // 5 x 3 tiles of 32 x 16 in groups of 2 rows (the last group one row), 16
  // slices of K: the waves from 2 to 16 plan tails of several shapes (or
  // none); a tail starting at an odd tile column of B is 64 bytes in, not
  // aligned on a device that wants 128 (PoCL): the plain launch then.
  const std::string opts = "-DMWG=32 -DNWG=16 -DKWG=8 -DMDIMC=8 -DNDIMC=4 -DPADA=1 -DPADB=0 -DGM=2";
  int tails = 0, plain = 0;
  for (int wave = 2; wave <= 16; ++wave) {
    const Ran r = tail_case<float>("tiled", opts, 160, 48, 128, wave, 0.0f);
    tail_case<float>("tiled", opts, 160, 48, 128, wave, -0.5f);
    tails += r == Ran::tail;
    plain += r == Ran::plain;
  }
  EXPECT_GE(tails, 4);
  EXPECT_GE(plain, 4);
  if (runtime().fp64) {
    tail_case<double>("tiled", "-DMWG=32 -DNWG=32 -DKWG=8 -DMDIMC=8 -DNDIMC=4 -DPADA=2 -DPADB=2 -DGM=2 -DVEC=2", 96, 96,
                      192, 5, 1.25);
  }
}

TEST(GemmTail, TensorCoreKernelsEmulated) {
  REQUIRE_DEVICE();
  if (runtime().fp64) {
    // 3 x 2 tiles in groups of 2 rows: wave 4 splits the last row's two
    // tiles, wave 5 its last tile (in 2 chunks each: 16 slices, chunks >= 8).
    for (int wave : {4, 5}) {
      EXPECT_EQ(tail_case<double>("nvmma",
                        "-DMWG=32 -DNWG=32 -DKWG=16 -DWGM=2 -DWGN=1 -DPADA=4 -DPADB=4 -DGM=2 -DMMA_VOLATILE=0 -DMMAK=4 "
                        "-DLAI_MMA_EMULATE",
                        96, 64, 256, wave, 0.5), Ran::tail);
    }
  }
  EXPECT_EQ(tail_case<float>("nvtf32", "-DMWG=32 -DNWG=32 -DKWG=16 -DWGM=2 -DWGN=1 -DNBUF=1 -DLSPLIT=1 -DPADA=4 -DPADB=8 -DGM=2 -DLAI_MMA_EMULATE",
                   96, 64, 256, 5, 0.0f), Ran::tail);
}

// The public routine takes the resident-group count from LAI_GEMM_WAVE where
// the tuning table has none (PoCL): the tail path behind lai_sgemm_opencl,
// against the same call without it. With the spec's 64 x 64 x 16 f32 tiles
// (PoCL; another device's kernel may plan no tail, and the case is skipped):
// 200 x 90 x 512 is 4 x 2 tiles, all of them split in two with a wave of 16;
// 330 x 130 x 500 is 6 x 3 tiles, 12 whole and 6 split in two with 14.
TEST(GemmTail, PublicRoutineWithWaveFromEnvironment) {
  REQUIRE_DEVICE();
  struct Case {
    int m, n, k;
    const char* wave;
  };
  for (const Case& t : {Case{200, 90, 512, "16"}, Case{330, 130, 500, "14"}}) {
    // The plan gemm_host will meet with this device's f32 kernel and padding.
    const lai::ocl::GemmConfig cfg = lai::ocl::gemm_config<float>(runtime());
    const auto tiles = [](int v, int unit) { return (v + unit - 1) / unit; };
    if (!plan_tail(tiles(t.m, cfg.mwg), tiles(t.n, cfg.nwg), tiles(t.k, cfg.kwg), cfg.gm, std::atoi(t.wave))) {
      GTEST_SKIP() << "this device's f32 kernel (" << cfg.mwg << "x" << cfg.nwg << "x" << cfg.kwg
                   << ") plans no tail for " << t.m << "x" << t.n << "x" << t.k;
    }
    const auto A = random<float>(static_cast<std::size_t>(t.m) * t.k, 21);
    const auto B = random<float>(static_cast<std::size_t>(t.k) * t.n, 22);
    const auto C0 = random<float>(static_cast<std::size_t>(t.m) * t.n, 23);
    std::vector<float> with = C0, without = C0;
    ASSERT_EQ(setenv("LAI_GEMM_WAVE", t.wave, 1), 0);
    const lai_status s1 = lai_sgemm_opencl(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, t.m, t.n, t.k, 1.5f, A.data(),
                                           t.k, B.data(), t.n, -1.0f, with.data(), t.n);
    ASSERT_EQ(setenv("LAI_GEMM_WAVE", "0", 1), 0);
    const lai_status s2 = lai_sgemm_opencl(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, t.m, t.n, t.k, 1.5f, A.data(),
                                           t.k, B.data(), t.n, -1.0f, without.data(), t.n);
    unsetenv("LAI_GEMM_WAVE");
    ASSERT_EQ(s1, LAI_SUCCESS) << lai_last_error();
    ASSERT_EQ(s2, LAI_SUCCESS) << lai_last_error();
    const double eps = std::numeric_limits<float>::epsilon();
    // Two summation orders of the same k products (|a|, |b| <= 1): each
    // within the bound of the reference, so within twice it of each other.
    const double bound = 8.0 * (t.k + 2) * eps * (1.5 * t.k + 1.0);
    int differ = 0;
    for (std::size_t i = 0; i < with.size(); ++i) {
      ASSERT_LE(std::fabs(static_cast<double>(with[i]) - without[i]), bound) << "element " << i;
      differ += with[i] != without[i];
    }
    // The split changed the summation order somewhere: the tail really ran.
    EXPECT_GT(differ, 0) << t.m << "x" << t.n << "x" << t.k;
  }
}

}  // namespace

// Extra options for large grids (GemmConfig::big_options): parsed from
// LAI_GEMM_GRID_OVER with LAI_GEMM_WAVE here (the tuning table's
// "grid_over:<program>" on the H200), applied by gemm_device's one-launch
// path from big_min_tiles tiles on, and only with even leading dimensions:
// the emulated tensor-core kernel with 16-byte pair moves (-DVLD=2) on a
// 3 x 3 grid, even and odd lda/ldb, against the CPU reference.
TEST(GemmGridOver, PairMovesOnLargeGrids) {
  REQUIRE_DEVICE();
  if (!runtime().fp64) GTEST_SKIP() << "no fp64";
  const std::string opts =
      "-DMWG=32 -DNWG=32 -DKWG=16 -DWGM=2 -DWGN=1 -DPADA=4 -DPADB=4 -DGM=2 -DMMA_VOLATILE=0 -DMMAK=4 -DLAI_MMA_EMULATE";
  ASSERT_EQ(setenv("LAI_GEMM_WAVE", "2", 1), 0);
  struct Parse {
    const char* env;
    const char* options;
    std::size_t min_tiles;
  };
  for (const Parse& p : {Parse{"2 -DVLD=2", "-DVLD=2", 5}, Parse{"3   -DVLD=2", "-DVLD=2", 7}, Parse{"x -DVLD=2", "", 0},
                         Parse{"4", "", 0}, Parse{"0 -DVLD=2", "", 0}}) {
    ASSERT_EQ(setenv("LAI_GEMM_GRID_OVER", p.env, 1), 0);
    const auto cfg = lai::ocl::gemm_config<double>(runtime(), "nvmma", opts);
    EXPECT_EQ(cfg.big_options, p.options) << p.env;
    EXPECT_EQ(cfg.big_min_tiles, p.min_tiles) << p.env;
  }
  ASSERT_EQ(setenv("LAI_GEMM_GRID_OVER", "2 -DVLD=2", 1), 0);
  lai::ocl::GemmConfig cfg = lai::ocl::gemm_config<double>(runtime(), "nvmma", opts);
  cfg.wave = 0;  // no split-K tail: the one-launch path, 9 tiles >= 5
  const int M = 96, N = 96, K = 64;
  for (int pad : {4, 3}) {  // even lda/ldb take the pair moves, odd ones the scalar build
    const int lda = K + pad, ldb = N + pad, ldc = N + 1;
    const auto A = random<double>(static_cast<std::size_t>(M) * lda, 21), B = random<double>(static_cast<std::size_t>(K) * ldb, 22);
    const auto C0 = random<double>(static_cast<std::size_t>(M) * ldc, 23);
    const auto a = upload(A), b = upload(B), c = upload(C0);
    lai::ocl::gemm_device<double>(runtime(), cfg, M, N, K, 0.5, a.get(), lda, 0, b.get(), ldb, 0, -1.0, c.get(), ldc, 0,
                                  1, nullptr);
    std::vector<double> C(C0.size());
    lai::ocl::check(clEnqueueReadBuffer(runtime().queue, c.get(), CL_TRUE, 0, C.size() * sizeof(double), C.data(), 0,
                                        nullptr, nullptr),
                    "read", "");
    check_gemm<double>(M, N, K, 0.5, A.data(), lda, 1, B.data(), ldb, 1, -1.0, C0.data(), C.data(), ldc, 1,
                       "grid over, lda " + std::to_string(lda));
  }
  unsetenv("LAI_GEMM_GRID_OVER");
  unsetenv("LAI_GEMM_WAVE");
}
