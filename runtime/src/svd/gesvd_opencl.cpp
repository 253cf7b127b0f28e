// lai_?gesvd's GPU path (gesvd_opencl.h): dgebrd/dlabrd on the device with
// the generated bidiagonalization kernels, dbdsqr/dbdsdc on the host, the
// back-transformation as compact-WY GEMMs on the device.
//
// Layout. Everything on the device is column-major as in LAPACK. The GEMM
// leaf is row-major, takes no offsets and wants sizes that are multiples of
// its tiles, so every product goes through zero-padded compact operands:
// a column-major X is the row-major X^T, which turns each column-major
// product into a leaf call with the operands swapped (see the comments at
// each call). The back-transformation applies each block of reflectors to
// all rows of the target (the reflectors' leading zeros are stored), so no
// product needs an offset; that doubles its flops on average but keeps it
// at GEMM speed.
#include "svd/gesvd_opencl.h"
#include "svd/band_opencl.h"
#include "svd/bdsdc_hybrid.h"
#include "svd/dc_device.h"
#include "svd/bisect_opencl.h"
#include "svd/host_array.h"
#include "svd/svd_checks.h"
#include "svd/lapack_dispatch.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "diagnostics/error.h"
#include "dispatch/env.h"
#include "opencl/backend.h"
#include "opencl/cl_error.h"
#include "opencl/gpu.h"
#include "opencl/handles.h"
#include "opencl/pool.h"
#include "opencl/program_cache.h"
#include "opencl/runtime.h"
#include "opencl/staging.h"

namespace lai::svd {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::size_t round_up(std::size_t x, std::size_t u) { return (x + u - 1) / u * u; }

// The template's LARFT_LB (larft_diag's block) and LARFT_MAXS (larft_merge's
// largest half).
constexpr int kLarftBlock = 32;
constexpr int kLarftMaxS = 512;

// The GEMM leaf of the SVD's products: the device's (gemm_config). Where
// the tuning table gives the leaf no occupancy for lai_?gemm_opencl (so no
// split-K tail of the last wave, gemm_tail.h) but one for the SVD,
// "svd_groups_per_cu:<program>", the SVD's products take that tail: the
// 3xTF32 f32 leaf on the H200 (bench/svd run 59). LAI_GEMM_WAVE, when set,
// decides as for every GEMM.
template <class T>
ocl::GemmConfig svd_gemm_config(const ocl::Runtime& rt) {
  ocl::GemmConfig cfg = ocl::gemm_config<T>(rt);
  const char* env = std::getenv("LAI_GEMM_WAVE");
  if (cfg.wave == 0 && (env == nullptr || *env == '\0')) {
    const std::string per_cu = ocl::tuned_options(rt, "svd_groups_per_cu:" + cfg.program);
    if (!per_cu.empty()) cfg.wave = static_cast<int>(rt.compute_units) * std::max(0, std::atoi(per_cu.c_str()));
  }
  return cfg;
}

// The kernels of one build of lai_svd_bidiag_<dtype>, created once per call.
struct Kernels {
  ocl::KernelHandle larfg, larfg_gemv_t, y_row, larfg_gemv_n, x_next, pack_trail, sub_trail, pack_v, larft, set_diag,
      transpose, scale, larft_diag, larft_merge;
  ocl::KernelHandle tn_fused, x_fin;  // FCOLS > 0 only (x_fin: or YFUSE)
  ocl::KernelHandle yu_gemv_n;        // YFUSE and FCOLS == 0 only
};

class Launcher {
 public:
  Launcher(const ocl::Runtime& rt, std::size_t wg) : rt_(rt), wg_(wg) {}
  // Sets the arguments in order and enqueues `items` work-items (rounded up
  // to the work-group size); nothing when items == 0.
  template <class... Args>
  void operator()(const ocl::KernelHandle& k, std::size_t items, const Args&... args) {
    if (items == 0) return;
    cl_uint i = 0;
    (set(k, i++, args), ...);
    run(k, items);
  }
  // The panel loop's kernels: the arguments that stay the same are set once
  // (args_from(k, 0, ...)), per launch only those that change
  // (args_from(k, first, ...)), then run: a launch costs the driver a few
  // clSetKernelArg calls less.
  template <class... Args>
  void args_from(const ocl::KernelHandle& k, cl_uint first, const Args&... args) {
    (set(k, first++, args), ...);
  }
  void run(const ocl::KernelHandle& k, std::size_t items) {
    if (items == 0) return;
    const std::size_t global = round_up(items, wg_);
    cl_event ev = nullptr;
    ocl::check(clEnqueueNDRangeKernel(rt_.queue, k.get(), 1, nullptr, &global, &wg_, 0, nullptr, profile ? &ev : nullptr),
               "clEnqueueNDRangeKernel(lai_svd_bidiag)", rt_.device.name);
    if (profile) record(band < 0 ? name_of(k.get()) : name_of(k.get()) + "@" + std::to_string(band), ev);
    ++launches;
  }
  // Per-kernel device time (LAI_SVD_PROFILE=1 on a profiling queue): every
  // launch records an event; collect() (after a clFinish) adds each event's
  // start..end to its kernel's total, so the benchmark can say which kernel
  // of a stage takes the time. Off by default: an event per launch costs.
  void record(const std::string& name, cl_event ev) {
    if (ev != nullptr) pending_.push_back({name, ev, nullptr});
  }
  // A piece of work of several launches (gemm_device with its split-K tail):
  // the start of the first to the end of the last. Both references are owned
  // from here; one launch gives the same event twice (two references).
  void record_span(const std::string& name, cl_event first, cl_event last) {
    if (first != nullptr && first == last) {
      clReleaseEvent(last);
      last = nullptr;
    }
    if (first == nullptr) std::swap(first, last);
    if (first != nullptr) pending_.push_back({name, first, last});
  }
  void collect() {
    for (auto& p : pending_) {
      cl_ulong t0 = 0, t1 = 0;
      if (clGetEventProfilingInfo(p.first, CL_PROFILING_COMMAND_START, sizeof t0, &t0, nullptr) == CL_SUCCESS &&
          clGetEventProfilingInfo(p.last ? p.last : p.first, CL_PROFILING_COMMAND_END, sizeof t1, &t1, nullptr) ==
              CL_SUCCESS &&
          t1 >= t0) {
        auto& slot = kernel_s[p.name];
        slot.first += 1e-9 * static_cast<double>(t1 - t0);
        slot.second += 1;
      }
      release(p);
    }
    pending_.clear();
  }
  ~Launcher() {
    for (auto& p : pending_) release(p);
  }
  Launcher(const Launcher&) = delete;
  Launcher& operator=(const Launcher&) = delete;
  long long launches = 0;
  bool profile = false;
  // LAI_SVD_PROFILE=2: the column loop's kernels are recorded per band of
  // 512 columns ("name@b", b = i / 512), so that a kernel's time can be
  // read against the trailing matrix's size (bench/svd: the products' rate
  // where they are large, their fixed cost where they are small).
  int band = -1;
  std::map<std::string, std::pair<double, long long>> kernel_s;  // name -> (seconds, launches)

 private:
  template <class A>
  void set(const ocl::KernelHandle& k, cl_uint i, const A& a) {
    ocl::check(clSetKernelArg(k.get(), i, sizeof(A), &a), "clSetKernelArg(lai_svd_bidiag)", rt_.device.name);
  }
  std::string name_of(cl_kernel k) {
    auto it = names_.find(k);
    if (it != names_.end()) return it->second;
    char buf[128] = {0};
    clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, sizeof buf - 1, buf, nullptr);
    return names_[k] = buf;
  }
  const ocl::Runtime& rt_;
  std::size_t wg_;
  struct Pending {
    std::string name;
    cl_event first;
    cl_event last;  // null: first alone
  };
  static void release(const Pending& p) {
    clReleaseEvent(p.first);
    if (p.last != nullptr) clReleaseEvent(p.last);
  }
  std::vector<Pending> pending_;
  std::map<cl_kernel, std::string> names_;
};

}  // namespace

template <class T>
void gesvd_opencl(char jobu, char jobvt, int m, int n, T* A, int lda, T* s, T* U, int ldu, T* VT, int ldvt,
                  int* info, GpuSvdStageTimes* times, T max_abs) {
  const Clock::time_point t_start = Clock::now();
  GpuSvdStageTimes tm;
  if (info != nullptr) *info = 0;
  const ocl::Runtime& rt = ocl::runtime();
  const std::string& dev = rt.device.name;
  constexpr bool f64 = std::is_same_v<T, double>;
  const char* tag = f64 ? "f64" : "f32";
  if (f64 && !rt.fp64) {
    fail(LAI_ERROR_NOT_SUPPORTED, "OpenCL device \"" + dev + "\" has no double precision (cl_khr_fp64)");
  }
  const std::size_t es = sizeof(T);
  const int k = std::min(m, n);
  if (k == 0) {
    if (times != nullptr) *times = tm;
    return;
  }
  // B = A (m >= n) or A^T (m < n): M x N with M >= N, upper bidiagonal.
  const bool trans = m < n;
  const int M = std::max(m, n), N = k;

  const std::string program = std::string("lai_svd_bidiag_") + tag;
  const char* src = ocl::gpu_source(program);
  const char* env_opts = std::getenv("LAI_SVD_BIDIAG_OPTIONS");
  const std::string options = env_opts != nullptr ? env_opts : ocl::tuned_options(rt, program);
  const int wg = ocl::kernel_param(src, options, "WG"), NB = ocl::kernel_param(src, options, "NB"),
            COLS = ocl::kernel_param(src, options, "COLS"), RTEAM = ocl::kernel_param(src, options, "RTEAM"),
            FCOLS_spec = ocl::kernel_param(src, options, "FCOLS"), FMAXN = ocl::kernel_param(src, options, "FMAXN"),
            YFUSE_spec = ocl::kernel_param(src, options, "YFUSE"), YMAXN = ocl::kernel_param(src, options, "YMAXN");
  // The two-launch variant where the spec (tuning) asks for it: FCOLS > 0,
  // and both sides at most FMAXN (0: any size). On the H200 it wins where
  // the launches of the four-launch path pace the bidiagonalization (small
  // matrices) and loses where its work-groups, each FCOLS columns over all M
  // rows, are too few and too long for the device: large N, and tall M (run
  // 39: f32 16384 x 1024 took 0.345 s this way against 0.074 s).
  const int FCOLS = FCOLS_spec > 0 && (FMAXN == 0 || M <= FMAXN) ? FCOLS_spec : 0;
  // Elsewhere three launches per column (YFUSE, while both sides are at most
  // YMAXN; 0: any size) or four. f64 on the H200 takes three up to 2048,
  // where the host's enqueues pace the loop, and four above, where x_fin's
  // longer launches cost more than the launch saved (runs 41, 64, 65).
  const bool YFUSE = FCOLS == 0 && YFUSE_spec != 0 && (YMAXN == 0 || M <= YMAXN);
  const cl_program prog = ocl::get_program(rt, src, options);
  auto make = [&](const char* name) {
    cl_int rc = CL_SUCCESS;
    const std::string kname = program + "_onestage_" + name;
    ocl::KernelHandle h(clCreateKernel(prog, kname.c_str(), &rc));
    ocl::check(rc, ("clCreateKernel(" + kname + ")").c_str(), dev);
    return h;
  };
  Kernels K{make("larfg"),      make("larfg_gemv_t"), make("y_row"),  make("larfg_gemv_n"), make("x_next"),
            make("pack_trail"), make("sub_trail"),    make("pack_v"), make("larft"),        make("set_diag"),
            make("transpose"),  make("scale"),        make("larft_diag"), make("larft_merge"),
            FCOLS > 0 ? make("tn_fused") : ocl::KernelHandle(),
            FCOLS > 0 || YFUSE ? make("x_fin") : ocl::KernelHandle(),
            YFUSE ? make("yu_gemv_n") : ocl::KernelHandle()};
  const ocl::GemmConfig cfg = svd_gemm_config<T>(rt);
  const std::size_t L = std::lcm(std::lcm(static_cast<std::size_t>(cfg.mwg), static_cast<std::size_t>(cfg.nwg)),
                                 static_cast<std::size_t>(cfg.kwg));
  Launcher launch(rt, static_cast<std::size_t>(wg));
  const char* prof_env = std::getenv("LAI_SVD_PROFILE");
  const bool prof_bands = prof_env != nullptr && std::string(prof_env) == "2";
  if (prof_env != nullptr && (*prof_env == '1' || prof_bands) && rt.profiling && times != nullptr) launch.profile = true;
  auto finish = [&] {
    ocl::check(clFinish(rt.queue), "clFinish", dev);
    launch.collect();
  };
  // name: the profile's entry (LAI_SVD_PROFILE; "gemm" unless the caller
  // needs the product told apart from the others).
  auto gemm = [&](int Mg, int Ng, int Kg, T alpha, cl_mem a, int la, cl_mem b, int lb, T beta, cl_mem c, int lc,
                  const char* name = "gemm") {
    cl_event first = nullptr, last = nullptr;  // with a split-K tail, three launches
    ocl::gemm_device<T>(rt, cfg, Mg, Ng, Kg, alpha, a, la, 0, b, lb, 0, beta, c, lc, 0, 1,
                        launch.profile ? &last : nullptr, launch.profile ? &first : nullptr);
    launch.record_span(name, first, last);
    ++launch.launches;
  };

  // --- upload. With max_abs < 0 the copying threads also check A for
  // NaN/Inf and take max |A| as they copy each column (staging.h's visitor:
  // the column is in cache), instead of a host pass of its own before.
  Clock::time_point t0 = Clock::now();
  const bool scan = !(max_abs >= 0);
  std::array<ColumnScan<T>, ocl::kMaxCopyThreads> part{};
  const ocl::ColumnVisitor visit = [&](int t, std::size_t c) {
    const int j = static_cast<int>(c);
    const ColumnScan<T> r = scan_columns(m, j, j + 1, A, lda);
    ColumnScan<T>& p = part[static_cast<std::size_t>(t)];
    if (r.bad_j >= 0 && (p.bad_j < 0 || r.bad_j < p.bad_j)) {
      p.bad_i = r.bad_i;
      p.bad_j = r.bad_j;
    }
    p.max_abs = std::max(p.max_abs, r.max_abs);
  };
  const int ldA = M;
  ocl::PooledBuffer dA = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(M) * N);
  ocl::PooledBuffer tmpA;
  cl_mem a_dst = dA.get();  // m < n: A as it is, transposed below
  int a_ld = ldA;
  if (trans) {
    tmpA = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(m) * n);
    a_dst = tmpA.get();
    a_ld = m;
  }
  ocl::write_columns(rt, a_dst, 0, es * static_cast<std::size_t>(a_ld), A, es * static_cast<std::size_t>(lda), es * m,
                     n, "A", scan ? &visit : nullptr);
  T anrm = max_abs;
  if (scan) {
    anrm = 0;
    int bi = -1, bj = -1;
    for (const ColumnScan<T>& p : part) {
      anrm = std::max(anrm, p.max_abs);
      if (p.bad_j >= 0 && (bj < 0 || p.bad_j < bj)) {
        bi = p.bad_i;
        bj = p.bad_j;
      }
    }
    if (bj >= 0) fail_not_finite("", bi, bj, A[bi + static_cast<std::size_t>(bj) * lda]);
  }
  // --- scaling as dgesvd does (anrm outside [smlnum, bignum]) but by a power
  // of 2, so that it and its undoing on s are exact.
  const T smlnum = std::sqrt(std::numeric_limits<T>::min()) / std::numeric_limits<T>::epsilon();
  const T bignum = 1 / smlnum;
  int sexp = 0;  // B = 2^-sexp A
  if (anrm > 0 && (anrm < smlnum || anrm > bignum)) (void)std::frexp(anrm, &sexp);
  if (trans) {
    launch(K.transpose, static_cast<std::size_t>(m) * n, tmpA.get(), m, dA.get(), ldA, m, n);
    finish();
    tmpA = ocl::PooledBuffer();
  }
  if (sexp != 0) launch(K.scale, static_cast<std::size_t>(M) * N, dA.get(), ldA, M, N, std::ldexp(T(1), -sexp));
  finish();
  tm.upload = seconds_since(t0);

  // --- values only, two-stage (band_opencl.h): dense -> band on the device,
  // band -> bidiagonal on the host, then the bisection on the device.
  if (jobu == 'N' && jobvt == 'N' && two_stage_values_wanted<T>(rt, M, N)) {
    t0 = Clock::now();
    std::vector<T> d(N), e(std::max(1, N));
    TwoStageTimes ts;
    two_stage_bidiagonal<T>(rt, M, N, dA.get(), ldA, d.data(), e.data(), &ts);
    if (N > 0) e[N - 1] = 0;
    tm.bidiagonalize = seconds_since(t0);
    tm.bidiagonalize_enqueue = ts.stage1;
    tm.band = ts.band;
    tm.band_reduce = ts.stage1;
    tm.band_download = ts.download;
    tm.band_chase = ts.stage2;
    launch.launches += ts.launches;
    t0 = Clock::now();
    ocl::PooledBuffer dd = ocl::acquire_buffer(rt, es * N), de = ocl::acquire_buffer(rt, es * N),
                      ds = ocl::acquire_buffer(rt, es * N);
    ocl::check(clEnqueueWriteBuffer(rt.queue, dd.get(), CL_FALSE, 0, es * N, d.data(), 0, nullptr, nullptr),
               "clEnqueueWriteBuffer(d)", dev);
    ocl::check(clEnqueueWriteBuffer(rt.queue, de.get(), CL_TRUE, 0, es * N, e.data(), 0, nullptr, nullptr),
               "clEnqueueWriteBuffer(e)", dev);
    cl_event bev = nullptr;
    bidiag_values_device<T>(rt, N, dd.get(), de.get(), ds.get(), launch.profile ? &bev : nullptr);
    launch.record("bisect", bev);
    ocl::check(clEnqueueReadBuffer(rt.queue, ds.get(), CL_TRUE, 0, es * N, d.data(), 0, nullptr, nullptr),
               "clEnqueueReadBuffer(s)", dev);
    tm.host_bidiag_svd = seconds_since(t0);
    t0 = Clock::now();
    for (int i = 0; i < k; ++i) s[i] = sexp != 0 ? std::ldexp(d[i], sexp) : d[i];
    tm.download = seconds_since(t0);
    tm.total = seconds_since(t_start);
    if (launch.profile) finish();
    tm.launches = launch.launches;
    for (const auto& [name, v] : launch.kernel_s) tm.kernels.push_back({name, v.first, v.second});
    if (times != nullptr) *times = tm;
    return;
  }

  // --- bidiagonalization (dgebrd with dlabrd panels)
  t0 = Clock::now();
  const int ldx = M, ldy = N;
  // Columns per partial sum of gemv_n: COLS, halved (not below 8) while the
  // trailing matrix gives fewer than 2 groups per compute unit and the
  // partial sums that x_next adds per row (nch) stay below the chunk length,
  // so that a small trailing matrix still spreads over the device.
  const int cols_min = [&] {
    int c = COLS;
    while (c > 8) c /= 2;
    return c;
  }();
  const long long want_groups = 2LL * std::max<cl_uint>(1, rt.compute_units);
  auto pick_cols = [&](int nrb, int nc) {
    int c = COLS;
    while (c > 8 && static_cast<long long>(nrb) * ((nc + c - 1) / c) < want_groups && (nc + c / 2 - 1) / (c / 2) <= c / 2)
      c /= 2;
    return c;
  };
  // FCOLS > 0 (two launches per column): tn_fused's groups (columns of FCOLS)
  // leave a partial sum of A u per row each, x_fin's groups (WG / RTEAM rows)
  // the partials of the next column's t1, t2.
  const int nf_max = FCOLS > 0 ? std::max(1, (N - 1 + FCOLS - 1) / FCOLS) : 0;
  const int xrows = wg / RTEAM, ngx_max = std::max(1, (M + xrows - 1) / xrows);
  const int nch_max = std::max({1, (N - 1 + cols_min - 1) / cols_min, nf_max});
  ocl::PooledBuffer dX = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(M) * NB);
  ocl::PooledBuffer dY = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(N) * NB);
  ocl::PooledBuffer dd = ocl::acquire_buffer(rt, es * N), de = ocl::acquire_buffer(rt, es * N),
                    dtq = ocl::acquire_buffer(rt, es * N), dtp = ocl::acquire_buffer(rt, es * N);
  ocl::PooledBuffer dscr = ocl::acquire_buffer(rt, es * 4 * NB);
  ocl::PooledBuffer dP = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(nch_max) * M);
  // Contiguous copies of the column (from its diagonal down) and of the row
  // (right of the diagonal) whose reflector the next fused launch generates.
  ocl::PooledBuffer dcb = ocl::acquire_buffer(rt, es * M), dub = ocl::acquire_buffer(rt, es * N);
  // y_row's per-group partial max|x| and sum x^2 of the row reflector's
  // vector (UNORM=1; at most one group per row).
  ocl::PooledBuffer dnp = ocl::acquire_buffer(rt, es * 2 * (static_cast<std::size_t>(N) + 1));
  ocl::PooledBuffer dfp, dq2;
  if (FCOLS > 0) {
    dfp = ocl::acquire_buffer(rt, es * (2 + 2 * static_cast<std::size_t>(NB)) * nf_max);
    dq2 = ocl::acquire_buffer(rt, es * 2 * static_cast<std::size_t>(NB) * ngx_max);
  }
  // YFUSE: yu_gemv_n's per-chunk slots (3 + 2j <= 2 + 2 NB) for x_fin, and
  // the raw Y(i+1:N, j) that larfg_gemv_t leaves for it.
  ocl::PooledBuffer dyr;
  if (YFUSE) {
    dfp = ocl::acquire_buffer(rt, es * (2 + 2 * static_cast<std::size_t>(NB)) * nch_max);
    dyr = ocl::acquire_buffer(rt, es * N);
  }
  {
    const T zero = 0;
    // taup(N-1) (no row reflector for the last column) and e(N-1) stay 0.
    for (cl_mem b : {de.get(), dtp.get()}) {
      ocl::check(clEnqueueFillBuffer(rt.queue, b, &zero, es, 0, es * N, 0, nullptr, nullptr), "clEnqueueFillBuffer",
                 dev);
    }
  }
  // The trailing update's inner dimension 2 NB is padded to the leaf's K
  // tile only (its M and N tiles do not apply to K): 64 stays 64 where the
  // tile unit L would make it 128 (f64) or 256 (f32), twice or four times
  // the flops. LAI_SVD_TRAIL_K=unit pads to L as before (probe A/B).
  const char* trail_k = std::getenv("LAI_SVD_TRAIL_K");
  const std::size_t kpad =
      trail_k != nullptr && std::string(trail_k) == "unit" ? L : static_cast<std::size_t>(cfg.kwg);
  ocl::PooledBuffer dLc, dRc, dW;
  if (N > NB) {
    const std::size_t Rmax = round_up(M, L), Cmax = round_up(N, L), K2max = round_up(2 * NB, kpad);
    dLc = ocl::acquire_buffer(rt, es * Rmax * K2max);
    dRc = ocl::acquire_buffer(rt, es * K2max * Cmax);
    dW = ocl::acquire_buffer(rt, es * Rmax * Cmax);
  }
  const cl_mem a = dA.get(), x = dX.get(), y = dY.get(), scr = dscr.get(), P = dP.get(), cb = dcb.get(),
               ub = dub.get();
  const std::size_t uwg = static_cast<std::size_t>(wg);
  // y_row and x_next: RTEAM items per row (column) of their range, rows
  // packed wg / RTEAM to a work-group.
  const auto team_items = [&](int rows) {
    if (RTEAM <= 1) return static_cast<std::size_t>(rows);
    const std::size_t per = uwg / static_cast<std::size_t>(RTEAM);
    return (static_cast<std::size_t>(rows) + per - 1) / per * uwg;
  };
  // Column 0 for the first fused launch (later columns: x_next, sub_trail).
  ocl::check(clEnqueueCopyBuffer(rt.queue, a, cb, 0, 0, es * M, 0, nullptr, nullptr), "clEnqueueCopyBuffer", dev);
  // The arguments before i, p, j (and the per-launch sizes) never change.
  // YFUSE: larfg_gemv_t's Y(c, j) goes to yraw[c] (Y = yraw, ldy = 0).
  if (YFUSE) {
    launch.args_from(K.larfg_gemv_t, 0, M, N, a, ldA, x, ldx, dyr.get(), 0, scr, cb, dd.get(), dtq.get());
    launch.args_from(K.yu_gemv_n, 0, M, N, a, ldA, x, ldx, y, ldy, dyr.get(), dtq.get(), scr, ub, dfp.get(),
                     nch_max, P);
    // x_fin without tn_fused's partials (q2st = 0; q2 is not read).
    launch.args_from(K.x_fin, 0, M, N, a, ldA, x, ldx, y, ldy, ub, de.get(), dtp.get(), dfp.get());
    launch.args_from(K.x_fin, 13, nch_max, P, cb, dfp.get(), 0);
  } else {
    launch.args_from(K.larfg_gemv_t, 0, M, N, a, ldA, x, ldx, y, ldy, scr, cb, dd.get(), dtq.get());
  }
  launch.args_from(K.y_row, 0, N, a, ldA, x, ldx, y, ldy, dtq.get(), scr, ub);
  launch.args_from(K.y_row, 13, dnp.get());
  launch.args_from(K.larfg_gemv_n, 0, M, N, a, ldA, y, ldy, scr, P, ub, de.get(), dtp.get());
  launch.args_from(K.x_next, 0, M, a, ldA, x, ldx, y, ldy, dtp.get(), scr, P, cb);
  if (FCOLS > 0) {
    launch.args_from(K.tn_fused, 0, M, N, a, ldA, x, ldx, y, ldy, cb, ub, dd.get(), dtq.get(), dq2.get());
    launch.args_from(K.tn_fused, 14, ngx_max, dfp.get(), nf_max, P);
    launch.args_from(K.x_fin, 0, M, N, a, ldA, x, ldx, y, ldy, ub, de.get(), dtp.get(), dfp.get());
    launch.args_from(K.x_fin, 13, nf_max, P, cb, dq2.get(), ngx_max);
  }
  for (int p = 0; p < N; p += NB) {
    const int nbt = std::min(NB, N - p);
    for (int j = 0; j < nbt; ++j) {
      const int i = p + j;
      if (launch.profile && prof_bands) launch.band = i / 512;
      if (i >= N - 1) {
        // Last column: its reflector H(i) of A(i:M, i) alone; d(i), tauq(i).
        launch(K.larfg, uwg, a, static_cast<cl_ulong>(i) + static_cast<cl_ulong>(i) * ldA, cl_ulong{1}, M - i - 1,
               dd.get(), dtq.get(), i);
        continue;
      }
      const int next = j + 1 < nbt ? 1 : 0;
      if (FCOLS > 0) {
        // 1: H(i) (from cb, t1 and t2 from x_fin's partials), Y(i+1:N, j), the
        // row into ub, and per group of FCOLS columns A u (unscaled) and the
        // partials of the row's norm, t3, t4.
        const int nf = (N - i - 1 + FCOLS - 1) / FCOLS;
        launch.args_from(K.tn_fused, 13, (M - i + xrows - 1) / xrows);
        launch.args_from(K.tn_fused, 18, i, p, j);
        launch.run(K.tn_fused, uwg * static_cast<std::size_t>(nf));
        // 2: G(i), X(i+1:M, j); column i+1 updated (into cb) when in this
        // panel, with the partials of its t1, t2.
        launch.args_from(K.x_fin, 12, nf);
        launch.args_from(K.x_fin, 18, i, p, j, next);
        launch.run(K.x_fin, uwg * static_cast<std::size_t>((M - i - 1 + xrows - 1) / xrows));
        continue;
      }
      // 1: H(i) of A(i:M, i) (from cb) fused with Y(i+1:N, j) raw, t1, t2.
      launch.args_from(K.larfg_gemv_t, 12, i, p, j);
      launch.run(K.larfg_gemv_t, uwg * static_cast<std::size_t>(N - i - 1 + 2 * j));
      if (YFUSE) {
        // 2: per chunk of columns Y(c, j), u(c) (into ub), the unscaled A u
        // per row and the chunk's partials of the row's norm, t3, t4.
        const int nc = N - i - 1, nrb = (M - i - 1 + wg - 1) / wg, cols = pick_cols(nrb, nc),
                  nch = (nc + cols - 1) / cols;
        launch.args_from(K.yu_gemv_n, 15, i, p, j, nrb, nch, cols);
        launch.run(K.yu_gemv_n, uwg * static_cast<std::size_t>(nrb * nch));
        // 3: G(i), u into A(i, i+1:N), X(i+1:M, j); column i+1 updated (into
        // cb) when in this panel.
        launch.args_from(K.x_fin, 12, nch);
        launch.args_from(K.x_fin, 18, i, p, j, next);
        launch.run(K.x_fin, uwg * static_cast<std::size_t>((M - i - 1 + xrows - 1) / xrows));
        continue;
      }
      // 2: Y(i+1:N, j) final, row i updated into ub.
      launch.args_from(K.y_row, 10, i, p, j);
      const std::size_t yrow_items = team_items(N - i - 1);
      launch.run(K.y_row, yrow_items);
      // 3: G(i) of A(i, i+1:N) (from ub) fused with the partial sums of X, t3, t4.
      const int nc = N - i - 1, nrb = (M - i - 1 + wg - 1) / wg, cols = pick_cols(nrb, nc),
                nch = (nc + cols - 1) / cols;
      launch.args_from(K.larfg_gemv_n, 11, i, p, j, nrb, nch, cols, dnp.get(),
                       static_cast<int>(round_up(yrow_items, uwg) / uwg));
      launch.run(K.larfg_gemv_n, uwg * static_cast<std::size_t>(nrb * nch + 2 * j + 1));
      // 4: X(i+1:M, j) final; column i+1 updated (into cb) when in this panel.
      launch.args_from(K.x_next, 11, i, p, j, nch, next);
      launch.run(K.x_next, team_items(M - i - 1));
    }
    launch.band = -1;
    const int q = p + nbt;
    if (q < N) {
      // A(q:M, q:N) -= [A(q:M,p:q) X(q:M,:)] [Y(q:N,:) A(p:q,q:N)^T]^T, i.e.
      // W = Lc Rc (col-major); the leaf computes W^T = Rc^T Lc^T, whose
      // row-major operands are Rc's and Lc's column-major storage.
      const int R = M - q, C = N - q;
      const int Rp = static_cast<int>(round_up(R, L)), Cp = static_cast<int>(round_up(C, L)),
                K2p = static_cast<int>(round_up(2 * nbt, kpad));
      launch(K.pack_trail, static_cast<std::size_t>(Rp) * K2p + static_cast<std::size_t>(K2p) * Cp, M, N, a, ldA, x,
             ldx, y, ldy, p, nbt, dLc.get(), Rp, dRc.get(), K2p, Cp);
      gemm(Cp, Rp, K2p, T(1), dRc.get(), K2p, dLc.get(), Rp, T(0), dW.get(), Rp);
      launch(K.sub_trail, static_cast<std::size_t>(R) * C, a, ldA, q, q, R, C, dW.get(), Rp, cb);
    }
  }
  tm.bidiagonalize_enqueue = seconds_since(t0);
  finish();
  tm.bidiagonalize = seconds_since(t0);

  // --- bidiagonal SVD on the host
  t0 = Clock::now();
  std::vector<T> d(N), e(std::max(1, N));
  ocl::check(clEnqueueReadBuffer(rt.queue, dd.get(), CL_TRUE, 0, es * N, d.data(), 0, nullptr, nullptr),
             "clEnqueueReadBuffer(d)", dev);
  ocl::check(clEnqueueReadBuffer(rt.queue, de.get(), CL_TRUE, 0, es * N, e.data(), 0, nullptr, nullptr),
             "clEnqueueReadBuffer(e)", dev);
  // Which sides of B's SVD are needed, and B's U side full (M columns)?
  const bool want_u = jobu != 'N', want_vt = jobvt != 'N';
  const bool bu = trans ? want_vt : want_u, bv = trans ? want_u : want_vt;
  const bool bu_full = trans ? jobvt == 'A' : jobu == 'A';
  // U_B and VT_B: N x N, leading dimension ldb (host_array.h says why
  // these are not std::vector and why ldb is padded).
  const int ldb = padded_ld(N);
  HostArray<T> UB, VTB;
  int linfo = 0;
  std::string routine;
  // The back-transformation's targets, where the results are read from:
  // Z_Q = [U_B 0; 0 I] (Lq x NCu) and Z_P = V_B (Lv x Lv) before it, U and
  // V after. The device-resident divide and conquer writes U_B and V_B
  // (vectors_on_device) there, or with Q_B and P_B formed first into
  // buffers of their own.
  const int Lq = static_cast<int>(round_up(M, L)), Lv = static_cast<int>(round_up(N, L));
  const int nu = bu_full ? M : N, NCu = static_cast<int>(round_up(nu, L));
  ocl::PooledBuffer dZU, dZP;
  const T zero = 0;
  auto zeroed = [&](std::size_t elems) {
    ocl::PooledBuffer b = ocl::acquire_buffer(rt, es * elems);
    ocl::check(clEnqueueFillBuffer(rt.queue, b.get(), &zero, es, 0, es * elems, 0, nullptr, nullptr),
               "clEnqueueFillBuffer", dev);
    return b;
  };
  auto zero_targets = [&](bool u, bool v) {
    if (u) dZU = zeroed(static_cast<std::size_t>(Lq) * NCu);
    if (v) dZP = zeroed(static_cast<std::size_t>(Lv) * Lv);
  };
  bool vectors_on_device = false;
  // The back-transformation's blocks of reflectors (set up here: with the
  // vectors on the device, Q_B and P_B are formed while the host solves the
  // bidiagonal SVD). Reflectors per block: 64, or LAI_SVD_BACK_NB (a whole
  // number >= 1), rounded up to the GEMM tile unit.
  const std::optional<int> back_nb = env_int("LAI_SVD_BACK_NB");
  const std::size_t nb_want = back_nb && *back_nb >= 1 ? static_cast<std::size_t>(*back_nb) : 64;
  const int kb = static_cast<int>(L * ((nb_want + L - 1) / L));
  const int Lmax = std::max(bu ? Lq : 0, bv ? Lv : 0), NCmax = std::max(bu ? NCu : 0, bv ? Lv : 0);
  ocl::PooledBuffer dVc, dVr, dG, dT, dWb, dW2;
  if (bu || bv) {
    dVc = ocl::acquire_buffer(rt, es * Lmax * kb);
    dVr = ocl::acquire_buffer(rt, es * Lmax * kb);
    dG = ocl::acquire_buffer(rt, es * kb * kb);
    dT = ocl::acquire_buffer(rt, es * kb * kb);
    dWb = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(kb) * NCmax);
    dW2 = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(kb) * NCmax);
  }
  // Block b's reflectors are zero above row p = b kb, so its products need
  // only rows p.. of V and Z: views (sub-buffers) that start there halve
  // the flops on average. Where the device's alignment does not allow a
  // view, or with LAI_SVD_BACK_ROWS=all (the probes' A/B), all rows.
  const char* back_rows = std::getenv("LAI_SVD_BACK_ROWS");
  const bool views_wanted = !(back_rows != nullptr && std::string(back_rows) == "all");
  std::vector<ocl::MemHandle> views;
  // T of block p: larft_diag + larft_merge (parallel), or the one-group
  // larft where a merge would not fit its local array (kb > 1024, only with
  // LAI_SVD_BACK_NB) or with LAI_SVD_LARFT=serial (the tests' reference).
  const char* larft_env = std::getenv("LAI_SVD_LARFT");
  const bool larft_serial = kb > 2 * kLarftMaxS || (larft_env != nullptr && std::string(larft_env) == "serial");
  auto larft = [&](cl_mem tau, int p, int kbb, int nrefl) {
    if (larft_serial) {
      launch(K.larft, uwg, dG.get(), kb, tau, p, kbb, nrefl, dT.get());
      return;
    }
    launch(K.larft_diag, static_cast<std::size_t>((kb + kLarftBlock - 1) / kLarftBlock) * uwg, dG.get(), kb, tau, p,
           kbb, nrefl, dT.get());
    for (int half = kLarftBlock; half < kb; half *= 2) {
      const int pairs = (kb - half + 2 * half - 1) / (2 * half);
      launch(K.larft_merge, static_cast<std::size_t>(pairs) * half * uwg, dG.get(), kb, half, dT.get());
    }
  };
  // identity: Z starts as identity columns (Q_B and P_B formed first), so
  // block p leaves Z's columns left of p as they are (unit vectors above row
  // p) and its products need only Z's columns from p on as well.
  auto apply = [&](int row, int nrefl, int Lvec, int Lp, cl_mem Z, int NCp, cl_mem tau, bool identity) {
    const int nblk = (nrefl + kb - 1) / kb;
    const std::size_t align = rt.base_align_bytes;
    for (int b = nblk - 1; b >= 0; --b) {
      const int p = b * kb, kbb = std::min(kb, nrefl - p);
      launch(K.pack_v, static_cast<std::size_t>(Lp) * kb, a, ldA, row, p, kbb, nrefl, Lvec, Lp, kb, dVc.get(),
             dVr.get());
      // Views from row r0 of Z (col-major Lp x NCp), of Vc (V^T, row-major
      // kb x Lp) and of Vr (V, row-major Lp x kb); r0 = 0: the buffers. They
      // stay alive (views) until the call returns, after its last clFinish.
      // With identity, Z's view also starts at column c0 = p: (p, p).
      int r0 = 0, c0 = 0;
      ocl::MemHandle zv, vcv, vrv;
      const std::size_t vro = es * static_cast<std::size_t>(p) * kb;
      for (const int cols : {identity ? p : 0, 0}) {
        const std::size_t zo = es * (p + static_cast<std::size_t>(cols) * Lp);
        if (!(views_wanted && p > 0 && align != 0 && zo % align == 0 && vro % align == 0 && es * p % align == 0)) continue;
        zv = ocl::sub_buffer(Z, zo, es * (static_cast<std::size_t>(Lp) * NCp) - zo);
        vcv = ocl::sub_buffer(dVc.get(), es * p, es * (static_cast<std::size_t>(kb) * Lp - p));
        vrv = ocl::sub_buffer(dVr.get(), vro, es * static_cast<std::size_t>(Lp - p) * kb);
        if (zv && vcv && vrv) {
          r0 = p;
          c0 = cols;
          break;
        }
      }
      cl_mem z = r0 > 0 ? zv.get() : Z, vc = r0 > 0 ? vcv.get() : dVc.get(), vr = r0 > 0 ? vrv.get() : dVr.get();
      const int Lr = Lp - r0, NCr = NCp - c0;
      // G = V^T V: the leaf's A is V^T row-major (= Vc), its B is V row-major (= Vr).
      gemm(kb, kb, Lr, T(1), vc, Lp, vr, kb, T(0), dG.get(), kb, "gemm:back_G");
      larft(tau, p, kbb, nrefl);
      // W = V^T Z (col-major kb x NCr) = leaf Z^T (Z's storage) * V (Vr).
      gemm(NCr, kb, Lr, T(1), z, Lp, vr, kb, T(0), dWb.get(), kb, "gemm:back_W");
      // W2 = T W = leaf W^T (W's storage) * T^T (T's storage).
      gemm(NCr, kb, kb, T(1), dWb.get(), kb, dT.get(), kb, T(0), dW2.get(), kb, "gemm:back_TW");
      // Z -= V W2 = leaf Z^T -= W2^T (W2's storage) * V^T (Vc).
      gemm(NCr, Lr, kb, T(-1), dW2.get(), kb, vc, Lp, T(1), z, Lp, "gemm:back_Z");
      if (r0 > 0) {
        ++tm.back_row_views;
        if (c0 > 0) ++tm.back_col_views;
        views.push_back(std::move(zv));
        views.push_back(std::move(vcv));
        views.push_back(std::move(vrv));
      }
    }
  };
  // With the vectors on the device: Q_f = Q_B [I 0; 0 I] (M x nu) and P_f =
  // P_B formed from identities now, on the device's otherwise idle time
  // while the host solves the leaves, then U = Q_f(:, 0:N) U_B and V = P_f V_B
  // as one GEMM each (LAI_SVD_BACK_FIRST=0: Q_B and P_B applied to U_B and
  // V_B afterwards instead).
  ocl::PooledBuffer dQf, dPf, dUB, dVB;
  bool formed = false;
  auto form_first = [&] {
    if (bu) {
      dQf = zeroed(static_cast<std::size_t>(Lq) * NCu);
      launch(K.set_diag, static_cast<std::size_t>(nu), dQf.get(), Lq, 0, nu);
      apply(0, N, M, Lq, dQf.get(), NCu, dtq.get(), true);
    }
    if (bv) {
      dPf = zeroed(static_cast<std::size_t>(Lv) * Lv);
      launch(K.set_diag, static_cast<std::size_t>(N), dPf.get(), Lv, 0, N);
      apply(1, N - 1, N, Lv, dPf.get(), Lv, dtp.get(), true);
    }
    formed = true;
  };
  if (!bu && !bv) {
    // Values only: bisection on the device (bisect_opencl.h), all values in
    // parallel, instead of the host's sequential dqds (dbdsqr without vectors
    // took 0.19 s of 0.52 s at n=4096 on the H200 machine, bench/svd run 1).
    ocl::PooledBuffer ds = ocl::acquire_buffer(rt, es * N);
    cl_event bev = nullptr;
    bidiag_values_device<T>(rt, N, dd.get(), de.get(), ds.get(), launch.profile ? &bev : nullptr);
    launch.record("bisect", bev);
    ocl::check(clEnqueueReadBuffer(rt.queue, ds.get(), CL_TRUE, 0, es * N, d.data(), 0, nullptr, nullptr),
               "clEnqueueReadBuffer(s)", dev);
    routine = "bisect";
  } else {
    const std::vector<T> d0 = d, e0 = e;
    const std::size_t nb = static_cast<std::size_t>(ldb) * N, nn = static_cast<std::size_t>(N) * N;
    UB = HostArray<T>(nb);
    VTB = HostArray<T>(nb);
    // dbdsdc (COMPQ='I') sets U and VT itself and needs 3 N^2 + 4 N of
    // workspace; dbdsqr, the fallback, 4 N.
    HostArray<T> work(3 * nn + 4 * static_cast<std::size_t>(N));
    HostArray<int> iwork(8 * static_cast<std::size_t>(N));
    // Divide and conquer with the merges' products on the device (what the
    // time of ?bdsdc is at large n, bdsdc_hybrid.h) on a GPU above one
    // LAPACK leaf block; LAPACK's ?bdsdc otherwise and when it fails.
    const HybridDcOptions dco = hybrid_dc_options_from_env();
    const DcChoice dc = dc_choice_from_env();
    const bool hybrid = dc == DcChoice::automatic ? rt.device.gpu && N > dco.leaf : dc == DcChoice::hybrid;
    if (hybrid) {
      routine = std::string(Lapack<T>::prefix) + "bdsdc_hybrid";
      // Device-resident merges (dc_device.h) unless LAI_SVD_DC_DEVICE=0.
      const std::optional<int> dc_dev_env = env_int("LAI_SVD_DC_DEVICE");
      std::unique_ptr<DcDevice<T>> dcd;
      if (dc_merges_on_device(N, dco) && dc_dev_env.value_or(1) != 0) {
        if (env_int("LAI_SVD_BACK_FIRST").value_or(1) != 0) {
          form_first();
          dUB = zeroed(static_cast<std::size_t>(Lv) * Lv);
          dVB = zeroed(static_cast<std::size_t>(Lv) * Lv);
          dcd = make_dc_device<T>(rt, cfg, N, dUB.get(), Lv, dVB.get(), Lv);
        } else {
          zero_targets(true, true);
          dcd = make_dc_device<T>(rt, cfg, N, dZU.get(), Lq, dZP.get(), Lv);
        }
        routine += "(device)";
      }
      linfo = bdsdc_hybrid<T>(N, d.data(), e.data(), UB.data(), ldb, VTB.data(), ldb, dco, &tm.dc, dcd.get());
      vectors_on_device = dcd != nullptr && linfo == 0;
      if (linfo != 0) {
        d = d0;
        e = e0;
        routine += "+";
      }
    }
    if (!hybrid || linfo != 0) {
      routine += std::string(Lapack<T>::prefix) + "bdsdc";
      linfo = Lapack<T>::bdsdc(N, d.data(), e.data(), UB.data(), ldb, VTB.data(), ldb, work.data(), iwork.data());
    }
    if (linfo != 0) {
      // Divide and conquer failed: QR iteration on the same bidiagonal,
      // from U = VT = I.
      d = d0;
      e = e0;
      for (int j = 0; j < N; ++j) {
        T* u = UB.data() + static_cast<std::size_t>(j) * ldb;
        T* v = VTB.data() + static_cast<std::size_t>(j) * ldb;
        std::fill(u, u + N, T(0));
        std::fill(v, v + N, T(0));
        u[j] = v[j] = 1;
      }
      routine += "+" + std::string(Lapack<T>::prefix) + "bdsqr";
      linfo = Lapack<T>::bdsqr(N, N, N, d.data(), e.data(), VTB.data(), ldb, UB.data(), ldb, work.data());
    }
  }
  if (linfo != 0) {
    if (info != nullptr) *info = linfo;
    fail(linfo > 0 ? LAI_ERROR_NO_CONVERGENCE : LAI_ERROR_INTERNAL,
         "GPU SVD: the bidiagonal SVD on the host (" + routine + ") failed with INFO=" + std::to_string(linfo) +
             (linfo > 0 ? " (" + std::to_string(linfo) + " superdiagonal(s) did not converge to zero)" : "") +
             "; nothing was written; rescale A or use the CPU (LAI_BACKEND=cpu)");
  }
  tm.host_bidiag_svd = seconds_since(t0);

  // --- back-transformation: Z = (block_0 ... block_last) Z, block b =
  // I - V T V^T (forward dlarft), applied last block first; or, with Q_f
  // and P_f formed already, one GEMM per side.
  t0 = Clock::now();
  if (vectors_on_device && formed) {
    if (bu) {
      // U (col-major, ld Lq) = Q_f(:, 0:Lv) U_B: the leaf's rows are U's
      // columns, A = U_B's storage (U_B^T), B = Q_f's (Q_f^T).
      dZU = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(Lq) * NCu);
      gemm(Lv, Lq, Lv, T(1), dUB.get(), Lv, dQf.get(), Lq, T(0), dZU.get(), Lq, "gemm:final_U");
      if (nu > N) {
        // U's columns N..nu-1 (job A of a tall B): Q_f's, as formed.
        const std::size_t off = es * static_cast<std::size_t>(Lq) * N;
        ocl::check(clEnqueueCopyBuffer(rt.queue, dQf.get(), dZU.get(), off, off,
                                       es * static_cast<std::size_t>(Lq) * (nu - N), 0, nullptr, nullptr),
                   "clEnqueueCopyBuffer(Q_f)", dev);
      }
    }
    if (bv) {
      dZP = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(Lv) * Lv);
      gemm(Lv, Lv, Lv, T(1), dVB.get(), Lv, dPf.get(), Lv, T(0), dZP.get(), Lv, "gemm:final_V");
    }
    finish();
  } else {
    if (bu) {
      // Z = [U_B 0; 0 I] (M x nu), then Q_B Z.
      if (!vectors_on_device) {
        zero_targets(true, false);
        ocl::write_columns(rt, dZU.get(), 0, es * Lq, UB.data(), es * ldb, es * N, N, "U_B");
      }
      launch(K.set_diag, static_cast<std::size_t>(nu - N), dZU.get(), Lq, N, nu);
      apply(0, N, M, Lq, dZU.get(), NCu, dtq.get(), false);
    }
    if (bv) {
      // Z = V_B = VT_B^T (N x N), then P_B Z.
      if (!vectors_on_device) {
        zero_targets(false, true);
        ocl::PooledBuffer tmp = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(N) * N);
        ocl::write_columns(rt, tmp.get(), 0, es * N, VTB.data(), es * ldb, es * N, N, "VT_B");
        launch(K.transpose, static_cast<std::size_t>(N) * N, tmp.get(), N, dZP.get(), Lv, N, N);
      }
      apply(1, N - 1, N, Lv, dZP.get(), Lv, dtp.get(), false);
    }
    finish();
  }
  tm.back_transform = seconds_since(t0);
  tm.vectors_on_device = vectors_on_device;

  // --- results. A is written last and only through a host copy (job 'O'),
  // so that a failed read leaves A intact for the CPU fallback.
  t0 = Clock::now();
  std::vector<T> a_out;
  auto read_rect = [&](cl_mem buf, int ldsrc, int rows, int cols, T* dst, int ldd) {
    ocl::read_columns(rt, buf, 0, es * ldsrc, dst, es * static_cast<std::size_t>(ldd), es * rows, cols, "U/VT");
  };
  // Output side "U" (m x ucols) and "VT" (vrows x n) of A, from the device.
  auto deliver = [&](char job, cl_mem buf, int ldz, int rows, int cols, T* out, int ldo, bool transpose) {
    if (job == 'N') return;
    ocl::PooledBuffer tbuf;
    if (transpose) {
      // buf holds the cols x rows transpose: make it rows x cols (ld rows).
      tbuf = ocl::acquire_buffer(rt, es * static_cast<std::size_t>(rows) * cols);
      launch(K.transpose, static_cast<std::size_t>(cols) * rows, buf, ldz, tbuf.get(), rows, cols, rows);
      buf = tbuf.get();
      ldz = rows;
    }
    if (job == 'O') {
      a_out.assign(static_cast<std::size_t>(rows) * cols, T(0));
      read_rect(buf, ldz, rows, cols, a_out.data(), rows);
      return;
    }
    read_rect(buf, ldz, rows, cols, out, ldo);
  };
  const int ucols = jobu == 'A' ? m : k, vrows = jobvt == 'A' ? n : k;
  if (!trans) {
    deliver(jobu, dZU.get(), Lq, m, ucols, U, ldu, false);
    deliver(jobvt, dZP.get(), Lv, vrows, n, VT, ldvt, true);
  } else {
    deliver(jobu, dZP.get(), Lv, m, ucols, U, ldu, false);
    deliver(jobvt, dZU.get(), Lq, vrows, n, VT, ldvt, true);
  }
  for (int i = 0; i < k; ++i) s[i] = sexp != 0 ? std::ldexp(d[i], sexp) : d[i];
  if (!a_out.empty()) {
    const int rows = jobu == 'O' ? m : vrows, cols = jobu == 'O' ? ucols : n;
    for (int j = 0; j < cols; ++j)
      std::copy_n(a_out.data() + static_cast<std::size_t>(j) * rows, rows, A + static_cast<std::size_t>(j) * lda);
  }
  tm.download = seconds_since(t0);
  tm.total = seconds_since(t_start);
  if (launch.profile) finish();  // the last events (bisection, downloads' producers) into kernel_s
  tm.launches = launch.launches;
  for (const auto& [name, v] : launch.kernel_s) tm.kernels.push_back({name, v.first, v.second});
  if (times != nullptr) *times = tm;
}

template void gesvd_opencl<double>(char, char, int, int, double*, int, double*, double*, int, double*, int, int*,
                                   GpuSvdStageTimes*, double);
template void gesvd_opencl<float>(char, char, int, int, float*, int, float*, float*, int, float*, int, int*,
                                  GpuSvdStageTimes*, float);

int gesvd_opencl_auto_min(bool f64) noexcept {
  try {
    if (const char* v = std::getenv("LAI_SVD_GPU_MIN"); v != nullptr && *v != '\0') return std::max(0, std::atoi(v));
    if (!ocl::device_is_gpu()) return 0;
    const std::string t = ocl::tuned_options(ocl::runtime(), std::string("svd-gpu-min:") + (f64 ? "f64" : "f32"));
    return t.empty() ? 1024 : std::max(0, std::atoi(t.c_str()));
  } catch (...) {
    return 0;
  }
}

}  // namespace lai::svd
