// Staged host<->device copies (opencl/staging.h) on PoCL, forced with
// LAI_STAGING=1: columns land where a plain rectangular copy puts them,
// bytes outside the region (device and host padding) are left alone, copies
// with columns longer than a staging slot take the plain path, an SVD
// whose upload and downloads are staged gives bit-for-bit the results of
// the plain copies, the upload's NaN/Inf check names the first bad element,
// and GPU SVDs in two threads at once give the results of the same calls
// made alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "lapack_ai/lapack_ai.h"
#include "opencl/pool.h"
#include "opencl/runtime.h"
#include "opencl/staging.h"

namespace {

struct EnvGuard {
  explicit EnvGuard(const char* v, const char* name = "LAI_STAGING") : name_(name) { setenv(name, v, 1); }
  ~EnvGuard() { unsetenv(name_); }
  const char* name_;
};

// rows x cols doubles (col_bytes = 8 rows) at device pitch dp and offset
// off, host pitch hp: write, check the device bytes with one plain read,
// read back into a second host array, check that.
void round_trip(std::size_t rows, std::size_t cols, std::size_t hp, std::size_t dp, std::size_t off) {
  const lai::ocl::Runtime& rt = lai::ocl::runtime();
  const std::size_t dev_bytes = off + dp * 8 * cols;
  std::vector<double> host(hp * cols);
  std::mt19937_64 g(7);
  for (double& v : host) v = static_cast<double>(g() >> 11);
  lai::ocl::PooledBuffer buf = lai::ocl::acquire_buffer(rt, dev_bytes);
  const unsigned char pattern = 0xA5;
  ASSERT_EQ(clEnqueueFillBuffer(rt.queue, buf.get(), &pattern, 1, 0, dev_bytes, 0, nullptr, nullptr), CL_SUCCESS);
  lai::ocl::write_columns(rt, buf.get(), off, dp * 8, host.data(), hp * 8, rows * 8, cols, "test");
  std::vector<unsigned char> dev(dev_bytes);
  ASSERT_EQ(clEnqueueReadBuffer(rt.queue, buf.get(), CL_TRUE, 0, dev_bytes, dev.data(), 0, nullptr, nullptr),
            CL_SUCCESS);
  std::size_t bad = 0;
  for (std::size_t b = 0; b < dev_bytes; ++b) {
    const bool inside = b >= off && (b - off) % (dp * 8) < rows * 8;
    const unsigned char want =
        inside ? reinterpret_cast<const unsigned char*>(host.data())[((b - off) / (dp * 8)) * hp * 8 +
                                                                      (b - off) % (dp * 8)]
               : pattern;
    bad += dev[b] != want;
  }
  EXPECT_EQ(bad, 0u) << "device bytes differing from a plain copy (" << rows << "x" << cols << ")";
  std::vector<double> back(hp * cols, -1.0);
  lai::ocl::read_columns(rt, buf.get(), off, dp * 8, back.data(), hp * 8, rows * 8, cols, "test");
  bad = 0;
  for (std::size_t c = 0; c < cols; ++c)
    for (std::size_t r = 0; r < hp; ++r) {
      const double want = r < rows ? host[c * hp + r] : -1.0;
      bad += std::memcmp(&back[c * hp + r], &want, 8) != 0;
    }
  EXPECT_EQ(bad, 0u) << "host elements differing after the read back";
}

TEST(Staging, ColumnsLandWhereAPlainCopyPutsThem) {
  EnvGuard env("1");
  const lai::ocl::Runtime& rt = lai::ocl::runtime();
  ASSERT_TRUE(lai::ocl::staging_used(rt, 12u << 20));
  const std::size_t before = lai::ocl::staged_copies();
  // 1500 x 1001 doubles = 12 MB: not a multiple of the 174 columns that
  // fit a 2 MB slot; odd pitches and a byte offset.
  round_trip(1500, 1001, 1503, 1600, 64);
  // One column per slot exactly (2 MB / 8 = 262144 rows), 5 columns.
  round_trip(262144, 5, 262144, 262146, 0);
  EXPECT_EQ(lai::ocl::staged_copies() - before, 4u);  // two writes, two reads
  // Helper threads copying (this machine's default may be one thread):
  // 2 and 8 threads, batches of chunks with the last batch partly empty.
  for (const char* t : {"2", "8"}) {
    EnvGuard threads(t, "LAI_STAGING_THREADS");
    round_trip(1500, 1001, 1503, 1600, 64);
    round_trip(700, 3001, 700, 701, 8);
  }
  EXPECT_EQ(lai::ocl::staged_copies() - before, 12u);
}

TEST(Staging, ColumnsLongerThanASlotTakeThePlainPath) {
  EnvGuard env("1");
  const std::size_t before = lai::ocl::staged_copies();
  round_trip(262145, 5, 262150, 262145, 8);  // 10 MB, over the 8 MB threshold
  EXPECT_EQ(lai::ocl::staged_copies(), before);
}

TEST(Staging, BelowTheThresholdOrOffItIsNotUsed) {
  const lai::ocl::Runtime& rt = lai::ocl::runtime();
  {
    EnvGuard env("1");
    EXPECT_FALSE(lai::ocl::staging_used(rt, (8u << 20) - 1));
  }
  {
    // Neither 0 nor 1: ignored, the policy decides (PoCL is no GPU: plain).
    EnvGuard other("yes");
    EXPECT_EQ(lai::ocl::staging_used(rt, 64u << 20), rt.device.gpu);
  }
  EnvGuard off("0");
  EXPECT_FALSE(lai::ocl::staging_used(rt, 64u << 20));
  const std::size_t before = lai::ocl::staged_copies();
  round_trip(1500, 1001, 1503, 1600, 64);
  EXPECT_EQ(lai::ocl::staged_copies(), before);
}

// 1200 x 1050 f64 (10 MB): the uploads of A, U_B and VT_B (8.8 MB each) and
// the downloads of U (10 MB) and VT (8.8 MB) are staged.
TEST(Staging, SvdResultsIdenticalWithAndWithoutStaging) {
  const int m = 1200, n = 1050;
  std::vector<double> A0(static_cast<std::size_t>(m) * n);
  std::mt19937_64 g(11);
  std::normal_distribution<double> nd;
  for (double& v : A0) v = nd(g);
  const lai_svd_options gpu{LAI_BACKEND_OPENCL, LAI_SVD_DRIVER_AUTO};
  auto run = [&](const char* staging, std::vector<double>& s, std::vector<double>& U, std::vector<double>& VT) {
    EnvGuard env(staging);
    std::vector<double> A = A0;
    s.assign(n, 0);
    U.assign(static_cast<std::size_t>(m) * n, 0);
    VT.assign(static_cast<std::size_t>(n) * n, 0);
    int info = -1;
    ASSERT_EQ(lai_dgesvd_ex('S', 'S', m, n, A.data(), m, s.data(), U.data(), m, VT.data(), n, &info, &gpu),
              LAI_SUCCESS)
        << lai_last_error();
    ASSERT_EQ(info, 0);
  };
  std::vector<double> s1, U1, VT1, s0, U0, VT0;
  const std::size_t before = lai::ocl::staged_copies();
  run("1", s1, U1, VT1);
  EXPECT_EQ(lai::ocl::staged_copies() - before, 5u);  // A, U_B, VT_B up; U, VT down
  run("0", s0, U0, VT0);
  EXPECT_EQ(lai::ocl::staged_copies() - before, 5u);
  EXPECT_EQ(std::memcmp(s1.data(), s0.data(), 8 * s0.size()), 0);
  EXPECT_EQ(std::memcmp(U1.data(), U0.data(), 8 * U0.size()), 0);
  EXPECT_EQ(std::memcmp(VT1.data(), VT0.data(), 8 * VT0.size()), 0);
  EXPECT_GT(s0[0], 0.0);
}

}  // namespace

namespace {

// The GPU path checks A for NaN/Inf while its upload copies the columns
// (gesvd_opencl with max_abs < 0, as lai_dgesvd calls it): the first
// non-finite element in column order is named, nothing is written, also
// when several copying threads each meet one (staged, 4 threads), for m < n
// (A is uploaded as it is and transposed on the device) and on the plain
// path (below the staging threshold).
TEST(Staging, NonFiniteFoundByTheUploadFirstInColumnOrder) {
  const lai_svd_options gpu{LAI_BACKEND_OPENCL, LAI_SVD_DRIVER_AUTO};
  struct Case {
    int m, n;
    const char* staging;
    std::vector<std::array<int, 3>> bad;  // row, column, kind (0 NaN, 1 +Inf, 2 -Inf)
    const char* expect;
  };
  const std::vector<Case> cases = {
      {1200, 1050, "1", {{700, 901, 0}, {5, 900, 1}, {3, 1000, 0}, {1199, 1049, 2}}, "A(5,900) = +Inf"},
      {1200, 1050, "1", {{0, 3, 2}, {9, 1040, 0}}, "A(0,3) = -Inf"},
      {1050, 1200, "1", {{1049, 1199, 0}, {17, 640, 0}}, "A(17,640) = NaN"},
      {60, 40, "0", {{59, 39, 1}, {2, 39, 0}}, "A(2,39) = NaN"},
  };
  for (const Case& c : cases) {
    EnvGuard env(c.staging);
    EnvGuard threads("4", "LAI_STAGING_THREADS");
    std::vector<double> A(static_cast<std::size_t>(c.m) * c.n, 0.25);
    for (const auto& b : c.bad) {
      const double v = b[2] == 0 ? std::nan("") : (b[2] == 1 ? HUGE_VAL : -HUGE_VAL);
      A[static_cast<std::size_t>(b[1]) * c.m + static_cast<std::size_t>(b[0])] = v;
    }
    const int k = std::min(c.m, c.n);
    std::vector<double> s(k, -3.0), U(static_cast<std::size_t>(c.m) * k, -3.0), VT(static_cast<std::size_t>(k) * c.n, -3.0);
    int info = -1;
    EXPECT_EQ(lai_dgesvd_ex('S', 'S', c.m, c.n, A.data(), c.m, s.data(), U.data(), c.m, VT.data(), k, &info, &gpu),
              LAI_ERROR_NOT_FINITE)
        << c.m << "x" << c.n;
    EXPECT_NE(std::string(lai_last_error()).find(c.expect), std::string::npos) << lai_last_error();
    EXPECT_TRUE(std::all_of(s.begin(), s.end(), [](double v) { return v == -3.0; }));
    EXPECT_TRUE(std::all_of(U.begin(), U.end(), [](double v) { return v == -3.0; }));
    EXPECT_TRUE(std::all_of(VT.begin(), VT.end(), [](double v) { return v == -3.0; }));
  }
}

}  // namespace

namespace {

// Two threads running GPU SVDs at once: large values-only calls whose
// uploads contend for the staging buffers (one thread gets them, the other
// copies plainly), and thin-vector calls through the divide and conquer
// with device products (its own thread pools and GEMMs in both threads at
// once). Every result must equal, bit for bit, the same call made alone.
TEST(Staging, ConcurrentGpuSvdsMatchTheSequentialResults) {
  EnvGuard staging("1");
  EnvGuard dc("hybrid", "LAI_SVD_DC");
  EnvGuard leaf("8", "LAI_SVD_DC_LEAF");
  EnvGuard gpu_min("16", "LAI_SVD_DC_GPU_MIN");
  const lai_svd_options gpu{LAI_BACKEND_OPENCL, LAI_SVD_DRIVER_AUTO};
  struct Job {
    int m, n;
    char job;
    std::vector<double> A, s, U, VT;
  };
  std::vector<Job> jobs;
  std::mt19937_64 g(31);
  std::normal_distribution<double> nd;
  // Thread t runs jobs t and t + 2: first both large ones at once, then
  // both small ones.
  for (int t = 0; t < 2; ++t) jobs.push_back({1100 + 10 * t, 1000, 'N', {}, {}, {}, {}});  // 8.8 MB: staged
  for (int t = 0; t < 2; ++t) jobs.push_back({150 + 7 * t, 120, 'S', {}, {}, {}, {}});  // divide and conquer
  for (Job& j : jobs) {
    j.A.resize(static_cast<std::size_t>(j.m) * j.n);
    for (double& v : j.A) v = nd(g);
  }
  auto run = [&](const Job& j, std::vector<double>& s, std::vector<double>& U, std::vector<double>& VT) {
    const int k = std::min(j.m, j.n);
    std::vector<double> A = j.A;
    s.assign(static_cast<std::size_t>(k), 0);
    U.assign(j.job == 'S' ? static_cast<std::size_t>(j.m) * k : 1, 0);
    VT.assign(j.job == 'S' ? static_cast<std::size_t>(k) * j.n : 1, 0);
    int info = -1;
    const lai_status st = lai_dgesvd_ex(j.job, j.job, j.m, j.n, A.data(), j.m, s.data(), U.data(),
                                        j.job == 'S' ? j.m : 1, VT.data(), j.job == 'S' ? k : 1, &info, &gpu);
    return st == LAI_SUCCESS && info == 0;
  };
  for (Job& j : jobs) ASSERT_TRUE(run(j, j.s, j.U, j.VT)) << lai_last_error();
  std::vector<int> ok(2, 0);
  std::vector<std::thread> team;
  for (int t = 0; t < 2; ++t) {
    team.emplace_back([&, t] {
      int good = 1;
      for (int i = t; i < static_cast<int>(jobs.size()); i += 2) {
        std::vector<double> s, U, VT;
        const Job& j = jobs[static_cast<std::size_t>(i)];
        good &= run(j, s, U, VT) ? 1 : 0;
        good &= s == j.s && U == j.U && VT == j.VT ? 1 : 0;
      }
      ok[static_cast<std::size_t>(t)] = good;
    });
  }
  for (std::thread& th : team) th.join();
  EXPECT_EQ(ok[0], 1);
  EXPECT_EQ(ok[1], 1);
}

}  // namespace
