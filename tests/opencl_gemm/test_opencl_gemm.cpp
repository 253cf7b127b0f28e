// GPU kernels on the OpenCL device the library picks (PoCL in CI), each
// against a long-double CPU reference with the bound
// |c - ref| <= 4 * (k + 2) * eps * (|alpha| sum_k |a b| + |beta c|).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "diagnostics/error.h"
#include "lapack_ai/lapack_ai.h"
#include "opencl/cl_error.h"
#include "opencl/gpu.h"
#include "opencl/pool.h"
#include "opencl/runtime.h"
#include "gemm_reference.h"

namespace {

using lai::ocl::runtime;

bool have_device() { return lai_opencl_init() == LAI_SUCCESS; }

#define REQUIRE_DEVICE()                                                      \
  if (!have_device()) GTEST_SKIP() << "no OpenCL device: " << lai_last_error()

using lai_test::check_gemm;
using lai_test::random;

template <class T, class F>
void public_api_case(F gemm, lai_layout layout, lai_transpose ta, lai_transpose tb, int m, int n, int k, T alpha,
                     T beta) {
  const bool row = layout == LAI_ROW_MAJOR;
  const int ar = ta == LAI_NO_TRANS ? m : k, ac = ta == LAI_NO_TRANS ? k : m;  // op(A) stored shape (row view)
  const int br = tb == LAI_NO_TRANS ? k : n, bc = tb == LAI_NO_TRANS ? n : k;
  const int lda = (row ? ac : ar) + 3, ldb = (row ? bc : br) + 1, ldc = (row ? n : m) + 2;
  auto A = random<T>(static_cast<std::size_t>(lda) * (row ? ar : ac), 1);
  auto B = random<T>(static_cast<std::size_t>(ldb) * (row ? br : bc), 2);
  auto C0 = random<T>(static_cast<std::size_t>(ldc) * (row ? m : n), 3);
  auto C = C0;
  ASSERT_EQ(gemm(layout, ta, tb, m, n, k, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc), LAI_SUCCESS)
      << lai_last_error();
  EXPECT_STREQ(lai_opencl_fallback_reason(), "");
  // Strides of op(A)(i, q) in the stored array.
  auto strides = [&](bool trans, int ld) {
    // row-major stored X: X(r, c) at r*ld + c; column-major: r + c*ld.
    std::ptrdiff_t rs = row ? ld : 1, cs = row ? 1 : ld;
    if (trans) std::swap(rs, cs);
    return std::pair<std::ptrdiff_t, std::ptrdiff_t>(rs, cs);
  };
  const auto [rsa, csa] = strides(ta != LAI_NO_TRANS, lda);
  const auto [rsb, csb] = strides(tb != LAI_NO_TRANS, ldb);
  const auto [rsc, csc] = strides(false, ldc);
  check_gemm<T>(m, n, k, alpha, A.data(), rsa, csa, B.data(), rsb, csb, beta, C0.data(), C.data(), rsc, csc,
                std::string(row ? "row" : "col") + " ta=" + std::to_string(ta) + " tb=" + std::to_string(tb) +
                    " m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k));
}

TEST(OpenclGemm, PublicDgemmAllLayoutsAndTransposes) {
  REQUIRE_DEVICE();
  for (lai_layout l : {LAI_ROW_MAJOR, LAI_COL_MAJOR})
    for (lai_transpose ta : {LAI_NO_TRANS, LAI_TRANS})
      for (lai_transpose tb : {LAI_NO_TRANS, LAI_TRANS}) {
        public_api_case<double>(lai_dgemm_opencl, l, ta, tb, 37, 70, 29, 1.5, 0.5);
      }
  public_api_case<double>(lai_dgemm_opencl, LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 64, 64, 64, -1.0, 0.0);
}

TEST(OpenclGemm, PublicSgemm) {
  REQUIRE_DEVICE();
  public_api_case<float>(lai_sgemm_opencl, LAI_ROW_MAJOR, LAI_TRANS, LAI_NO_TRANS, 65, 33, 40, 2.0f, -1.0f);
  public_api_case<float>(lai_sgemm_opencl, LAI_COL_MAJOR, LAI_NO_TRANS, LAI_TRANS, 16, 100, 7, 1.0f, 0.0f);
}

TEST(OpenclGemm, DeviceFailureFallsBackToCpuWithReason) {
  REQUIRE_DEVICE();
  setenv("LAI_OPENCL_GEMM", "no-such-variant", 1);
  std::vector<double> A(16, 1.0), B(16, 2.0), C(16, 0.0);
  EXPECT_EQ(lai_dgemm_opencl(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0, A.data(), 4, B.data(), 4, 0.0,
                             C.data(), 4),
            LAI_SUCCESS);
  EXPECT_NE(std::string(lai_opencl_fallback_reason()).find("no-such-variant"), std::string::npos)
      << lai_opencl_fallback_reason();
  for (double c : C) EXPECT_EQ(c, 8.0);
  setenv("LAI_OPENCL_NO_FALLBACK", "1", 1);
  EXPECT_EQ(lai_dgemm_opencl(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0, A.data(), 4, B.data(), 4, 0.0,
                             C.data(), 4),
            LAI_ERROR_INVALID_ARGUMENT);
  unsetenv("LAI_OPENCL_NO_FALLBACK");
  unsetenv("LAI_OPENCL_GEMM");
}

TEST(OpenclGemm, DeviceInfo) {
  REQUIRE_DEVICE();
  lai_opencl_info info;
  ASSERT_EQ(lai_opencl_get_info(&info), LAI_SUCCESS);
  EXPECT_GT(std::string(info.name).size(), 0u);
  EXPECT_GT(info.compute_units, 0u);
  EXPECT_GT(info.local_mem_bytes, 0u);
}

// Device buffers holding host data.
struct Dev {
  lai::ocl::PooledBuffer buf;
  template <class T>
  Dev(const std::vector<T>& h) : buf(lai::ocl::acquire_buffer(runtime(), h.size() * sizeof(T))) {
    lai::ocl::check(clEnqueueWriteBuffer(runtime().queue, buf.get(), CL_TRUE, 0, h.size() * sizeof(T), h.data(), 0,
                                         nullptr, nullptr),
                    "write", "");
  }
  template <class T>
  std::vector<T> read(std::size_t n) const {
    std::vector<T> h(n);
    lai::ocl::check(
        clEnqueueReadBuffer(runtime().queue, buf.get(), CL_TRUE, 0, n * sizeof(T), h.data(), 0, nullptr, nullptr),
        "read", "");
    return h;
  }
};

// One strided batch of 2 products through a GEMM leaf configuration.
template <class T>
void leaf_case(const std::string& variant, const std::string& options, int M, int N, int K) {
  const auto& rt = runtime();
  const lai::ocl::GemmConfig cfg = lai::ocl::gemm_config<T>(rt, variant, options);
  const int batch = 2;
  auto A = random<T>(static_cast<std::size_t>(batch) * M * K, 5), B = random<T>(static_cast<std::size_t>(batch) * K * N, 6),
       C0 = random<T>(static_cast<std::size_t>(batch) * M * N, 7);
  Dev a(A), b(B), c(C0);
  lai::ocl::gemm_device<T>(rt, cfg, M, N, K, T(0.75), a.buf.get(), K, static_cast<cl_ulong>(M) * K, b.buf.get(), N,
                           static_cast<cl_ulong>(K) * N, T(-0.5), c.buf.get(), N, static_cast<cl_ulong>(M) * N, batch,
                           nullptr);
  const auto C = c.read<T>(C0.size());
  for (int q = 0; q < batch; ++q) {
    check_gemm<T>(M, N, K, T(0.75), A.data() + q * M * K, K, 1, B.data() + q * K * N, N, 1, T(-0.5),
                  C0.data() + q * M * N, C.data() + q * M * N, N, 1, variant + " " + options + " batch " + std::to_string(q));
  }
}

TEST(OpenclGemm, GeneratedLeavesWithSpecDefaults) {
  REQUIRE_DEVICE();
  leaf_case<float>("tiled", "", 128, 64, 32);
  if (runtime().fp64) leaf_case<double>("tiled", "", 64, 128, 48);
}

TEST(OpenclGemm, TiledSmallTiles) {
  REQUIRE_DEVICE();
  leaf_case<float>("tiled", "-DMWG=32 -DNWG=16 -DKWG=8 -DMDIMC=8 -DNDIMC=4 -DPADA=1 -DPADB=0 -DGM=2", 96, 48, 24);
}

// The vector layout (A transposed in local memory, VEC-wide reads, register
// prefetch) with one and two local stages, both dtypes, non-square blocks.
TEST(OpenclGemm, TiledVectorLayout) {
  REQUIRE_DEVICE();
  for (int nbuf : {1, 2}) {
    const std::string nb = " -DNBUF=" + std::to_string(nbuf);
    leaf_case<float>("tiled", "-DMWG=32 -DNWG=64 -DKWG=8 -DMDIMC=4 -DNDIMC=8 -DPADA=4 -DPADB=4 -DGM=2 -DVEC=4" + nb, 96, 128, 40);
    leaf_case<float>("tiled", "-DMWG=64 -DNWG=32 -DKWG=16 -DMDIMC=8 -DNDIMC=4 -DPADA=4 -DPADB=0 -DGM=2 -DVEC=2" + nb, 128, 96, 48);
    if (runtime().fp64)
      leaf_case<double>("tiled", "-DMWG=32 -DNWG=32 -DKWG=8 -DMDIMC=8 -DNDIMC=4 -DPADA=2 -DPADB=2 -DGM=2 -DVEC=2" + nb, 64, 96, 24);
  }
}

// The NVIDIA tensor-core kernel with its mma emulated through local memory:
// checks every index of the kernel for each instruction shape.
TEST(OpenclGemm, TensorCoreKernelEmulated) {
  REQUIRE_DEVICE();
  if (!runtime().fp64) GTEST_SKIP() << "no fp64";
  for (int mmak : {0, 4, 8, 16}) {
    leaf_case<double>("nvmma",
                      "-DMWG=32 -DNWG=32 -DKWG=16 -DWGM=2 -DWGN=1 -DPADA=4 -DPADB=8 -DGM=2 -DMMA_VOLATILE=0 -DMMAK=" +
                          std::to_string(mmak) + " -DLAI_MMA_EMULATE",
                      64, 96, 48);
  }
  // Two local stages (one barrier per slice), the warp layouts of the H200 sweep.
  for (int mmak : {4, 8}) {
    leaf_case<double>("nvmma",
                      "-DMWG=32 -DNWG=32 -DKWG=8 -DWGM=2 -DWGN=1 -DPADA=4 -DPADB=4 -DGM=2 -DMMA_VOLATILE=0 -DNBUF=2 -DMMAK=" +
                          std::to_string(mmak) + " -DLAI_MMA_EMULATE",
                      64, 96, 40);
  }
  leaf_case<double>("nvmma",
                    "-DMWG=64 -DNWG=32 -DKWG=16 -DWGM=4 -DWGN=2 -DPADA=4 -DPADB=4 -DGM=2 -DMMA_VOLATILE=0 -DNBUF=1 "
                    "-DMMAK=4 -DLAI_MMA_EMULATE",
                    128, 64, 48);
  // 16-byte pair moves from global to local memory (VLD 2; even ld and offsets here).
  for (int nbuf : {1, 2}) {
    leaf_case<double>("nvmma",
                      "-DMWG=32 -DNWG=32 -DKWG=" + std::string(nbuf == 1 ? "16" : "8") +
                          " -DWGM=2 -DWGN=1 -DPADA=4 -DPADB=4 -DGM=2 -DMMA_VOLATILE=0 -DMMAK=4 -DVLD=2 -DNBUF=" +
                          std::to_string(nbuf) + " -DLAI_MMA_EMULATE",
                      64, 96, 48);
  }
}

// The 3xTF32 kernel (lai_gemm_nvtf32_f32) with its mma and tf32 rounding
// emulated (local memory, integer rounding): every index of the kernel and
// the split itself, which must stay within the FP32 bound of check_gemm.
TEST(OpenclGemm, Tf32KernelEmulated) {
  REQUIRE_DEVICE();
  const std::string base = " -DPADA=4 -DPADB=8 -DGM=2 -DLAI_MMA_EMULATE";
  leaf_case<float>("nvtf32", "-DMWG=32 -DNWG=32 -DKWG=16 -DWGM=2 -DWGN=1 -DNBUF=1 -DLSPLIT=1" + base, 64, 96, 48);
  leaf_case<float>("nvtf32", "-DMWG=32 -DNWG=32 -DKWG=16 -DWGM=2 -DWGN=1 -DNBUF=1 -DLSPLIT=0" + base, 64, 96, 48);
  leaf_case<float>("nvtf32", "-DMWG=32 -DNWG=32 -DKWG=8 -DWGM=1 -DWGN=2 -DNBUF=2 -DLSPLIT=1" + base, 64, 96, 40);
  leaf_case<float>("nvtf32", "-DMWG=32 -DNWG=32 -DKWG=8 -DWGM=2 -DWGN=1 -DNBUF=2 -DLSPLIT=0" + base, 64, 96, 40);
  leaf_case<float>("nvtf32", "-DMWG=64 -DNWG=32 -DKWG=16 -DWGM=2 -DWGN=2 -DNBUF=1 -DLSPLIT=1" + base, 128, 64, 48);
}

// Plain TF32 (TF32X=1) is not SGEMM-accurate: its error exceeds the FP32
// bound that 3xTF32 meets on the same matrices (so the sweep's accuracy
// check can tell them apart), but stays within TF32's own (2^13 x FP32).
TEST(OpenclGemm, Tf32SingleIsLessAccurate) {
  REQUIRE_DEVICE();
  const auto& rt = runtime();
  const int M = 32, N = 32, K = 256;
  auto A = random<float>(static_cast<std::size_t>(M) * K, 11), B = random<float>(static_cast<std::size_t>(K) * N, 12);
  std::vector<float> C0(static_cast<std::size_t>(M) * N, 0.0f);
  auto worst = [&](int x) {
    const auto cfg = lai::ocl::gemm_config<float>(
        rt, "nvtf32",
        "-DMWG=32 -DNWG=32 -DKWG=16 -DWGM=2 -DWGN=1 -DPADA=4 -DPADB=8 -DGM=2 -DLAI_MMA_EMULATE -DTF32X=" +
            std::to_string(x));
    Dev a(A), b(B), c(C0);
    lai::ocl::gemm_device<float>(rt, cfg, M, N, K, 1.0f, a.buf.get(), K, 0, b.buf.get(), N, 0, 0.0f, c.buf.get(), N,
                                 0, 1, nullptr);
    const auto C = c.read<float>(C0.size());
    double e = 0;
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) {
        long double ref = 0, mag = 0;
        for (int q = 0; q < K; ++q) {
          const long double p = static_cast<long double>(A[i * K + q]) * B[q * N + j];
          ref += p;
          mag += std::fabs(p);
        }
        e = std::max(e, static_cast<double>(std::fabs(C[i * N + j] - ref) / mag));
      }
    return e;
  };
  const double e3 = worst(3), e1 = worst(1);
  const double eps = std::numeric_limits<float>::epsilon();
  EXPECT_LT(e3, 4.0 * eps) << "3xTF32";
  EXPECT_GT(e1, 8.0 * e3) << "plain TF32 should be visibly less accurate";
  EXPECT_LT(e1, 8192.0 * eps) << "plain TF32";
}

// Host side of the TF32 kernel: variant selection (argument, LAI_OPENCL_GEMM,
// the default without a tuning-table entry), launch geometry, parameters.
TEST(OpenclGemm, Tf32Config) {
  REQUIRE_DEVICE();
  const auto& rt = runtime();
  const auto c = lai::ocl::gemm_config<float>(rt, "nvtf32", "");
  EXPECT_EQ(c.program, "lai_gemm_nvtf32_f32");
  EXPECT_TRUE(c.nvmma);  // a PTX kernel: refused off NVIDIA unless emulated
  EXPECT_EQ(c.mwg, 128);
  EXPECT_EQ(c.nwg, 128);
  EXPECT_EQ(c.kwg, 16);
  EXPECT_EQ(c.local[0], 256u);  // 32 * WGM * WGN = 32 * 4 * 2
  EXPECT_EQ(c.local[1], 1u);
  EXPECT_EQ(c.threads_per_tile, 256u);
  EXPECT_EQ(c.ydim, 1u);
  const auto o = lai::ocl::gemm_config<float>(rt, "nvtf32", "-DMWG=64 -DNWG=32 -DKWG=8 -DWGM=2 -DWGN=2");
  EXPECT_EQ(o.local[0], 128u);
  EXPECT_EQ(o.mwg, 64);
  EXPECT_EQ(o.kwg, 8);
  // Not the default: f32 uses it only where the tuning table names it (on NVIDIA).
  unsetenv("LAI_OPENCL_GEMM");
  if (!rt.nvidia) {
    EXPECT_EQ(lai::ocl::gemm_config<float>(rt).program, "lai_gemm_tiled_f32");
    EXPECT_EQ(lai::ocl::gemm_config<double>(rt, "nvtf32").program, "lai_gemm_tiled_f64");
  } else {
    EXPECT_EQ(lai::ocl::gemm_config<double>(rt, "nvtf32").program, "lai_gemm_nvmma_f64");
  }
  setenv("LAI_OPENCL_GEMM", "nvtf32", 1);
  EXPECT_EQ(lai::ocl::gemm_config<float>(rt).program, "lai_gemm_nvtf32_f32");
  unsetenv("LAI_OPENCL_GEMM");
}

// CPU model of the m16n8k8 .tf32 fragment layout (PTX ISA, "Matrix Fragments
// for mma.m16n8k8"): which (row, col) lane l's register r holds. Checked to
// cover each matrix exactly once and against the index expressions of the
// kernel's local reads, its emulation and its C stores.
struct Frag {
  int row, col;
};
Frag tf32_a(int lane, int r) { return {(lane >> 2) + 8 * (r & 1), (lane & 3) + 4 * (r >> 1)}; }  // a0..a3
Frag tf32_b(int lane, int r) { return {(lane & 3) + 4 * r, lane >> 2}; }                         // b0, b1
Frag tf32_c(int lane, int r) { return {(lane >> 2) + 8 * (r >> 1), 2 * (lane & 3) + (r & 1)}; }  // c0..c3

TEST(OpenclGemm, Tf32FragmentLayoutModel) {
  int seen_a[16][8] = {}, seen_b[8][8] = {}, seen_c[16][8] = {};
  for (int lane = 0; lane < 32; ++lane) {
    for (int r = 0; r < 4; ++r) ++seen_a[tf32_a(lane, r).row][tf32_a(lane, r).col];
    for (int r = 0; r < 2; ++r) ++seen_b[tf32_b(lane, r).row][tf32_b(lane, r).col];
    for (int r = 0; r < 4; ++r) ++seen_c[tf32_c(lane, r).row][tf32_c(lane, r).col];
  }
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 8; ++j) {
      EXPECT_EQ(seen_a[i][j], 1) << "A(" << i << "," << j << ")";
      EXPECT_EQ(seen_c[i][j], 1) << "C(" << i << "," << j << ")";
      if (i < 8) {
        EXPECT_EQ(seen_b[i][j], 1) << "B(" << i << "," << j << ")";
      }
    }
  // The kernel's emulation reads A(row, k) from lane 4*(row%8) + k%4, register
  // row/8 + 2*(k/4), and B(k, col) from lane 4*col + k%4, register k/4.
  for (int row = 0; row < 16; ++row)
    for (int k = 0; k < 8; ++k) {
      const Frag f = tf32_a(4 * (row % 8) + k % 4, row / 8 + 2 * (k / 4));
      EXPECT_EQ(f.row, row);
      EXPECT_EQ(f.col, k);
    }
  for (int k = 0; k < 8; ++k)
    for (int col = 0; col < 8; ++col) {
      const Frag f = tf32_b(4 * col + k % 4, k / 4);
      EXPECT_EQ(f.row, k);
      EXPECT_EQ(f.col, col);
    }
  // The kernel's local reads: a_r at row g + 8*(r&1), column t + 4*(r>>1);
  // b_r at row t + 4r, column g; c_v stored at row g + 8*(v/2), column 2t + v%2.
  for (int lane = 0; lane < 32; ++lane) {
    const int g = lane >> 2, t = lane & 3;
    for (int r = 0; r < 4; ++r) {
      EXPECT_EQ(tf32_a(lane, r).row, g + 8 * (r & 1));
      EXPECT_EQ(tf32_a(lane, r).col, t + 4 * (r >> 1));
      EXPECT_EQ(tf32_c(lane, r).row, g + 8 * (r / 2));
      EXPECT_EQ(tf32_c(lane, r).col, 2 * t + r % 2);
    }
    for (int r = 0; r < 2; ++r) {
      EXPECT_EQ(tf32_b(lane, r).row, t + 4 * r);
      EXPECT_EQ(tf32_b(lane, r).col, g);
    }
  }
}

template <class T>
void batched_case(const std::string& scheme, const std::string& layout) {
  const auto& rt = runtime();
  const std::size_t count = 1000, padded = 1024;  // not a multiple of the group or the interleave width
  auto A = random<T>(padded * 16, 8), B = random<T>(padded * 16, 9);
  std::vector<T> C0(padded * 16, T(-7));
  Dev a(A), b(B), c(C0);
  const std::string program = scheme + "_oclbatchedv_" + (sizeof(T) == 8 ? "f64" : "f32");
  lai::ocl::batched_v_device<T>(rt, program, layout, layout == "il" ? "-DILW=32" : "", a.buf.get(), b.buf.get(),
                                c.buf.get(), count, layout == "aos" ? 0 : 300, nullptr);
  const auto C = c.read<T>(C0.size());
  for (std::size_t p = 0; p < count; ++p) {
    auto at = [&](std::size_t x) -> std::size_t {
      if (layout == "soa") return x * count + p;
      if (layout == "il") return (p / 32) * 16 * 32 + x * 32 + p % 32;
      return p * 16 + x;
    };
    std::vector<T> a4(16), b4(16), c4(16), z(16, T(0));
    for (std::size_t x = 0; x < 16; ++x) {
      a4[x] = A[at(x)];
      b4[x] = B[at(x)];
      c4[x] = C[at(x)];
    }
    check_gemm<T>(4, 4, 4, T(1), a4.data(), 4, 1, b4.data(), 4, 1, T(0), z.data(), c4.data(), 4, 1,
                  program + " " + layout + " product " + std::to_string(p), scheme.find("strassen") == 0 ? 16.0 : 1.0);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(OpenclGemm, BatchedLayouts) {
  REQUIRE_DEVICE();
  for (const char* scheme : {"strassen2_4x4x4_r49", "classical_4x4x4_r64"})
    for (const char* layout : {"aos", "aosv", "soa", "il"}) {
      batched_case<float>(scheme, layout);
      if (runtime().fp64) batched_case<double>(scheme, layout);
    }
}

template <class T>
void fast_case(const std::string& scheme, int rank) {
  const auto& rt = runtime();
  const lai::ocl::GemmConfig leaf =
      lai::ocl::gemm_config<T>(rt, "tiled", "-DMWG=16 -DNWG=16 -DKWG=8 -DMDIMC=8 -DNDIMC=8 -DPADA=1 -DPADB=0 -DGM=2");
  const int m = 64, n = 128, k = 96;  // blocks 16 x 32, 32 x 24
  const int lda = k + 5, ldb = n + 3, ldc = n + 1;
  auto A = random<T>(static_cast<std::size_t>(m) * lda, 10), B = random<T>(static_cast<std::size_t>(k) * ldb, 11),
       C0 = random<T>(static_cast<std::size_t>(m) * ldc, 12);
  Dev a(A), b(B), c(C0);
  Dev s(std::vector<T>(static_cast<std::size_t>(rank) * (m / 4) * (k / 4))),
      t(std::vector<T>(static_cast<std::size_t>(rank) * (k / 4) * (n / 4))),
      w(std::vector<T>(static_cast<std::size_t>(rank) * (m / 4) * (n / 4)));
  lai::ocl::fast_device<T>(rt, scheme + (sizeof(T) == 8 ? "_oclfast_f64" : "_oclfast_f32"), rank, leaf, m, n, k,
                           T(1.25), a.buf.get(), lda, b.buf.get(), ldb, T(0.5), c.buf.get(), ldc, s.buf.get(),
                           t.buf.get(), w.buf.get(), nullptr);
  const auto C = c.read<T>(C0.size());
  check_gemm<T>(m, n, k, T(1.25), A.data(), lda, 1, B.data(), ldb, 1, T(0.5), C0.data(), C.data(), ldc, 1,
                scheme + " one level", scheme.find("strassen") == 0 ? 16.0 : 1.0);
}

TEST(OpenclGemm, FastSchemeOneLevel) {
  REQUIRE_DEVICE();
  fast_case<float>("classical_4x4x4_r64", 64);
  if (runtime().fp64) {
    fast_case<double>("strassen2_4x4x4_r49", 49);
    fast_case<double>("classical_4x4x4_r64", 64);
  }
}

}  // namespace
