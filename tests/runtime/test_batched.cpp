// Batched 4x4 products: CPU against a double-precision loop, OpenCL against
// the CPU, and argument checking.
#include <cstring>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using namespace lai_test;

template <class T>
std::vector<T> random_batch(std::size_t count) {
  std::vector<T> v(16 * count);
  for (T& x : v) x = uniform<T>();
  return v;
}

// Per product i: ||C_i - A_i B_i||_F <= c*(4 + a)*eps*||A_i||_F*||B_i||_F,
// with A_i B_i formed in double (exact enough for f32, and a classical
// product for f64 whose own error the constant c covers).
template <class T>
void expect_products(const std::vector<T>& A, const std::vector<T>& B, const std::vector<T>& C, std::size_t count,
                     double c, double a) {
  std::size_t bad = 0;
  for (std::size_t b = 0; b < count; ++b) {
    const T* x = &A[16 * b];
    const T* y = &B[16 * b];
    const T* z = &C[16 * b];
    double err2 = 0, nx = 0, ny = 0;
    for (int i = 0; i < 16; ++i) {
      nx += static_cast<double>(x[i]) * static_cast<double>(x[i]);
      ny += static_cast<double>(y[i]) * static_cast<double>(y[i]);
    }
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) {
        double s = 0;
        for (int p = 0; p < 4; ++p) s += static_cast<double>(x[4 * i + p]) * static_cast<double>(y[4 * p + j]);
        const double d = static_cast<double>(z[4 * i + j]) - s;
        err2 += d * d;
      }
    }
    if (!(std::sqrt(err2) <= c * (4 + a) * eps<T>() * std::sqrt(nx) * std::sqrt(ny))) {
      if (bad++ < 3) ADD_FAILURE() << "product " << b << " off by " << std::sqrt(err2);
    }
  }
  EXPECT_EQ(bad, 0u);
}

lai_status batched(const double* A, const double* B, double* C, std::size_t n, lai_backend be) {
  return lai_dgemm_batched4x4(A, B, C, n, be);
}
lai_status batched(const float* A, const float* B, float* C, std::size_t n, lai_backend be) {
  return lai_sgemm_batched4x4(A, B, C, n, be);
}

template <class T>
void cpu_counts() {
  // 70000 crosses the size from which the CPU loop is split over threads;
  // 300001 the size from which C is written with non-temporal stores (16 MiB
  // of C, runtime/src/cpu/batched.cpp), with an odd count so the threads'
  // parts end off the 8-product granule.
  for (std::size_t count : {std::size_t{1}, std::size_t{7}, std::size_t{1000}, std::size_t{70000}, std::size_t{300001}}) {
    SCOPED_TRACE(count);
    const std::vector<T> A = random_batch<T>(count), B = random_batch<T>(count);
    std::vector<T> C(16 * count, std::numeric_limits<T>::quiet_NaN());  // must be overwritten, not read
    ASSERT_EQ(batched(A.data(), B.data(), C.data(), count, LAI_BACKEND_CPU), LAI_SUCCESS) << lai_last_error();
    expect_products(A, B, C, count, kFastC, kFastA);
  }
}

TEST(BatchedCpu, DoubleAgainstReference) { cpu_counts<double>(); }

// C only 8-byte aligned (one double off an allocation): the non-temporal
// stores need 16-byte alignment, so this batch takes ordinary stores.
TEST(BatchedCpu, LargeBatchMisalignedC) {
  const std::size_t count = 140001;  // > 16 MiB of C
  const std::vector<double> A = random_batch<double>(count), B = random_batch<double>(count);
  std::vector<double> C(16 * count + 1, std::numeric_limits<double>::quiet_NaN());
  ASSERT_EQ(lai_dgemm_batched4x4(A.data(), B.data(), C.data() + 1, count, LAI_BACKEND_CPU), LAI_SUCCESS)
      << lai_last_error();
  const std::vector<double> Cs(C.begin() + 1, C.end());
  expect_products(A, B, Cs, count, kFastC, kFastA);
  EXPECT_TRUE(std::isnan(C[0])) << "nothing written before C";
}
TEST(BatchedCpu, FloatAgainstReference) { cpu_counts<float>(); }

TEST(BatchedCpu, EverySchemeIncludingNon4x4) {
  // Schemes of another shape fall back to a plain loop: still correct.
  for (int i = 0; i < lai_scheme_count(); ++i) {
    SchemeGuard scheme(lai_scheme_name(i));
    const std::size_t count = 33;
    const std::vector<double> A = random_batch<double>(count), B = random_batch<double>(count);
    std::vector<double> C(16 * count);
    ASSERT_EQ(lai_dgemm_batched4x4(A.data(), B.data(), C.data(), count, LAI_BACKEND_CPU), LAI_SUCCESS);
    expect_products(A, B, C, count, kFastC, kFastA);
  }
}

TEST(BatchedCpu, AutoSmallBatchRunsOnCpu) {
  const std::size_t count = 100;
  const std::vector<float> A = random_batch<float>(count), B = random_batch<float>(count);
  std::vector<float> C(16 * count);
  ASSERT_EQ(lai_sgemm_batched4x4(A.data(), B.data(), C.data(), count, LAI_BACKEND_AUTO), LAI_SUCCESS)
      << lai_last_error();
  expect_products(A, B, C, count, kFastC, kFastA);
}

TEST(BatchedArgs, Misuse) {
  std::vector<double> A(32, 1.0), B(32, 1.0), C(32, 7.0);
  const std::vector<double> before = C;
  auto expect = [&](lai_status got, const char* needle) {
    EXPECT_EQ(got, LAI_ERROR_INVALID_ARGUMENT);
    const std::string msg = lai_last_error();
    EXPECT_EQ(msg.rfind("lai_dgemm_batched4x4: ", 0), 0u) << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << "'" << needle << "' not in: " << msg;
    EXPECT_EQ(std::memcmp(C.data(), before.data(), C.size() * sizeof(double)), 0);
  };
  expect(lai_dgemm_batched4x4(nullptr, B.data(), C.data(), 2, LAI_BACKEND_CPU), "A is NULL but count=2 > 0");
  expect(lai_dgemm_batched4x4(A.data(), nullptr, C.data(), 2, LAI_BACKEND_CPU), "B is NULL");
  expect(lai_dgemm_batched4x4(A.data(), B.data(), nullptr, 2, LAI_BACKEND_CPU), "C is NULL");
  expect(lai_dgemm_batched4x4(A.data(), B.data(), C.data(), 2, bad_enum<lai_backend>(9)),
         "backend=9 must be LAI_BACKEND_AUTO (0), LAI_BACKEND_CPU (1) or LAI_BACKEND_OPENCL (2)");
  expect(lai_dgemm_batched4x4(A.data(), B.data(), C.data(), SIZE_MAX / 64, LAI_BACKEND_CPU), "is too large");
  expect(lai_dgemm_batched4x4(C.data(), B.data(), C.data(), 2, LAI_BACKEND_CPU), "C overlaps A");
  expect(lai_dgemm_batched4x4(A.data(), C.data() + 8, C.data(), 2, LAI_BACKEND_CPU), "C overlaps B");
  // count = 0 touches nothing, NULL pointers included.
  EXPECT_EQ(lai_dgemm_batched4x4(nullptr, nullptr, nullptr, 0, LAI_BACKEND_OPENCL), LAI_SUCCESS);
  EXPECT_EQ(lai_sgemm_batched4x4(nullptr, nullptr, nullptr, 0, LAI_BACKEND_CPU), LAI_SUCCESS);
  float f[16] = {};
  EXPECT_EQ(lai_sgemm_batched4x4(f, nullptr, f, 1, LAI_BACKEND_CPU), LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(std::string(lai_last_error()).rfind("lai_sgemm_batched4x4: ", 0), 0u) << lai_last_error();
}

// --- OpenCL ----------------------------------------------------------------

bool scheme_has_ocl(int bit) {
  for (int i = 0; i < lai_scheme_count(); ++i) {
    if (std::strcmp(lai_scheme_name(i), lai_get_scheme()) == 0) {
      return (lai_internal_scheme_kernels(i, nullptr, nullptr, nullptr) & bit) != 0;
    }
  }
  return false;
}

template <class T>
void opencl_against_cpu() {
  // Counts around work-group multiples (64) and one large batch.
  for (std::size_t count : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{5000},
                            std::size_t{200000}}) {
    SCOPED_TRACE(count);
    const std::vector<T> A = random_batch<T>(count), B = random_batch<T>(count);
    std::vector<T> cpu(16 * count), gpu(16 * count, std::numeric_limits<T>::quiet_NaN());
    ASSERT_EQ(batched(A.data(), B.data(), cpu.data(), count, LAI_BACKEND_CPU), LAI_SUCCESS) << lai_last_error();
    const lai_status st = batched(A.data(), B.data(), gpu.data(), count, LAI_BACKEND_OPENCL);
    ASSERT_EQ(st, LAI_SUCCESS) << lai_status_string(st) << ": " << lai_last_error();
    // Both results meet the per-product bound against the exact product, so
    // they differ by at most twice that bound.
    std::size_t bad = 0;
    for (std::size_t b = 0; b < count; ++b) {
      double err2 = 0, na = 0, nb = 0;
      for (int i = 0; i < 16; ++i) {
        const double d = static_cast<double>(gpu[16 * b + i]) - static_cast<double>(cpu[16 * b + i]);
        err2 += d * d;
        na += static_cast<double>(A[16 * b + i]) * static_cast<double>(A[16 * b + i]);
        nb += static_cast<double>(B[16 * b + i]) * static_cast<double>(B[16 * b + i]);
      }
      if (!(std::sqrt(err2) <= 2 * kFastC * (4 + kFastA) * eps<T>() * std::sqrt(na * nb)) && bad++ < 3) {
        ADD_FAILURE() << "product " << b << " differs by " << std::sqrt(err2);
      }
    }
    EXPECT_EQ(bad, 0u);
  }
}

TEST(BatchedOpencl, FloatAgainstCpu) {
  LAI_REQUIRE_OPENCL_OR_SKIP();
  ASSERT_TRUE(scheme_has_ocl(32)) << "scheme " << lai_get_scheme() << " has no OpenCL f32 kernel";
  opencl_against_cpu<float>();
}

TEST(BatchedOpencl, DoubleAgainstCpu) {
  LAI_REQUIRE_OPENCL_OR_SKIP();
  ASSERT_TRUE(scheme_has_ocl(16)) << "scheme " << lai_get_scheme() << " has no OpenCL f64 kernel";
  double probe_a[16] = {}, probe_c[16];
  const lai_status st = lai_dgemm_batched4x4(probe_a, probe_a, probe_c, 1, LAI_BACKEND_OPENCL);
  if (st == LAI_ERROR_NOT_SUPPORTED) {
    // A device without fp64 must say so, not compute in single precision.
    EXPECT_NE(std::string(lai_last_error()).find("double precision"), std::string::npos) << lai_last_error();
    GTEST_SKIP() << lai_last_error();
  }
  opencl_against_cpu<double>();
}

TEST(BatchedOpencl, AutoLargeBatchIsCorrect) {
  // Whatever AUTO picks (OpenCL on a GPU, the CPU otherwise), it must succeed.
  const std::size_t count = std::size_t{1} << 17;
  const std::vector<float> A = random_batch<float>(count), B = random_batch<float>(count);
  std::vector<float> C(16 * count);
  ASSERT_EQ(lai_sgemm_batched4x4(A.data(), B.data(), C.data(), count, LAI_BACKEND_AUTO), LAI_SUCCESS)
      << lai_last_error();
  expect_products(A, B, C, count, 2 * kFastC, kFastA);
}

}  // namespace
