// Thread safety: concurrent GEMMs of different shapes (all dispatch paths),
// concurrent configuration changes, and per-thread lai_last_error.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace {

using namespace lai_test;

// Each thread checks its products with a plain triple loop (independent of
// BLAS) under the fast-scheme bound of test_support.h.
bool product_ok(int m, int n, int k, const std::vector<double>& A, const std::vector<double>& B,
                const std::vector<double>& C) {
  double err2 = 0, na = 0, nb = 0;
  for (double v : A) na += v * v;
  for (double v : B) nb += v * v;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int p = 0; p < k; ++p) s += A[static_cast<std::size_t>(i * k + p)] * B[static_cast<std::size_t>(p * n + j)];
      const double d = C[static_cast<std::size_t>(i * n + j)] - s;
      err2 += d * d;
    }
  }
  return std::sqrt(err2) <= kFastC * (k + kFastA) * eps<double>() * std::sqrt(na) * std::sqrt(nb);
}

TEST(Threads, ConcurrentGemmAndIsolatedLastError) {
  ThresholdGuard threshold(48);  // 64^3 goes to the block kernel, smaller to BLAS
  constexpr int kThreads = 4;
  constexpr int kIters = 60;
  const int shapes[kThreads][3] = {{4, 4, 4}, {20, 30, 10}, {64, 64, 64}, {50, 49, 70}};
  std::atomic<int> failures{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      const int m = shapes[t][0], n = shapes[t][1], k = shapes[t][2];
      std::vector<double> A(static_cast<std::size_t>(m * k)), B(static_cast<std::size_t>(k * n)),
          C(static_cast<std::size_t>(m * n));
      std::mt19937_64 g(static_cast<unsigned>(t) + 1);
      std::uniform_real_distribution<double> d(-1, 1);
      for (int it = 0; it < kIters; ++it) {
        for (double& v : A) v = d(g);
        for (double& v : B) v = d(g);
        if (lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, m, n, k, 1.0, A.data(), k, B.data(), n, 0.0,
                      C.data(), n) != LAI_SUCCESS ||
            !product_ok(m, n, k, A, B, C)) {
          ++failures;
        }
        // A failing call whose message carries this thread's own value:
        // another thread's failure must never show up here.
        const int bad_m = -(100 * t + it + 1);
        if (lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, bad_m, n, k, 1.0, A.data(), k, B.data(), n, 0.0,
                      C.data(), n) != LAI_ERROR_INVALID_ARGUMENT) {
          ++failures;
        }
        std::this_thread::yield();
        if (std::string(lai_last_error()) != "lai_dgemm: m=" + std::to_string(bad_m) + " must be >= 0") ++failures;
      }
    });
  }
  // Configuration changes racing with the calls: every value is valid, so
  // every result must stay correct whichever path each call takes.
  threads.emplace_back([&] {
    while (!go.load()) std::this_thread::yield();
    for (int it = 0; it < 200; ++it) {
      lai_set_block_threshold(it % 2 == 0 ? 48 : 4096);
      std::this_thread::yield();
    }
    lai_set_block_threshold(48);
  });
  go = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

// Several threads sharing the OpenCL device, context, queue and program cache
// (including the first build, which they race for).
TEST(Threads, ConcurrentOpenclBatches) {
  LAI_REQUIRE_OPENCL_OR_SKIP();
  constexpr int kThreads = 3;
  std::atomic<int> failures{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::size_t count = 1000 + 97 * static_cast<std::size_t>(t);
      std::vector<float> A(16 * count), B(16 * count), C(16 * count), R(16 * count);
      std::mt19937 g(static_cast<unsigned>(t) + 7);
      std::uniform_real_distribution<float> d(-1, 1);
      for (float& v : A) v = d(g);
      for (float& v : B) v = d(g);
      if (lai_sgemm_batched4x4(A.data(), B.data(), R.data(), count, LAI_BACKEND_CPU) != LAI_SUCCESS) ++failures;
      for (int it = 0; it < 5; ++it) {
        if (lai_sgemm_batched4x4(A.data(), B.data(), C.data(), count, LAI_BACKEND_OPENCL) != LAI_SUCCESS) {
          errors[static_cast<std::size_t>(t)] = lai_last_error();
          ++failures;
          return;
        }
        for (std::size_t i = 0; i < C.size(); ++i) {
          // Entries are 4-term dot products of values in [-1,1]: |c| <= 4, and
          // both results are within 2*kFastC*(4+kFastA)*eps of the exact one.
          if (!(std::abs(C[i] - R[i]) <= 2 * kFastC * (4 + kFastA) * eps<float>() * 4)) {
            ++failures;
            return;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0) << errors[0] << errors[1] << errors[2];
}

TEST(Threads, LastErrorIsEmptyOnAFreshThread) {
  lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, -1, 1, 1, 1.0, nullptr, 1, nullptr, 1, 0.0, nullptr, 1);
  std::string seen = "unset";
  std::thread([&] { seen = lai_last_error(); }).join();
  EXPECT_EQ(seen, "");
}

}  // namespace
