// GPU GEMM (generated portable and NVIDIA tensor-core kernels), one level of
// a fast scheme on the GPU, and bandwidth-tuned batched 4x4 launches.
#include "opencl/gpu.h"
#include "opencl/staging.h"

#include "opencl/backend.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>
#include <type_traits>

#include "diagnostics/error.h"
#include "opencl/cl_error.h"
#include "opencl/gemm_tail.h"
#include "opencl/gpu_sources.h"
#include "opencl/handles.h"
#include "opencl/pool.h"
#include "opencl/program_cache.h"

namespace lai::ocl {

namespace {

struct TuningEntry {
  const char* vendor;
  const char* device;
  const char* kernel;
  const char* options;
};

const TuningEntry kTuning[] = {
#include "opencl/tuning_table.inc"
};

bool matches(const char* pattern, const std::string& value) {
  return std::strcmp(pattern, "*") == 0 || value.find(pattern) != std::string::npos;
}

template <class T>
const char* tag() {
  return std::is_same_v<T, double> ? "f64" : "f32";
}

void set_arg(cl_kernel k, cl_uint i, std::size_t size, const void* v, const std::string& dev) {
  check(clSetKernelArg(k, i, size, v), "clSetKernelArg", dev);
}

KernelHandle make_kernel(const Runtime& rt, const std::string& program, const std::string& options,
                         const std::string& name) {
  const cl_program p = get_program(rt, gpu_source(program), options);
  cl_int rc = CL_SUCCESS;
  KernelHandle k(clCreateKernel(p, name.c_str(), &rc));
  check(rc, ("clCreateKernel(" + name + ")").c_str(), rt.device.name);
  return k;
}

std::size_t round_up(std::size_t v, std::size_t m) { return (v + m - 1) / m * m; }

void require_fp64(const Runtime& rt) {
  if (!rt.fp64) {
    fail(LAI_ERROR_NOT_SUPPORTED, "OpenCL device \"" + rt.device.name +
                                      "\" has no double precision (cl_khr_fp64); use the f32 routine or the CPU");
  }
}

}  // namespace

const char* gpu_source(const std::string& name) {
  for (int i = 0; i < lai_gpu_source_count; ++i) {
    if (name == lai_gpu_source_table[i].name) return lai_gpu_source_table[i].text;
  }
  fail(LAI_ERROR_NOT_SUPPORTED, "no generated GPU kernel \"" + name + "\" in this build of liblapack_ai");
}

std::string tuned_options(const Runtime& rt, const std::string& kernel) {
  for (const auto& e : kTuning) {
    if (kernel == e.kernel && matches(e.vendor, rt.vendor) && matches(e.device, rt.device.name)) return e.options;
  }
  return {};
}

int tuned_fast_min(const Runtime& rt, const std::string& dtype) {
  if (const char* v = std::getenv("LAI_GPU_FAST_MIN_N"); v != nullptr) return std::atoi(v);
  return std::atoi(tuned_options(rt, "fast:" + dtype).c_str());
}

template <class T>
GemmConfig gemm_config(const Runtime& rt, const std::string& variant, const std::string& options) {
  std::string v = variant;
  if (v.empty()) {
    const char* env = std::getenv("LAI_OPENCL_GEMM");
    if (env != nullptr && *env != '\0') {
      v = env;
    } else if (std::is_same_v<T, double>) {
      v = rt.nvidia ? "nvmma" : "tiled";
    } else {
      // f32 on NVIDIA: the 3xTF32 tensor-core kernel only where the tuning
      // table has an entry for it (measured faster and SGEMM-accurate there).
      v = rt.nvidia && !tuned_options(rt, "lai_gemm_nvtf32_f32").empty() ? "nvtf32" : "tiled";
    }
  }
  if (v != "tiled" && v != "nvmma" && v != "nvtf32") {
    fail(LAI_ERROR_INVALID_ARGUMENT, "GEMM kernel variant \"" + v + "\" is not tiled, nvmma or nvtf32");
  }
  if (v == "nvmma" && !std::is_same_v<T, double>) v = "tiled";  // the FP64 tensor-core kernel is f64 only
  if (v == "nvtf32" && std::is_same_v<T, double>) v = rt.nvidia ? "nvmma" : "tiled";  // TF32 is f32 only
  GemmConfig c;
  c.nvmma = v == "nvmma" || v == "nvtf32";
  c.program = std::string("lai_gemm_") + v + "_" + tag<T>();
  c.options = options.empty() ? tuned_options(rt, c.program) : options;
  const std::string src = gpu_source(c.program);
  c.mwg = kernel_param(src, c.options, "MWG");
  c.nwg = kernel_param(src, c.options, "NWG");
  c.kwg = kernel_param(src, c.options, "KWG");
  c.gm = kernel_param(src, c.options, "GM");
  // Resident groups for the split-K tail: LAI_GEMM_WAVE (0 disables), else,
  // for the tuning table's configuration, compute units x the table's groups
  // per unit for it (measured occupancy; explicit options have none).
  if (const char* w = std::getenv("LAI_GEMM_WAVE"); w != nullptr && *w != '\0') {
    c.wave = std::max(0, std::atoi(w));
  } else if (const std::string per_cu = tuned_options(rt, "groups_per_cu:" + c.program);
             options.empty() && !per_cu.empty()) {
    c.wave = static_cast<int>(rt.compute_units) * std::max(0, std::atoi(per_cu.c_str()));
  }
  // Large grids: at 16384 the H200 runs the nvmma leaf 0.3-2.7% faster with
  // pair moves, at 8192 1.2% slower (bench/results runs 18 and 21), hence a
  // grid threshold.
  std::string over;
  std::size_t resident = 0;
  if (const char* g = std::getenv("LAI_GEMM_GRID_OVER"); g != nullptr && *g != '\0') {
    over = g;
    resident = static_cast<std::size_t>(std::max(0, c.wave));
  } else if (c.options == tuned_options(rt, c.program)) {
    over = tuned_options(rt, "grid_over:" + c.program);
    const std::string per_cu = tuned_options(rt, "groups_per_cu:" + c.program);
    resident = static_cast<std::size_t>(rt.compute_units) * static_cast<std::size_t>(std::max(0, std::atoi(per_cu.c_str())));
  }
  if (!over.empty() && resident > 0) {
    std::istringstream in(over);
    long waves = 0;
    std::string extra;
    if ((in >> waves) && waves > 0 && std::getline(in, extra) && extra.find_first_not_of(' ') != std::string::npos) {
      c.big_options = extra.substr(extra.find_first_not_of(' '));
      c.big_min_tiles = static_cast<std::size_t>(waves) * resident + 1;
    }
  }
  if (c.nvmma) {
    const std::size_t nt = 32 * static_cast<std::size_t>(kernel_param(src, c.options, "WGM") * kernel_param(src, c.options, "WGN"));
    c.local[0] = nt;
    c.threads_per_tile = nt;
    c.ydim = 1;
  } else {
    const int mdimc = kernel_param(src, c.options, "MDIMC");
    const int ndimc = kernel_param(src, c.options, "NDIMC");
    c.local[0] = static_cast<std::size_t>(ndimc);
    c.local[1] = static_cast<std::size_t>(mdimc);
    c.threads_per_tile = static_cast<std::size_t>(ndimc);
    c.ydim = static_cast<std::size_t>(mdimc);
  }
  return c;
}

MemHandle sub_buffer(cl_mem buf, std::size_t origin, std::size_t size) {
  const cl_buffer_region region{origin, size};
  cl_int rc = CL_SUCCESS;
  MemHandle h(clCreateSubBuffer(buf, 0, CL_BUFFER_CREATE_TYPE_REGION, &region, &rc));
  if (rc != CL_SUCCESS) return MemHandle();
  return h;
}

namespace {

template <class T>
void set_gemm_args(cl_kernel k, const std::string& dev, int M, int N, int K, T alpha, cl_mem A, int lda, cl_ulong sA,
                   cl_mem B, int ldb, cl_ulong sB, T beta, cl_mem C, int ldc, cl_ulong sC) {
  cl_uint i = 0;
  set_arg(k, i++, sizeof M, &M, dev);
  set_arg(k, i++, sizeof N, &N, dev);
  set_arg(k, i++, sizeof K, &K, dev);
  set_arg(k, i++, sizeof alpha, &alpha, dev);
  set_arg(k, i++, sizeof A, &A, dev);
  set_arg(k, i++, sizeof lda, &lda, dev);
  set_arg(k, i++, sizeof sA, &sA, dev);
  set_arg(k, i++, sizeof B, &B, dev);
  set_arg(k, i++, sizeof ldb, &ldb, dev);
  set_arg(k, i++, sizeof sB, &sB, dev);
  set_arg(k, i++, sizeof beta, &beta, dev);
  set_arg(k, i++, sizeof C, &C, dev);
  set_arg(k, i++, sizeof ldc, &ldc, dev);
  set_arg(k, i++, sizeof sC, &sC, dev);
}

void enqueue_tiles(const Runtime& rt, const GemmConfig& cfg, cl_kernel k, std::size_t tiles, std::size_t batch,
                   cl_event* ev) {
  const std::size_t global[3] = {tiles * cfg.threads_per_tile, cfg.ydim, batch};
  check(clEnqueueNDRangeKernel(rt.queue, k, 3, nullptr, global, cfg.local, 0, nullptr, ev),
        ("clEnqueueNDRangeKernel(" + cfg.program + ")").c_str(), rt.device.name);
}

// The split-K tail (gemm_tail.h) for a single product, or false (nothing
// enqueued; the caller launches the plain grid) where the views of the tail's
// operands cannot be made: origins not aligned as the device requires (or its
// alignment unknown), or a view the driver refuses. The views, kernels and
// the partials' buffer are all made before the first launch, so a failure to
// make them never leaves C partly written.
template <class T>
bool gemm_with_tail(const Runtime& rt, const GemmConfig& cfg, const TailPlan& p, int M, int N, int K, T alpha,
                    cl_mem A, int lda, cl_mem B, int ldb, T beta, cl_mem C, int ldc, cl_event* done,
                    cl_event* started) {
  const std::string& dev = rt.device.name;
  const std::size_t es = sizeof(T);
  const std::size_t r0 = static_cast<std::size_t>(p.row0) * cfg.mwg, c0 = static_cast<std::size_t>(p.col0) * cfg.nwg;
  const int rows = p.rows * cfg.mwg, cols = p.cols * cfg.nwg;
  const std::size_t a_origin = es * r0 * static_cast<std::size_t>(lda), b_origin = es * c0;
  const std::size_t align = rt.base_align_bytes;
  if (align == 0 || a_origin % align != 0 || b_origin % align != 0) return false;
  // The tail reads A's rows [r0, r0 + rows) and B's columns [c0, c0 + cols)
  // through views that start there.
  const MemHandle va = sub_buffer(A, a_origin, es * (static_cast<std::size_t>(rows - 1) * lda + K));
  const MemHandle vb = sub_buffer(B, b_origin, es * (static_cast<std::size_t>(K - 1) * ldb + cols));
  if (!va || !vb) return false;
  const int kc = p.k_slices * cfg.kwg;
  const std::size_t plane = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  // Returned to the pool as soon as the launches are enqueued: the queue is
  // in order, so a later user of the buffer runs after the sum has read it.
  PooledBuffer w = acquire_buffer(rt, es * plane * static_cast<std::size_t>(p.split));
  KernelHandle kt = make_kernel(rt, cfg.program, cfg.options, cfg.program);
  set_gemm_args<T>(kt.get(), dev, rows, cols, kc, T(1), va.get(), lda, static_cast<cl_ulong>(kc), vb.get(), ldb,
                   static_cast<cl_ulong>(kc) * static_cast<cl_ulong>(ldb), T(0), w.get(), cols,
                   static_cast<cl_ulong>(plane));
  KernelHandle ks = make_kernel(rt, cfg.program, cfg.options, cfg.program + "_ksum");
  const cl_mem wm = w.get();
  const cl_ulong coff = static_cast<cl_ulong>(r0) * static_cast<cl_ulong>(ldc) + c0;
  cl_uint i = 0;
  set_arg(ks.get(), i++, sizeof rows, &rows, dev);
  set_arg(ks.get(), i++, sizeof cols, &cols, dev);
  set_arg(ks.get(), i++, sizeof p.split, &p.split, dev);
  set_arg(ks.get(), i++, sizeof wm, &wm, dev);
  set_arg(ks.get(), i++, sizeof alpha, &alpha, dev);
  set_arg(ks.get(), i++, sizeof beta, &beta, dev);
  set_arg(ks.get(), i++, sizeof C, &C, dev);
  set_arg(ks.get(), i++, sizeof ldc, &ldc, dev);
  set_arg(ks.get(), i++, sizeof coff, &coff, dev);
  KernelHandle k;
  if (p.main_tiles > 0) {
    k = make_kernel(rt, cfg.program, cfg.options, cfg.program);
    set_gemm_args<T>(k.get(), dev, M, N, K, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0);
  }
  // The first launch's event, released here unless handed to the caller.
  EventHandle first;
  cl_event ev = nullptr;
  if (p.main_tiles > 0) {  // the full waves: pids [0, main_tiles) of the whole grid
    enqueue_tiles(rt, cfg, k.get(), static_cast<std::size_t>(p.main_tiles), 1, started ? &ev : nullptr);
    first = EventHandle(ev);
  }
  // The tail: S partial products over K chunks, a strided batch on the views.
  ev = nullptr;
  enqueue_tiles(rt, cfg, kt.get(), static_cast<std::size_t>(p.rows) * p.cols, static_cast<std::size_t>(p.split),
                started && !first ? &ev : nullptr);
  if (!first) first = EventHandle(ev);
  // The sum: one item per element of the tail; the driver picks the group.
  const std::size_t global[2] = {static_cast<std::size_t>(cols), static_cast<std::size_t>(rows)};
  check(clEnqueueNDRangeKernel(rt.queue, ks.get(), 2, nullptr, global, nullptr, 0, nullptr, done),
        ("clEnqueueNDRangeKernel(" + cfg.program + "_ksum)").c_str(), dev);
  if (started) *started = first.release();
  return true;
}

}  // namespace

template <class T>
void gemm_device(const Runtime& rt, const GemmConfig& cfg, int M, int N, int K, T alpha, cl_mem A, int lda,
                 cl_ulong sA, cl_mem B, int ldb, cl_ulong sB, T beta, cl_mem C, int ldc, cl_ulong sC, int batch,
                 cl_event* done, cl_event* started) {
  const std::string& dev = rt.device.name;
  if (std::is_same_v<T, double>) require_fp64(rt);
  if (cfg.nvmma && !rt.nvidia && std::getenv("LAI_MMA_EMULATE_OK") == nullptr) {
    fail(LAI_ERROR_NOT_SUPPORTED, "the tensor-core GEMM kernel uses NVIDIA PTX and cannot run on \"" + dev + "\"");
  }
  if (M % cfg.mwg != 0 || N % cfg.nwg != 0 || K % cfg.kwg != 0) {
    fail(LAI_ERROR_INTERNAL, "gemm_device: M, N, K (" + std::to_string(M) + ", " + std::to_string(N) + ", " +
                                 std::to_string(K) + ") are not multiples of the tile " + std::to_string(cfg.mwg) +
                                 "x" + std::to_string(cfg.nwg) + "x" + std::to_string(cfg.kwg));
  }
  if (started) *started = nullptr;
  if (M == 0 || N == 0 || batch == 0) return;
  if (batch == 1 && K > 0) {
    if (const auto plan = plan_tail(M / cfg.mwg, N / cfg.nwg, K / cfg.kwg, cfg.gm, cfg.wave)) {
      if (gemm_with_tail<T>(rt, cfg, *plan, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, done, started)) return;
    }
  }
  const std::size_t tiles = static_cast<std::size_t>(M / cfg.mwg) * static_cast<std::size_t>(N / cfg.nwg);
  std::string options = cfg.options;
  if (!cfg.big_options.empty() && cfg.big_min_tiles > 0 && tiles >= cfg.big_min_tiles && lda % 2 == 0 &&
      ldb % 2 == 0 && sA % 2 == 0 && sB % 2 == 0) {
    options += " " + cfg.big_options;
  }
  KernelHandle k = make_kernel(rt, cfg.program, options, cfg.program);
  set_gemm_args<T>(k.get(), dev, M, N, K, alpha, A, lda, sA, B, ldb, sB, beta, C, ldc, sC);
  cl_event ev = nullptr;
  enqueue_tiles(rt, cfg, k.get(), tiles, static_cast<std::size_t>(batch), done || started ? &ev : nullptr);
  if (done) *done = ev;
  if (started) {
    if (done) clRetainEvent(ev);
    *started = ev;
  }
}

namespace {

// Pads/transposes a host operand into a device buffer of rows x cols (row-major, ld = cols).
template <class T>
void upload_operand(const Runtime& rt, const GemmConfig& cfg, cl_mem dst, int rows, int cols, int rows0, int cols0,
                    const T* src, int lds, int trans) {
  const std::string& dev = rt.device.name;
  const std::size_t es = sizeof(T);
  if (!trans) {
    if (rows != rows0 || cols != cols0) {
      const T zero = 0;
      check(clEnqueueFillBuffer(rt.queue, dst, &zero, es, 0, es * static_cast<std::size_t>(rows) * cols, 0, nullptr,
                                nullptr),
            "clEnqueueFillBuffer", dev);
    }
    // Large operands through the pinned staging buffers (staging.h; a plain
    // copy below its threshold): rows0 "columns" of cols0 elements each.
    write_columns(rt, dst, 0, es * cols, src, es * static_cast<std::size_t>(lds), es * cols0, rows0, "GEMM operand");
    return;
  }
  // Stored transposed: cols0 rows of rows0 (ld lds); upload raw, transpose on the device.
  const std::size_t raw_elems = static_cast<std::size_t>(cols0 - 1) * lds + rows0;
  PooledBuffer raw = acquire_buffer(rt, raw_elems * es);
  check(clEnqueueWriteBuffer(rt.queue, raw.get(), CL_FALSE, 0, raw_elems * es, src, 0, nullptr, nullptr),
        "clEnqueueWriteBuffer", dev);
  KernelHandle k = make_kernel(rt, cfg.program, cfg.options, cfg.program + "_pack");
  const cl_mem rm = raw.get();
  cl_uint i = 0;
  set_arg(k.get(), i++, sizeof rows, &rows, dev);
  set_arg(k.get(), i++, sizeof cols, &cols, dev);
  set_arg(k.get(), i++, sizeof rows0, &rows0, dev);
  set_arg(k.get(), i++, sizeof cols0, &cols0, dev);
  set_arg(k.get(), i++, sizeof rm, &rm, dev);
  set_arg(k.get(), i++, sizeof lds, &lds, dev);
  set_arg(k.get(), i++, sizeof trans, &trans, dev);
  set_arg(k.get(), i++, sizeof dst, &dst, dev);
  const std::size_t global[2] = {round_up(static_cast<std::size_t>(cols), 16), round_up(static_cast<std::size_t>(rows), 16)};
  const std::size_t local[2] = {16, 16};
  check(clEnqueueNDRangeKernel(rt.queue, k.get(), 2, nullptr, global, local, 0, nullptr, nullptr),
        "clEnqueueNDRangeKernel(pack)", dev);
  // The raw buffer returns to the pool only after the pack ran.
  check(clFinish(rt.queue), "clFinish", dev);
}

}  // namespace

template <class T>
void gemm_host(bool row_major, int transa, int transb, int m, int n, int k, T alpha, const T* A, int lda,
               const T* B, int ldb, T beta, T* C, int ldc) {
  if (!row_major) {  // C^T = B^T A^T in row-major terms
    std::swap(A, B);
    std::swap(lda, ldb);
    std::swap(transa, transb);
    std::swap(m, n);
  }
  if (m == 0 || n == 0) return;
  const Runtime& rt = runtime();
  const std::string& dev = rt.device.name;
  if (std::is_same_v<T, double>) require_fp64(rt);
  if (k == 0 || alpha == T(0)) {  // no product: C = beta * C on the host
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        T& c = C[static_cast<std::size_t>(i) * ldc + j];
        c = beta == T(0) ? T(0) : beta * c;
      }
    return;
  }
  const GemmConfig cfg = gemm_config<T>(rt);
  const std::string fast_program = std::string("strassen2_4x4x4_r49_oclfast_") + tag<T>();
  const int fast_min = tuned_fast_min(rt, tag<T>());
  const bool fast = fast_min > 0 && std::min({m, n, k}) >= fast_min;
  const int um = fast ? 4 * cfg.mwg : cfg.mwg;
  const int un = fast ? 4 * cfg.nwg : cfg.nwg;
  const int uk = fast ? 4 * cfg.kwg : cfg.kwg;
  const int Mp = static_cast<int>(round_up(static_cast<std::size_t>(m), static_cast<std::size_t>(um)));
  const int Np = static_cast<int>(round_up(static_cast<std::size_t>(n), static_cast<std::size_t>(un)));
  const int Kp = static_cast<int>(round_up(static_cast<std::size_t>(k), static_cast<std::size_t>(uk)));
  const std::size_t es = sizeof(T);
  PooledBuffer a = acquire_buffer(rt, es * static_cast<std::size_t>(Mp) * Kp);
  PooledBuffer b = acquire_buffer(rt, es * static_cast<std::size_t>(Kp) * Np);
  PooledBuffer c = acquire_buffer(rt, es * static_cast<std::size_t>(Mp) * Np);
  upload_operand<T>(rt, cfg, a.get(), Mp, Kp, m, k, A, lda, transa);
  upload_operand<T>(rt, cfg, b.get(), Kp, Np, k, n, B, ldb, transb);
  if (beta != T(0)) upload_operand<T>(rt, cfg, c.get(), Mp, Np, m, n, C, ldc, 0);
  if (fast) {
    const int rank = 49;
    const std::size_t bm = static_cast<std::size_t>(Mp / 4), bk = static_cast<std::size_t>(Kp / 4),
                      bn = static_cast<std::size_t>(Np / 4);
    PooledBuffer s = acquire_buffer(rt, es * rank * bm * bk);
    PooledBuffer t = acquire_buffer(rt, es * rank * bk * bn);
    PooledBuffer w = acquire_buffer(rt, es * rank * bm * bn);
    fast_device<T>(rt, fast_program, rank, cfg, Mp, Np, Kp, alpha, a.get(), Kp, b.get(), Np, beta, c.get(), Np,
                   s.get(), t.get(), w.get(), nullptr);
    check(clFinish(rt.queue), "clFinish", dev);
  } else {
    gemm_device<T>(rt, cfg, Mp, Np, Kp, alpha, a.get(), Kp, 0, b.get(), Np, 0, beta, c.get(), Np, 0, 1, nullptr);
  }
  read_columns(rt, c.get(), 0, es * Np, C, es * static_cast<std::size_t>(ldc), es * n, m, "C");
}

template <class T>
void fast_device(const Runtime& rt, const std::string& fast_program, int rank, const GemmConfig& leaf, int m, int n,
                 int k, T alpha, cl_mem A, int lda, cl_mem B, int ldb, T beta, cl_mem C, int ldc, cl_mem S, cl_mem Tt,
                 cl_mem Mw, cl_event* events) {
  const std::string& dev = rt.device.name;
  if (m % 4 != 0 || n % 4 != 0 || k % 4 != 0) fail(LAI_ERROR_INTERNAL, "fast_device: m, n, k must be multiples of 4");
  const int bm = m / 4, bk = k / 4, bn = n / 4;
  const cl_ulong sS = static_cast<cl_ulong>(bm) * bk, sT = static_cast<cl_ulong>(bk) * bn,
                 sM = static_cast<cl_ulong>(bm) * bn;
  const std::size_t local[2] = {16, 16};
  {
    KernelHandle ka = make_kernel(rt, fast_program, "", "lai_" + fast_program + "_lin_a");
    cl_uint i = 0;
    set_arg(ka.get(), i++, sizeof A, &A, dev);
    set_arg(ka.get(), i++, sizeof lda, &lda, dev);
    set_arg(ka.get(), i++, sizeof bm, &bm, dev);
    set_arg(ka.get(), i++, sizeof bk, &bk, dev);
    set_arg(ka.get(), i++, sizeof S, &S, dev);
    set_arg(ka.get(), i++, sizeof sS, &sS, dev);
    const std::size_t g[2] = {round_up(static_cast<std::size_t>(bk), 16), round_up(static_cast<std::size_t>(bm), 16)};
    check(clEnqueueNDRangeKernel(rt.queue, ka.get(), 2, nullptr, g, local, 0, nullptr, events ? &events[0] : nullptr),
          "clEnqueueNDRangeKernel(lin_a)", dev);
  }
  {
    KernelHandle kb = make_kernel(rt, fast_program, "", "lai_" + fast_program + "_lin_b");
    cl_uint i = 0;
    set_arg(kb.get(), i++, sizeof B, &B, dev);
    set_arg(kb.get(), i++, sizeof ldb, &ldb, dev);
    set_arg(kb.get(), i++, sizeof bk, &bk, dev);
    set_arg(kb.get(), i++, sizeof bn, &bn, dev);
    set_arg(kb.get(), i++, sizeof Tt, &Tt, dev);
    set_arg(kb.get(), i++, sizeof sT, &sT, dev);
    const std::size_t g[2] = {round_up(static_cast<std::size_t>(bn), 16), round_up(static_cast<std::size_t>(bk), 16)};
    check(clEnqueueNDRangeKernel(rt.queue, kb.get(), 2, nullptr, g, local, 0, nullptr, events ? &events[1] : nullptr),
          "clEnqueueNDRangeKernel(lin_b)", dev);
  }
  gemm_device<T>(rt, leaf, bm, bn, bk, T(1), S, bk, sS, Tt, bn, sT, T(0), Mw, bn, sM, rank,
                 events ? &events[2] : nullptr);
  {
    KernelHandle kc = make_kernel(rt, fast_program, "", "lai_" + fast_program + "_lin_c");
    cl_uint i = 0;
    set_arg(kc.get(), i++, sizeof Mw, &Mw, dev);
    set_arg(kc.get(), i++, sizeof sM, &sM, dev);
    set_arg(kc.get(), i++, sizeof bm, &bm, dev);
    set_arg(kc.get(), i++, sizeof bn, &bn, dev);
    set_arg(kc.get(), i++, sizeof alpha, &alpha, dev);
    set_arg(kc.get(), i++, sizeof beta, &beta, dev);
    set_arg(kc.get(), i++, sizeof C, &C, dev);
    set_arg(kc.get(), i++, sizeof ldc, &ldc, dev);
    const std::size_t g[2] = {round_up(static_cast<std::size_t>(bn), 16), round_up(static_cast<std::size_t>(bm), 16)};
    check(clEnqueueNDRangeKernel(rt.queue, kc.get(), 2, nullptr, g, local, 0, nullptr, events ? &events[3] : nullptr),
          "clEnqueueNDRangeKernel(lin_c)", dev);
  }
}

template <class T>
void batched_v_device(const Runtime& rt, const std::string& program, const std::string& layout,
                      const std::string& options, cl_mem A, cl_mem B, cl_mem C, std::size_t count, std::size_t items,
                      cl_event* done) {
  const std::string& dev = rt.device.name;
  if (std::is_same_v<T, double>) require_fp64(rt);
  if (count == 0) return;
  const std::string opts = options.empty() ? tuned_options(rt, program + "_" + layout) : options;
  KernelHandle k = make_kernel(rt, program, opts, "lai_" + program + "_" + layout);
  const cl_ulong cnt = count;
  set_arg(k.get(), 0, sizeof A, &A, dev);
  set_arg(k.get(), 1, sizeof B, &B, dev);
  set_arg(k.get(), 2, sizeof C, &C, dev);
  set_arg(k.get(), 3, sizeof cnt, &cnt, dev);
  std::size_t local = 64;
  std::size_t global = 0;
  if (layout == "aos") {
    const std::string src = gpu_source(program);
    const int bwg = kernel_param(src, opts, "BWG");
    const int ppg = kernel_param(src, opts, "PPG");
    local = static_cast<std::size_t>(bwg);
    global = (count + static_cast<std::size_t>(bwg * ppg) - 1) / static_cast<std::size_t>(bwg * ppg) * local;
  } else {
    global = round_up(items == 0 ? count : std::min(items, count), local);
  }
  check(clEnqueueNDRangeKernel(rt.queue, k.get(), 1, nullptr, &global, &local, 0, nullptr, done),
        ("clEnqueueNDRangeKernel(" + program + "_" + layout + ")").c_str(), dev);
}

template <class T>
void gemm_opencl(bool row_major, int transa, int transb, int m, int n, int k, T alpha, const T* A, int lda,
                 const T* B, int ldb, T beta, T* C, int ldc) {
  gemm_host<T>(row_major, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

DeviceInfo device_info() {
  const Runtime& rt = runtime();
  DeviceInfo d;
  d.name = rt.device.name;
  d.vendor = rt.vendor;
  d.driver_version = rt.driver_version;
  d.compute_units = rt.compute_units;
  d.local_mem = rt.local_mem;
  d.global_mem = rt.global_mem;
  d.fp64 = rt.fp64;
  return d;
}

#define LAI_INSTANTIATE(T)                                                                                          \
  template GemmConfig gemm_config<T>(const Runtime&, const std::string&, const std::string&);                      \
  template void gemm_device<T>(const Runtime&, const GemmConfig&, int, int, int, T, cl_mem, int, cl_ulong, cl_mem, \
                               int, cl_ulong, T, cl_mem, int, cl_ulong, int, cl_event*, cl_event*);                \
  template void gemm_host<T>(bool, int, int, int, int, int, T, const T*, int, const T*, int, T, T*, int);           \
  template void gemm_opencl<T>(bool, int, int, int, int, int, T, const T*, int, const T*, int, T, T*, int);         \
  template void fast_device<T>(const Runtime&, const std::string&, int, const GemmConfig&, int, int, int, T,        \
                               cl_mem, int, cl_mem, int, T, cl_mem, int, cl_mem, cl_mem, cl_mem, cl_event*);         \
  template void batched_v_device<T>(const Runtime&, const std::string&, const std::string&, const std::string&,    \
                                    cl_mem, cl_mem, cl_mem, std::size_t, std::size_t, cl_event*);
LAI_INSTANTIATE(double)
LAI_INSTANTIATE(float)
#undef LAI_INSTANTIATE

int kernel_param(const std::string& source, const std::string& options, const std::string& name) {
  std::istringstream opts(options);
  std::string tok;
  int value = -1;
  while (opts >> tok) {
    if (tok.rfind("-D" + name + "=", 0) == 0) value = std::atoi(tok.c_str() + name.size() + 3);
  }
  if (value >= 0) return value;
  const std::string key = "#define " + name + " ";
  const auto pos = source.find(key);
  if (pos == std::string::npos) fail(LAI_ERROR_INTERNAL, "OpenCL kernel source has no default for " + name);
  return std::atoi(source.c_str() + pos + key.size());
}

}  // namespace lai::ocl
