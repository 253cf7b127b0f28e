// OpenCL side of the device-resident divide and conquer (dc_device.h).
#include "svd/dc_device.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <numeric>
#include <string>
#include <vector>

#include "dispatch/env.h"
#include "opencl/cl_error.h"
#include "opencl/pool.h"
#include "opencl/staging.h"

namespace lai::svd {

namespace {

template <class T>
class OclDcDevice final : public DcDevice<T> {
 public:
  OclDcDevice(const ocl::Runtime& rt, const ocl::GemmConfig& cfg, int n, cl_mem U, int ldu, cl_mem V, int ldv)
      : rt_(rt), cfg_(cfg), U_(U), V_(V), ldu_(ldu), ldv_(ldv) {
    unit_ = std::lcm(std::lcm(cfg.mwg, cfg.nwg), cfg.kwg);
    const std::size_t np = padded(n), bytes = es * np * np;
    X_ = ocl::acquire_buffer(rt, bytes);
    W_ = ocl::acquire_buffer(rt, bytes);
    O_ = ocl::acquire_buffer(rt, bytes);
  }

  void set_unit(int i) override {
    // Not blocking: the source is a constant of static storage, and the
    // queue is in order (the merge's product comes after it).
    static const T one = 1;
    std::lock_guard<std::mutex> lock(mu_);
    ocl::check(clEnqueueWriteBuffer(rt_.queue, U_, CL_FALSE, es * (static_cast<std::size_t>(i) * ldu_ + i), es, &one,
                                    0, nullptr, nullptr),
               "clEnqueueWriteBuffer(U_B diagonal)", rt_.device.name);
  }

  void put_block(int f, int N, int M, const T* U, int ldu, const T* VT, int ldvt) override {
    // V's block = the block of VT transposed, on the host (blocks solved on
    // the host are the small ones).
    std::vector<T> v(static_cast<std::size_t>(M) * M);
    for (int j = 0; j < M; ++j)
      for (int i = 0; i < M; ++i)
        v[static_cast<std::size_t>(i) * M + j] = VT[static_cast<std::size_t>(j) * ldvt + i];
    std::lock_guard<std::mutex> lock(mu_);
    ocl::write_columns(rt_, U_, offset(f, ldu_), es * ldu_, U, es * ldu, es * N, static_cast<std::size_t>(N), "U_B block");
    ocl::write_columns(rt_, V_, offset(f, ldv_), es * ldv_, v.data(), es * M, es * M, static_cast<std::size_t>(M),
                       "V_B block");
  }

  void vt_column(int c, int r0, int count, T* out) override {
    // V's row c, columns r0..: one element per column.
    std::lock_guard<std::mutex> lock(mu_);
    const std::size_t origin[3] = {es * c, static_cast<std::size_t>(r0), 0};
    const std::size_t host[3] = {0, 0, 0};
    const std::size_t region[3] = {es, static_cast<std::size_t>(count), 1};
    ocl::check(clEnqueueReadBufferRect(rt_.queue, V_, CL_TRUE, origin, host, region, es * ldv_, 0, es, 0, out, 0,
                                       nullptr, nullptr),
               "clEnqueueReadBufferRect(VT column)", rt_.device.name);
  }

  void product(int f, int N, int M, const T* WU, int ldwu, const T* WV, int ldwv) override {
    std::lock_guard<std::mutex> lock(mu_);
    side(U_, ldu_, f, N, WU, ldwu, "W_U");
    side(V_, ldv_, f, M, WV, ldwv, "W_V");
  }

 private:
  static constexpr std::size_t es = sizeof(T);
  std::size_t padded(int n) const { return (static_cast<std::size_t>(n) + unit_ - 1) / unit_ * unit_; }
  static std::size_t offset(int f, int ld) { return es * (static_cast<std::size_t>(f) * ld + f); }

  void fill_zero(cl_mem b, std::size_t bytes) {
    const T zero = 0;
    ocl::check(clEnqueueFillBuffer(rt_.queue, b, &zero, es, 0, bytes, 0, nullptr, nullptr), "clEnqueueFillBuffer",
               rt_.device.name);
  }
  // Device block (L x L at (f, f), ld) <-> compact (ld lp); to_compact
  // picks the direction.
  void copy_block(cl_mem big, int ld, int f, int L, cl_mem compact, std::size_t lp, bool to_compact) {
    const std::size_t big_origin[3] = {es * f, static_cast<std::size_t>(f), 0};
    const std::size_t zero[3] = {0, 0, 0};
    const std::size_t region[3] = {es * L, static_cast<std::size_t>(L), 1};
    const cl_int rc = to_compact ? clEnqueueCopyBufferRect(rt_.queue, big, compact, big_origin, zero, region,
                                                           es * ld, 0, es * lp, 0, 0, nullptr, nullptr)
                                 : clEnqueueCopyBufferRect(rt_.queue, compact, big, zero, big_origin, region,
                                                           es * lp, 0, es * ld, 0, 0, nullptr, nullptr);
    ocl::check(rc, "clEnqueueCopyBufferRect(divide and conquer block)", rt_.device.name);
  }
  // X (L x L block at (f, f)) = X W: the leaf is row-major, so X_new^T =
  // W^T X^T is the leaf product of W's storage and X's storage.
  void side(cl_mem big, int ld, int f, int L, const T* W, int ldw, const char* what) {
    const std::size_t lp = padded(L), bytes = es * lp * lp;
    fill_zero(X_.get(), bytes);
    fill_zero(W_.get(), bytes);
    copy_block(big, ld, f, L, X_.get(), lp, true);
    const auto t0 = std::chrono::steady_clock::now();
    ocl::write_columns(rt_, W_.get(), 0, es * lp, W, es * ldw, es * L, static_cast<std::size_t>(L), what);
    const auto t1 = std::chrono::steady_clock::now();
    const int p = static_cast<int>(lp);
    ocl::gemm_device<T>(rt_, cfg_, p, p, p, T(1), W_.get(), p, 0, X_.get(), p, 0, T(0), O_.get(), p, 0, 1, nullptr);
    copy_block(big, ld, f, L, O_.get(), lp, false);
    if (trace_) {
      ocl::check(clFinish(rt_.queue), "clFinish", rt_.device.name);
      const auto t2 = std::chrono::steady_clock::now();
      std::fprintf(stderr, "lai dc product %s L %d: W up %.4f, GEMM %d^3 and copies %.4f\n", what, L,
                   std::chrono::duration<double>(t1 - t0).count(), p, std::chrono::duration<double>(t2 - t1).count());
    }
  }

  const ocl::Runtime& rt_;
  ocl::GemmConfig cfg_;
  cl_mem U_, V_;
  int ldu_, ldv_;
  std::size_t unit_ = 1;
  ocl::PooledBuffer X_, W_, O_;
  std::mutex mu_;
  const bool trace_ = env_int("LAI_SVD_DC_TRACE").value_or(0) == 1;  // bdsdc_hybrid's trace
};

}  // namespace

template <class T>
std::unique_ptr<DcDevice<T>> make_dc_device(const ocl::Runtime& rt, const ocl::GemmConfig& cfg, int n, cl_mem U,
                                            int ldu, cl_mem V, int ldv) {
  return std::make_unique<OclDcDevice<T>>(rt, cfg, n, U, ldu, V, ldv);
}

template std::unique_ptr<DcDevice<double>> make_dc_device<double>(const ocl::Runtime&, const ocl::GemmConfig&, int,
                                                                  cl_mem, int, cl_mem, int);
template std::unique_ptr<DcDevice<float>> make_dc_device<float>(const ocl::Runtime&, const ocl::GemmConfig&, int,
                                                                cl_mem, int, cl_mem, int);

}  // namespace lai::svd
