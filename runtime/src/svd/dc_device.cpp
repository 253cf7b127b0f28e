// OpenCL side of the device-resident divide and conquer (dc_device.h).
#include "svd/dc_device.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "diagnostics/error.h"
#include "dispatch/env.h"
#include "opencl/cl_error.h"
#include "opencl/gpu.h"
#include "opencl/handles.h"
#include "opencl/pool.h"
#include "opencl/program_cache.h"
#include "opencl/staging.h"

namespace lai::svd {

namespace {

// A merge's secular problem on the device (lai_svd_dc_<dtype>_secular_*):
// the poles, z then Lowner's z, the roots' offsets and poles, the plan's
// order and rotations.
template <class T>
struct OclSecular final : DcSecular {
  int K = 0, R = 0;
  ocl::PooledBuffer d, z, zh, tau, org, sigma, src, rot_ab, rot_cs;
  std::vector<int> ab;  // the rotations' host copies, alive until the roots' read
  std::vector<T> cs;
};

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
    auto upload = [&](const T* W, int ldw, int L, const char* what) {
      return [=, this](cl_mem dst, std::size_t lp) {
        ocl::write_columns(rt_, dst, 0, es * lp, W, es * ldw, es * L, static_cast<std::size_t>(L), what);
      };
    };
    side(U_, ldu_, f, N, upload(WU, ldwu, N, "W_U"), "W_U");
    side(V_, ldv_, f, M, upload(WV, ldwv, M, "W_V"), "W_V");
  }

  bool solves_secular() const override { return secular_; }

  std::unique_ptr<DcSecular> secular_roots(const DeflationPlan<T>& plan, const T* z, T rho2, T* sigma, T* tau_out,
                                           int* pole_out) override {
    const int K = plan.K, N = static_cast<int>(plan.src.size());
    auto st = std::make_unique<OclSecular<T>>();
    st->K = K;
    st->R = static_cast<int>(plan.rotations.size());
    st->ab.reserve(2 * plan.rotations.size() + 2);
    st->cs.reserve(2 * plan.rotations.size() + 2);
    for (const auto& g : plan.rotations) {
      st->ab.push_back(g.a);
      st->ab.push_back(g.b);
      st->cs.push_back(g.c);
      st->cs.push_back(g.s);
    }
    std::lock_guard<std::mutex> lock(mu_);
    kernels();
    const std::size_t kb = es * static_cast<std::size_t>(K), ki = sizeof(int) * static_cast<std::size_t>(K);
    st->d = ocl::acquire_buffer(rt_, kb);
    st->z = ocl::acquire_buffer(rt_, kb);
    st->zh = ocl::acquire_buffer(rt_, kb);
    st->tau = ocl::acquire_buffer(rt_, kb);
    st->org = ocl::acquire_buffer(rt_, ki);
    st->sigma = ocl::acquire_buffer(rt_, kb);
    st->src = ocl::acquire_buffer(rt_, sizeof(int) * static_cast<std::size_t>(N));
    st->rot_ab = ocl::acquire_buffer(rt_, sizeof(int) * std::max<std::size_t>(2, st->ab.size()));
    st->rot_cs = ocl::acquire_buffer(rt_, es * std::max<std::size_t>(2, st->cs.size()));
    // Not blocking: the host arrays live until the blocking read of the
    // roots below, which the in-order queue runs after them.
    write(st->d.get(), plan.dsigma.data(), kb, "dsigma");
    write(st->z.get(), z, kb, "z");
    write(st->src.get(), plan.src.data(), sizeof(int) * static_cast<std::size_t>(N), "the deflation's order");
    if (st->R > 0) {
      write(st->rot_ab.get(), st->ab.data(), sizeof(int) * st->ab.size(), "rotations");
      write(st->rot_cs.get(), st->cs.data(), es * st->cs.size(), "rotations");
    }
    const T rho = rho2;
    const cl_mem d = st->d.get(), zz = st->z.get(), zh = st->zh.get(), tau = st->tau.get(), org = st->org.get(),
                 sg = st->sigma.get();
    launch(roots_, K, "roots", K, d, zz, rho, tau, org, sg);
    launch(lowner_, K, "lowner", K, d, zz, tau, org, zh);
    ocl::check(clEnqueueReadBuffer(rt_.queue, sg, CL_TRUE, 0, kb, sigma, 0, nullptr, nullptr),
               "clEnqueueReadBuffer(secular roots)", rt_.device.name);
    if (tau_out != nullptr)
      ocl::check(clEnqueueReadBuffer(rt_.queue, tau, CL_TRUE, 0, kb, tau_out, 0, nullptr, nullptr),
                 "clEnqueueReadBuffer(secular offsets)", rt_.device.name);
    if (pole_out != nullptr)
      ocl::check(clEnqueueReadBuffer(rt_.queue, org, CL_TRUE, 0, ki, pole_out, 0, nullptr, nullptr),
                 "clEnqueueReadBuffer(secular poles)", rt_.device.name);
    return st;
  }

  void secular_product(DcSecular& s, const DeflationPlan<T>& plan, int f, int nl, int N, int M, const int* order,
                       const unsigned char* negate) override {
    auto& st = static_cast<OclSecular<T>&>(s);
    std::lock_guard<std::mutex> lock(mu_);
    // The root's order and negations: once per call, blocking (the host
    // arrays are the caller's temporaries).
    ocl::PooledBuffer dorder, dneg;
    const cl_int has_order = order != nullptr ? 1 : 0, has_negate = negate != nullptr ? 1 : 0;
    if (order != nullptr) {
      dorder = ocl::acquire_buffer(rt_, sizeof(int) * static_cast<std::size_t>(N));
      ocl::check(clEnqueueWriteBuffer(rt_.queue, dorder.get(), CL_TRUE, 0, sizeof(int) * static_cast<std::size_t>(N),
                                      order, 0, nullptr, nullptr),
                 "clEnqueueWriteBuffer(root order)", rt_.device.name);
    }
    if (negate != nullptr) {
      const std::vector<int> neg(negate, negate + M);
      dneg = ocl::acquire_buffer(rt_, sizeof(int) * static_cast<std::size_t>(M));
      ocl::check(clEnqueueWriteBuffer(rt_.queue, dneg.get(), CL_TRUE, 0, sizeof(int) * neg.size(), neg.data(), 0,
                                      nullptr, nullptr),
                 "clEnqueueWriteBuffer(root negations)", rt_.device.name);
    }
    const cl_mem src = st.src.get();
    const cl_mem ord = order != nullptr ? dorder.get() : src, ng = negate != nullptr ? dneg.get() : src;
    const T c0 = plan.c0, s0 = plan.s0;
    auto build = [&](cl_int side_v, int L) {
      return [&, side_v, L](cl_mem W, std::size_t lp) {
        const cl_int ldw = static_cast<cl_int>(lp);
        launch(wmatrix_, L, "wmatrix", side_v, st.K, N, M, nl, c0, s0, st.d.get(), st.zh.get(), st.tau.get(),
               st.org.get(), src, has_order, ord, has_negate, ng, st.R, st.rot_ab.get(), st.rot_cs.get(), W, ldw);
      };
    };
    side(U_, ldu_, f, N, build(0, N), "W_U");
    side(V_, ldv_, f, M, build(1, M), "W_V");
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
  // W^T X^T is the leaf product of W's storage and X's storage. fill_w
  // writes W (L x L) into the zeroed compact buffer (ld lp).
  void side(cl_mem big, int ld, int f, int L, const std::function<void(cl_mem, std::size_t)>& fill_w,
            const char* what) {
    const std::size_t lp = padded(L), bytes = es * lp * lp;
    fill_zero(X_.get(), bytes);
    fill_zero(W_.get(), bytes);
    copy_block(big, ld, f, L, X_.get(), lp, true);
    const auto t0 = std::chrono::steady_clock::now();
    fill_w(W_.get(), lp);
    const auto t1 = std::chrono::steady_clock::now();
    const int p = static_cast<int>(lp);
    ocl::gemm_device<T>(rt_, cfg_, p, p, p, T(1), W_.get(), p, 0, X_.get(), p, 0, T(0), O_.get(), p, 0, 1, nullptr);
    copy_block(big, ld, f, L, O_.get(), lp, false);
    if (trace_) {
      ocl::check(clFinish(rt_.queue), "clFinish", rt_.device.name);
      const auto t2 = std::chrono::steady_clock::now();
      std::fprintf(stderr, "lai dc product %s L %d: W %.4f, GEMM %d^3 and copies %.4f\n", what, L,
                   std::chrono::duration<double>(t1 - t0).count(), p, std::chrono::duration<double>(t2 - t1).count());
    }
  }

  void write(cl_mem dst, const void* src, std::size_t bytes, const char* what) {
    ocl::check(clEnqueueWriteBuffer(rt_.queue, dst, CL_FALSE, 0, bytes, src, 0, nullptr, nullptr),
               (std::string("clEnqueueWriteBuffer(") + what + ")").c_str(), rt_.device.name);
  }
  template <class... Args>
  void launch(const ocl::KernelHandle& k, int groups, const char* what, const Args&... args) {
    cl_uint i = 0;
    (set_arg(k, i++, args, what), ...);
    const std::size_t local = static_cast<std::size_t>(wg_), global = local * static_cast<std::size_t>(groups);
    ocl::check(clEnqueueNDRangeKernel(rt_.queue, k.get(), 1, nullptr, &global, &local, 0, nullptr, nullptr),
               (std::string("clEnqueueNDRangeKernel(lai_svd_dc ") + what + ")").c_str(), rt_.device.name);
  }
  template <class A>
  void set_arg(const ocl::KernelHandle& k, cl_uint i, const A& a, const char* what) {
    ocl::check(clSetKernelArg(k.get(), i, sizeof(A), &a), (std::string("clSetKernelArg(lai_svd_dc ") + what + ")").c_str(),
               rt_.device.name);
  }
  // The secular kernels, built on first use: the caller's options
  // LAI_SVD_DC_OPTIONS, else the tuning table's, else the spec's defaults.
  void kernels() {
    if (roots_.get() != nullptr) return;
    const std::string& dev = rt_.device.name;
    const std::string program = std::string("lai_svd_dc_") + (std::is_same_v<T, double> ? "f64" : "f32");
    const char* src = ocl::gpu_source(program);
    const char* env = std::getenv("LAI_SVD_DC_OPTIONS");
    const std::string options = env != nullptr ? env : ocl::tuned_options(rt_, program);
    wg_ = ocl::kernel_param(src, options, "WG");
    if (rt_.max_work_group != 0 && static_cast<std::size_t>(wg_) > rt_.max_work_group) {
      fail(LAI_ERROR_NOT_SUPPORTED, "divide and conquer's secular kernels: WG=" + std::to_string(wg_) +
                                        " exceeds the work-group limit " + std::to_string(rt_.max_work_group) +
                                        " of OpenCL device \"" + dev + "\" (LAI_SVD_DC_OPTIONS / tuning table)");
    }
    const cl_program prog = ocl::get_program(rt_, src, options);
    auto make = [&](const char* part) {
      const std::string name = program + "_secular_" + part;
      cl_int rc = CL_SUCCESS;
      ocl::KernelHandle k(clCreateKernel(prog, name.c_str(), &rc));
      ocl::check(rc, ("clCreateKernel(" + name + ")").c_str(), dev);
      return k;
    };
    lowner_ = make("lowner");
    wmatrix_ = make("wmatrix");
    roots_ = make("roots");
  }

  const ocl::Runtime& rt_;
  ocl::GemmConfig cfg_;
  cl_mem U_, V_;
  int ldu_, ldv_;
  std::size_t unit_ = 1;
  ocl::PooledBuffer X_, W_, O_;
  std::mutex mu_;
  const bool trace_ = env_int("LAI_SVD_DC_TRACE").value_or(0) == 1;  // bdsdc_hybrid's trace
  // LAI_SVD_DC_SECULAR=0: the secular problem on the host (?lasd4 and W
  // uploads), as before the kernels existed.
  const bool secular_ = env_int("LAI_SVD_DC_SECULAR").value_or(1) != 0;
  ocl::KernelHandle roots_, lowner_, wmatrix_;
  int wg_ = 0;
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
