// lai-bench-gpu: checks and times every generated GPU kernel on the OpenCL
// device, device-resident (kernel time from OpenCL event timestamps, no PCIe
// transfers unless a row says "end-to-end"):
//   - copy bandwidth (clEnqueueCopyBuffer, bytes read + written),
//   - batched 4x4 f64/f32 in every layout of opencl-batched-v,
//   - the GEMM leaves: a sweep over the spec's "// lai-tune:" configurations
//     (that sweep is lai-tune: the best configuration per kernel is written
//     as tuning-table entries), then the best at every size,
//   - one level of strassen2_4x4x4_r49 (and classical_4x4x4_r64 as the
//     same-traffic baseline) on the best leaf.
// f32 on NVIDIA also sweeps the 3xTF32 tensor-core kernel (lai_gemm_nvtf32_f32)
// after the tiled one; its rows print the error ratio to the tiled kernel's
// (FP32 SGEMM) error on the same matrices, and a configuration counts as OK
// only within 4x of it (plain TF32, TF32X=1, is expected to fail that).
// LAI_BENCH_GPU_ONLY=copy,batched,gemm_f64,gemm_f32 (any subset) runs only
// those sections, e.g. LAI_BENCH_GPU_ONLY=gemm_f32 for the SGEMM leaves.
// LAI_BENCH_GPU_VARIANTS (leaves), LAI_BENCH_SWEEP=tuned (the tuning table's
// configuration only), LAI_BENCH_OVERRIDE (-D values replaced in every
// configuration) and LAI_BENCH_FAST=0 (no fast-scheme rows) narrow a run
// further: bench/gpu/paired_dgemm.sh uses them.
// Matrices are deterministic (bench/gpu/README: value(i, j, seed)) so the
// cuBLAS reference (torch_ref.py) multiplies the same numbers; errors are
// measured on sampled entries against long-double dot products:
// max |c - ref| / sum_k |a_ik b_kj|.
//
// Usage: lai-bench-gpu --out FILE.json [--sizes 8192,16384] [--batch 16777216]
//                      [--reps 5] [--tune-size 8192] [--quick]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "diagnostics/error.h"
#include "opencl/cl_error.h"
#include "opencl/gemm_tail.h"
#include "opencl/gpu.h"
#include "opencl/gpu_sources.h"
#include "opencl/handles.h"
#include "opencl/pool.h"
#include "opencl/program_cache.h"
#include "opencl/runtime.h"

using namespace lai::ocl;

namespace {

// Deterministic entries in [-1, 1): the same formula in torch_ref.py.
inline double value(std::uint64_t i, std::uint64_t j, std::uint64_t n, std::uint64_t seed) {
  const std::uint64_t x = ((i * n + j) * 2654435761ull + seed * 40503ull) % 4294967296ull;
  return static_cast<double>(x) / 2147483648.0 - 1.0;
}

struct Json {
  std::ostringstream s;
  bool first = true;
  void key(const std::string& k) {
    s << (first ? "" : ",\n") << "\"" << k << "\": ";
    first = false;
  }
};

std::string esc(const std::string& v) {
  std::string o;
  for (char c : v) {
    if (c == '"' || c == '\\') o += '\\';
    if (static_cast<unsigned char>(c) >= 32) o += c;
  }
  return o;
}

double event_ms(cl_event e) {
  cl_ulong t0 = 0, t1 = 0;
  check(clWaitForEvents(1, &e), "clWaitForEvents", "");
  check(clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, sizeof t0, &t0, nullptr), "profiling", "");
  check(clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, sizeof t1, &t1, nullptr), "profiling", "");
  clReleaseEvent(e);
  return static_cast<double>(t1 - t0) * 1e-6;
}

// Start of `first` to end of `last` (both released, also when a query fails).
double span_ms(cl_event first, cl_event last) {
  const lai::ocl::EventHandle f(first), l(last);
  cl_ulong t0 = 0, t1 = 0;
  check(clWaitForEvents(1, &last), "clWaitForEvents", "");
  check(clGetEventProfilingInfo(first, CL_PROFILING_COMMAND_START, sizeof t0, &t0, nullptr), "profiling", "");
  check(clGetEventProfilingInfo(last, CL_PROFILING_COMMAND_END, sizeof t1, &t1, nullptr), "profiling", "");
  return static_cast<double>(t1 - t0) * 1e-6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

template <class T>
void upload_matrix(const Runtime& rt, cl_mem m, std::size_t rows, std::size_t cols, std::uint64_t seed) {
  std::vector<T> h(rows * cols);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) h[i * cols + j] = static_cast<T>(value(i, j, cols, seed));
  check(clEnqueueWriteBuffer(rt.queue, m, CL_TRUE, 0, h.size() * sizeof(T), h.data(), 0, nullptr, nullptr),
        "write", "");
}

// Sampled error of C (n x n, row-major) = A * B with A, B from value().
template <class T>
double sampled_error(const Runtime& rt, cl_mem C, std::size_t n, int samples) {
  double worst = 0;
  for (int s = 0; s < samples; ++s) {
    const std::size_t i = (static_cast<std::size_t>(s) * 7919u + 13u) % n;
    const std::size_t j = (static_cast<std::size_t>(s) * 104729u + 7u) % n;
    T c = 0;
    check(clEnqueueReadBuffer(rt.queue, C, CL_TRUE, (i * n + j) * sizeof(T), sizeof(T), &c, 0, nullptr, nullptr),
          "read", "");
    long double ref = 0, mag = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const long double a = static_cast<T>(value(i, k, n, 1));
      const long double b = static_cast<T>(value(k, j, n, 2));
      ref += a * b;
      mag += std::fabs(a * b);
    }
    if (!std::isfinite(static_cast<double>(c))) return INFINITY;
    worst = std::max(worst, static_cast<double>(std::fabs(static_cast<long double>(c) - ref) / mag));
  }
  return worst;
}

// LAI_BENCH_GPU_ONLY: comma-separated sections to run (unset or empty: all).
bool section_enabled(const std::string& name) {
  const char* only = std::getenv("LAI_BENCH_GPU_ONLY");
  if (only == nullptr || *only == '\0') return true;
  std::istringstream in(only);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item == name) return true;
  }
  return false;
}

// LAI_BENCH_SWEEP=tuned: instead of every configuration of the spec, only
// the one the tuning table holds for this device (the paired runs of
// bench/gpu/paired_dgemm.sh, which time the library's choice, not the sweep).
// LAI_BENCH_OVERRIDE="GM=16 PADB=8": those -D values replace (or join) each
// configuration's, e.g. a tile-order probe at one size around the tuned entry.
std::string override_options(std::string options) {
  const char* env = std::getenv("LAI_BENCH_OVERRIDE");
  if (env == nullptr) return options;
  std::istringstream in(env);
  std::string kv;
  while (in >> kv) {
    const std::size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = "-D" + kv.substr(0, eq) + "=";
    const std::size_t at = options.find(key);
    if (at == std::string::npos) {
      options += " -D" + kv;
    } else {
      const std::size_t end = options.find(' ', at);
      options.replace(at, end == std::string::npos ? std::string::npos : end - at, "-D" + kv);
    }
  }
  return options;
}

std::vector<std::string> tune_configs(const Runtime& rt, const std::string& program) {
  std::vector<std::string> out;
  if (const char* s = std::getenv("LAI_BENCH_SWEEP"); s != nullptr && std::string(s) == "tuned") {
    if (const std::string t = tuned_options(rt, program); !t.empty()) out.push_back(t);
  }
  if (out.empty()) {
    std::istringstream in(gpu_source(program));
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("// lai-tune: ", 0) == 0) out.push_back(line.substr(13));
    }
  }
  for (std::string& o : out) o = override_options(o);
  return out;
}

struct Args {
  std::string out = "lai_bench_gpu.json";
  std::vector<int> sizes{8192, 16384};
  std::size_t batch = std::size_t{1} << 24;
  int reps = 5;
  int tune_size = 8192;
  int samples = 64;
  bool quick = false;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value after " + k);
      return argv[++i];
    };
    if (k == "--out") a.out = next();
    else if (k == "--sizes") {
      a.sizes.clear();
      std::istringstream s(next());
      std::string t;
      while (std::getline(s, t, ',')) a.sizes.push_back(std::stoi(t));
    } else if (k == "--batch") a.batch = std::stoull(next());
    else if (k == "--reps") a.reps = std::stoi(next());
    else if (k == "--tune-size") a.tune_size = std::stoi(next());
    else if (k == "--samples") a.samples = std::stoi(next());
    else if (k == "--quick") a.quick = true;
    else throw std::runtime_error("unknown argument " + k);
  }
  return a;
}

std::vector<std::string> table;  // printed at the end
void row(const std::string& r) {
  table.push_back(r);
  std::printf("%s\n", r.c_str());
  std::fflush(stdout);
}

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

// ----------------------------------------------------------------- batched 4x4
template <class T>
void bench_batched(const Runtime& rt, const Args& a, double copy_gbs, std::ostringstream& js) {
  const char* dt = sizeof(T) == 8 ? "f64" : "f32";
  const std::size_t count = a.batch;
  const std::size_t ilw = 32;
  const std::size_t padded = (count + ilw - 1) / ilw * ilw;
  const std::size_t bytes = padded * 16 * sizeof(T);
  PooledBuffer A = acquire_buffer(rt, bytes), B = acquire_buffer(rt, bytes), C = acquire_buffer(rt, bytes);
  std::vector<T> ha(padded * 16), hb(padded * 16), hc(padded * 16);
  for (std::size_t i = 0; i < ha.size(); ++i) {
    ha[i] = static_cast<T>(value(i, 0, 1, 3));
    hb[i] = static_cast<T>(value(i, 0, 1, 4));
  }
  check(clEnqueueWriteBuffer(rt.queue, A.get(), CL_TRUE, 0, bytes, ha.data(), 0, nullptr, nullptr), "write", "");
  check(clEnqueueWriteBuffer(rt.queue, B.get(), CL_TRUE, 0, bytes, hb.data(), 0, nullptr, nullptr), "write", "");
  struct V {
    std::string layout, options;
    std::size_t items;
  };
  std::vector<V> variants{{"aos", "-DBWG=64 -DPPG=1", 0},  {"aos", "-DBWG=128 -DPPG=1", 0},
                          {"aos", "-DBWG=256 -DPPG=1", 0}, {"aos", "-DBWG=64 -DPPG=2", 0},
                          {"aosv", "", 0},                 {"aosv", "", count / 4},
                          {"soa", "", 0},                  {"soa", "", count / 4},
                          {"il", "-DILW=32", 0},           {"il", "-DILW=32", count / 4}};
  if (sizeof(T) == 8) variants.erase(variants.begin() + 3);  // 2*64 f64 products: 52 KB of local memory
  const double bytes_per = 3.0 * 16 * sizeof(T);
  const char* schemes[] = {"classical_4x4x4_r64", "strassen2_4x4x4_r49"};
  bool first_js = true;
  js << "\"batched4x4_" << dt << "\": {\"count\": " << count << ", \"bytes_per_product\": " << bytes_per
     << ", \"copy_GBs\": " << copy_gbs << ", \"kernels\": [";
  for (const char* scheme : schemes) {
    const std::string program = std::string(scheme) + "_oclbatchedv_" + dt;
    for (const V& v : variants) {
      std::vector<double> ms;
      std::string err;
      double maxerr = 0;
      try {
        for (int r = 0; r < a.reps + 1; ++r) {
          cl_event e = nullptr;
          batched_v_device<T>(rt, program, v.layout, v.options, A.get(), B.get(), C.get(), count, v.items, &e);
          const double t = event_ms(e);
          if (r > 0) ms.push_back(t);  // the first launch includes first-touch costs
        }
        check(clEnqueueReadBuffer(rt.queue, C.get(), CL_TRUE, 0, bytes, hc.data(), 0, nullptr, nullptr), "read", "");
        // Reference on sampled products in the layout's own indexing.
        for (std::size_t s = 0; s < 4096; ++s) {
          const std::size_t p = (s * 2654435761u) % count;
          auto at = [&](std::size_t x) -> std::size_t {
            if (v.layout == "soa") return x * count + p;
            if (v.layout == "il") return (p / ilw) * 16 * ilw + x * ilw + p % ilw;
            return p * 16 + x;
          };
          for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c) {
              double ref = 0, mag = 0;
              for (int q = 0; q < 4; ++q) {
                ref += static_cast<double>(ha[at(r * 4 + q)]) * hb[at(q * 4 + c)];
                mag += std::fabs(static_cast<double>(ha[at(r * 4 + q)]) * hb[at(q * 4 + c)]);
              }
              const double got = hc[at(r * 4 + c)];
              maxerr = std::max(maxerr, std::isfinite(got) ? std::fabs(got - ref) / mag : INFINITY);
            }
        }
        std::fill(hc.begin(), hc.end(), T(0));
        check(clEnqueueWriteBuffer(rt.queue, C.get(), CL_TRUE, 0, bytes, hc.data(), 0, nullptr, nullptr), "w", "");
      } catch (const lai::Error& e) {
        err = e.message();
      }
      const double t = median(ms);
      const double gps = err.empty() ? count / (t * 1e-3) / 1e9 : 0;
      const double bw = gps * bytes_per;
      const double bound = sizeof(T) == 8 ? 1e-14 : 1e-5;
      const bool ok = err.empty() && maxerr < bound;
      const std::string name = std::string(scheme) + " " + v.layout + (v.options.empty() ? "" : " " + v.options) +
                               (v.items ? " items=count/4" : "");
      row(fmt("batched4x4 %s %-58s %8.3f ms %7.2f Gprod/s %7.0f GB/s %5.1f%% of copy  err %.1e %s", dt,
              name.c_str(), t, gps, bw, 100 * bw / copy_gbs, maxerr, ok ? "OK" : ("FAIL " + err.substr(0, 200)).c_str()));
      js << (first_js ? "" : ",") << "\n  {\"scheme\": \"" << scheme << "\", \"layout\": \"" << v.layout
         << "\", \"options\": \"" << v.options << "\", \"items\": " << (v.items ? v.items : count)
         << ", \"ms\": " << t << ", \"Gproducts_s\": " << gps << ", \"GBs\": " << bw
         << ", \"fraction_of_copy\": " << bw / copy_gbs << ", \"max_rel_err\": " << maxerr
         << ", \"ok\": " << (ok ? "true" : "false") << ", \"error\": \"" << esc(err) << "\"}";
      first_js = false;
    }
  }
  // End-to-end through host memory: upload A, B, kernel, download C.
  {
    const auto t0 = std::chrono::steady_clock::now();
    check(clEnqueueWriteBuffer(rt.queue, A.get(), CL_FALSE, 0, count * 16 * sizeof(T), ha.data(), 0, nullptr, nullptr), "w", "");
    check(clEnqueueWriteBuffer(rt.queue, B.get(), CL_FALSE, 0, count * 16 * sizeof(T), hb.data(), 0, nullptr, nullptr), "w", "");
    batched_v_device<T>(rt, std::string("classical_4x4x4_r64_oclbatchedv_") + dt, "aosv", "", A.get(), B.get(),
                        C.get(), count, 0, nullptr);
    check(clEnqueueReadBuffer(rt.queue, C.get(), CL_TRUE, 0, count * 16 * sizeof(T), hc.data(), 0, nullptr, nullptr), "r", "");
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    row(fmt("batched4x4 %s end-to-end (host->device->host, aosv, pageable memory) %8.3f ms %7.3f Gprod/s", dt, s * 1e3,
            count / s / 1e9));
    js << "], \"end_to_end_ms\": " << s * 1e3 << "}";
  }
}

// ----------------------------------------------------------------------- GEMM
struct GemmResult {
  std::string kernel, options;
  int n;
  double ms, tflops, err;
  bool ok;
  std::string error;
};

// Several configurations on the same product, their repetitions alternating
// (a, b, a, b, ...) so that clocks and temperature drift alike for all (the
// H200 runs slower as it heats at n = 16384); one warm-up each, medians, and
// each one's error from its own last result.
template <class T>
std::vector<GemmResult> time_gemm_alternating(const Runtime& rt, const std::vector<GemmConfig>& cfgs, int n, cl_mem A,
                                              cl_mem B, cl_mem C, int reps, int samples) {
  std::vector<GemmResult> rs;
  std::vector<std::vector<double>> ms(cfgs.size());
  for (const GemmConfig& cfg : cfgs) rs.push_back(GemmResult{cfg.program, cfg.options, n, 0, 0, 0, false, ""});
  auto once = [&](std::size_t c) {
    // From the first launch's start to the last one's end: with a split-K
    // tail (cfg.wave) the product is three launches.
    cl_event first = nullptr, last = nullptr;
    gemm_device<T>(rt, cfgs[c], n, n, n, T(1), A, n, 0, B, n, 0, T(0), C, n, 0, 1, &last, &first);
    return span_ms(first, last);
  };
  for (int i = 0; i < reps + 1; ++i) {
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (!rs[c].error.empty()) continue;
      try {
        const double t = once(c);
        if (i > 0) ms[c].push_back(t);
      } catch (const lai::Error& e) {
        rs[c].error = e.message();
        check(clFinish(rt.queue), "clFinish", "");
      }
    }
  }
  for (std::size_t c = 0; c < cfgs.size(); ++c) {
    GemmResult& r = rs[c];
    if (!r.error.empty()) continue;
    try {
      if (cfgs.size() > 1) once(c);  // C holds this configuration's product
      r.ms = median(ms[c]);
      r.tflops = 2.0 * n * n * double(n) / (r.ms * 1e-3) / 1e12;
      r.err = sampled_error<T>(rt, C, static_cast<std::size_t>(n), samples);
      r.ok = r.err < (sizeof(T) == 8 ? 1e-13 : 1e-4);
    } catch (const lai::Error& e) {
      r.error = e.message();
      check(clFinish(rt.queue), "clFinish", "");
    }
  }
  return rs;
}

template <class T>
GemmResult time_gemm(const Runtime& rt, const GemmConfig& cfg, int n, cl_mem A, cl_mem B, cl_mem C, int reps,
                     int samples) {
  return time_gemm_alternating<T>(rt, {cfg}, n, A, B, C, reps, samples).front();
}

// "| 168 regs, 0 spill B, 41472 smem" from ptxas's lines for the GEMM kernel.
std::string ptxas_summary(const Runtime& rt, const GemmConfig& cfg, const std::string& kernel) {
  const cl_program p = get_program(rt, gpu_source(cfg.program), cfg.options);
  std::size_t size = 0;
  if (clGetProgramBuildInfo(p, rt.device.device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &size) != CL_SUCCESS || size == 0) return "";
  std::string log(size, '\0');
  if (clGetProgramBuildInfo(p, rt.device.device, CL_PROGRAM_BUILD_LOG, size, log.data(), nullptr) != CL_SUCCESS) return "";
  // ptxas info    : Compiling entry function 'lai_gemm_nvmma_f64' for 'sm_90'
  // ptxas info    : Used 168 registers, 41472 bytes smem, 448 bytes cmem[0]
  // (and "N bytes stack frame, N bytes spill stores, N bytes spill loads")
  std::string out;
  std::size_t at = log.find("'" + kernel + "'");
  if (at == std::string::npos) at = log.find("Used ");  // another log format: the first kernel's line
  if (at == std::string::npos) return "";
  std::istringstream in(log.substr(at));
  std::string line;
  std::getline(in, line);  // rest of the "Compiling entry function" line
  if (line.rfind("Used ", 0) == 0) out = line;
  for (int lines = 0; lines < 4 && std::getline(in, line); ++lines) {
    if (line.find("Compiling entry") != std::string::npos) break;
    if (const auto info = line.find("ptxas info    : "); info != std::string::npos) line = line.substr(info + 16);
    line.erase(0, line.find_first_not_of(" \t"));
    if (line.empty() || line.rfind("Function properties", 0) == 0) continue;
    out += (out.empty() ? "" : "; ") + line;
  }
  return out.empty() ? "" : " | " + out;
}

// variant: the best-of-sweep rows' name ("nvmma", "nvmma+tail"); "" in the sweep.
std::string gemm_json(const GemmResult& r, const std::string& variant = "") {
  return fmt("{\"kernel\": \"%s\", \"variant\": \"%s\", \"options\": \"%s\", \"n\": %d, \"ms\": %.4f, \"TFLOPs\": %.3f, "
             "\"max_rel_err\": %.3e, \"ok\": %s, \"error\": \"%s\"}",
             r.kernel.c_str(), variant.c_str(), r.options.c_str(), r.n, r.ms, r.tflops, r.err, r.ok ? "true" : "false",
             esc(r.error.substr(0, 2000)).c_str());
}

template <class T>
void bench_gemm(const Runtime& rt, const Args& a, std::ostringstream& js, std::vector<std::string>& tuning) {
  const char* dt = sizeof(T) == 8 ? "f64" : "f32";
  const int nmax = *std::max_element(a.sizes.begin(), a.sizes.end());
  const std::size_t nb = static_cast<std::size_t>(nmax) * nmax * sizeof(T);
  PooledBuffer A = acquire_buffer(rt, nb), B = acquire_buffer(rt, nb), C = acquire_buffer(rt, nb);
  std::vector<std::string> variants{"tiled"};
  const bool ptx_ok = rt.nvidia || std::getenv("LAI_MMA_EMULATE_OK") != nullptr;
  if (sizeof(T) == 8 && ptx_ok) variants.insert(variants.begin(), "nvmma");
  // After tiled: its error is the FP32 reference the 3xTF32 rows are held to.
  if (sizeof(T) == 4 && ptx_ok) variants.push_back("nvtf32");
  // LAI_BENCH_GPU_VARIANTS=nvmma,...: only those leaves (paired runs).
  if (const char* only = std::getenv("LAI_BENCH_GPU_VARIANTS"); only != nullptr && *only != '\0') {
    const std::string list = std::string(",") + only + ",";
    std::erase_if(variants, [&](const std::string& v) { return list.find("," + v + ",") == std::string::npos; });
  }
  const double max_err_ratio = 4.0;
  double ref_err_tune = 0;  // the tiled f32 sweep winner's error at the tuning size
  js << ",\n\"gemm_" << dt << "\": {\"sweep\": [";
  bool first = true;
  std::vector<std::pair<std::string, GemmConfig>> best;
  std::vector<double> best_rate;  // the sweep winner's TFLOP/s per entry of best
  // lai-tune: every configuration of the spec at the tuning size.
  const int tn = std::min(a.tune_size, nmax);
  upload_matrix<T>(rt, A.get(), tn, tn, 1);
  upload_matrix<T>(rt, B.get(), tn, tn, 2);
  for (const std::string& v : variants) {
    const std::string program = std::string("lai_gemm_") + v + "_" + dt;
    GemmResult top{};
    GemmConfig top_cfg;
    for (const std::string& opts : tune_configs(rt, program)) {
      std::string options = opts;
      if (const char* extra = std::getenv("LAI_BENCH_EXTRA_OPTIONS"); extra != nullptr) options += std::string(" ") + extra;
      GemmConfig cfg;
      try {
        cfg = gemm_config<T>(rt, v, options);
      } catch (const lai::Error& e) {
        row(fmt("tune %s %s: %s", program.c_str(), options.c_str(), e.message().c_str()));
        continue;
      }
      // On NVIDIA the build log of -cl-nv-verbose holds ptxas's registers,
      // spills and shared memory per kernel: the occupancy limit of each
      // configuration. The option is not part of the tuning-table entry.
      if (rt.nvidia) cfg.options += " -cl-nv-verbose";
      GemmResult r = time_gemm<T>(rt, cfg, tn, A.get(), B.get(), C.get(), std::max(1, a.reps / 2), 16);
      std::string ptxas;
      if (rt.nvidia && r.error.empty()) ptxas = ptxas_summary(rt, cfg, program);
      if (rt.nvidia) cfg.options = options;
      r.options = options;
      std::string ratio;
      if (v == "nvtf32" && r.error.empty() && ref_err_tune > 0) {
        ratio = fmt(" (%.2fx tiled)", r.err / ref_err_tune);
        if (r.err > max_err_ratio * ref_err_tune) {
          r.ok = false;
          r.error = fmt("error %.2fx the FP32 tiled kernel's (limit %.0fx)", r.err / ref_err_tune, max_err_ratio);
        }
      }
      row(fmt("tune gemm %s n=%d %-80s %9.3f ms %7.2f TFLOP/s err %.1e%s %s%s", dt, tn, (program + " " + options).c_str(), r.ms,
              r.tflops, r.err, ratio.c_str(), r.ok ? "OK" : ("FAIL " + r.error.substr(0, 600)).c_str(), ptxas.c_str()));
      js << (first ? "" : ",") << "\n  " << gemm_json(r);
      first = false;
      if (r.ok && r.tflops > top.tflops) {
        top = r;
        top_cfg = cfg;
      }
    }
    if (v == "tiled" && sizeof(T) == 4) ref_err_tune = top.err;
    if (top.tflops > 0) {
      best.emplace_back(v, top_cfg);
      best_rate.push_back(top.tflops);
      tuning.push_back(fmt("{\"%s\", \"%s\", \"%s\", \"%s\"},  // %.2f TFLOP/s at n=%d", esc(rt.vendor).c_str(),
                           esc(rt.device.name).c_str(), program.c_str(), top_cfg.options.c_str(), top.tflops, tn));
    }
  }
  js << "], \"best\": [";
  first = true;
  for (int n : a.sizes) {
    upload_matrix<T>(rt, A.get(), n, n, 1);
    upload_matrix<T>(rt, B.get(), n, n, 2);
    double ref_err = 0;  // the tiled f32 row's error at this n
    for (auto [v, cfg] : best) {
      // Each winner as swept (every wave launched whole) and, where the
      // tuning table knows its occupancy (groups_per_cu), with the split-K
      // tail of the last wave (gemm_tail.h) as lai_?gemm_opencl runs it.
      cfg.wave = 0;
      std::vector<std::pair<std::string, GemmConfig>> runs{{v, cfg}};
      // LAI_GEMM_WAVE (resident groups) stands in where the table has no
      // occupancy for the kernel (the PoCL smoke run).
      const std::string per_cu = tuned_options(rt, "groups_per_cu:" + cfg.program);
      const char* env_wave = std::getenv("LAI_GEMM_WAVE");
      if (!per_cu.empty() || env_wave != nullptr) {
        GemmConfig tail = cfg;
        tail.wave = env_wave != nullptr ? std::atoi(env_wave)
                                        : static_cast<int>(rt.compute_units) * std::atoi(per_cu.c_str());
        if (const auto p = plan_tail(n / tail.mwg, n / tail.nwg, n / tail.kwg, tail.gm, tail.wave)) {
          row(fmt("gemm %s n=%-6d %s tail plan: wave %d, %d tiles whole, tiles [%d,%d)x[%d,%d) in %d K chunks", dt, n,
                  v.c_str(), tail.wave, p->main_tiles, p->row0, p->row0 + p->rows, p->col0, p->col0 + p->cols,
                  p->split));
          runs.emplace_back(v + "+tail", tail);
        }
      }
      std::vector<GemmConfig> cfgs;
      for (const auto& run : runs) cfgs.push_back(run.second);
      const std::vector<GemmResult> timed = time_gemm_alternating<T>(rt, cfgs, n, A.get(), B.get(), C.get(), a.reps, a.samples);
      for (std::size_t ri = 0; ri < runs.size(); ++ri) {
        const std::string& v = runs[ri].first;
        GemmResult r = timed[ri];
        if (v == "tiled") ref_err = r.err;
        std::string ratio;
        if (v == "nvtf32" && r.error.empty() && ref_err > 0) {
          ratio = fmt(" (%.2fx tiled)", r.err / ref_err);
          if (r.err > max_err_ratio * ref_err) {
            r.ok = false;
            r.error = fmt("error %.2fx the FP32 tiled kernel's (limit %.0fx)", r.err / ref_err, max_err_ratio);
          }
        }
        // The library's large-grid options (GemmConfig::big_options), where this product takes them.
        const GemmConfig& rc = runs[ri].second;
        const std::size_t grid = static_cast<std::size_t>(n / rc.mwg) * static_cast<std::size_t>(n / rc.nwg);
        const bool big = rc.wave == 0 && !rc.big_options.empty() && rc.big_min_tiles > 0 && grid >= rc.big_min_tiles;
        if (big) r.options += " " + rc.big_options;
        row(fmt("gemm %s n=%-6d %-16s %9.3f ms %7.2f TFLOP/s err %.1e%s %s%s", dt, n, v.c_str(), r.ms, r.tflops, r.err,
                ratio.c_str(), r.ok ? "OK" : ("FAIL " + r.error.substr(0, 300)).c_str(),
                big ? (" [" + rc.big_options + "]").c_str() : ""));
        js << (first ? "" : ",") << "\n  " << gemm_json(r, v);
        first = false;
      }
    }
  }
  js << "]";
  // One level of a scheme on the fastest accurate leaf of the sweep (f64 on
  // NVIDIA: nvmma; f32 on NVIDIA: nvtf32 when it passed its error limit).
  js << ", \"fast\": [";
  first = true;
  // LAI_BENCH_FAST=0: no fast-scheme rows (paired runs: nothing between the
  // leaf's timing and the reference's).
  const char* fast_env = std::getenv("LAI_BENCH_FAST");
  if (!best.empty() && !(fast_env != nullptr && std::string(fast_env) == "0")) {
    const std::size_t bi = static_cast<std::size_t>(std::max_element(best_rate.begin(), best_rate.end()) - best_rate.begin());
    GemmConfig leaf = best[bi].second;
    for (int n : a.sizes) {
      if (n % (4 * std::max({leaf.mwg, leaf.nwg, leaf.kwg})) != 0) continue;
      upload_matrix<T>(rt, A.get(), n, n, 1);
      upload_matrix<T>(rt, B.get(), n, n, 2);
      for (const char* scheme : {"strassen2_4x4x4_r49", "classical_4x4x4_r64"}) {
        const int rank = std::strstr(scheme, "r49") ? 49 : 64;
        const std::size_t blk = static_cast<std::size_t>(n / 4) * (n / 4) * sizeof(T) * rank;
        std::string err;
        double t = 0, tl[4] = {0, 0, 0, 0}, e = 0;
        try {
          PooledBuffer S = acquire_buffer(rt, blk), Tt = acquire_buffer(rt, blk), W = acquire_buffer(rt, blk);
          std::vector<double> tot;
          std::vector<double> parts[4];
          for (int i = 0; i < a.reps + 1; ++i) {
            cl_event ev[4];
            fast_device<T>(rt, std::string(scheme) + "_oclfast_" + dt, rank, leaf, n, n, n, T(1), A.get(), n,
                           B.get(), n, T(0), C.get(), n, S.get(), Tt.get(), W.get(), ev);
            cl_ulong t0 = 0, t1 = 0;
            check(clWaitForEvents(4, ev), "wait", "");
            clGetEventProfilingInfo(ev[0], CL_PROFILING_COMMAND_START, sizeof t0, &t0, nullptr);
            clGetEventProfilingInfo(ev[3], CL_PROFILING_COMMAND_END, sizeof t1, &t1, nullptr);
            double p[4];
            for (int q = 0; q < 4; ++q) p[q] = event_ms(ev[q]);
            if (i > 0) {
              tot.push_back(static_cast<double>(t1 - t0) * 1e-6);
              for (int q = 0; q < 4; ++q) parts[q].push_back(p[q]);
            }
          }
          t = median(tot);
          for (int q = 0; q < 4; ++q) tl[q] = median(parts[q]);
          e = sampled_error<T>(rt, C.get(), static_cast<std::size_t>(n), a.samples);
        } catch (const lai::Error& ex) {
          err = ex.message();
          clFinish(rt.queue);
        }
        const double eff = t > 0 ? 2.0 * n * n * double(n) / (t * 1e-3) / 1e12 : 0;
        const std::size_t bn = static_cast<std::size_t>(n / 4);
        const double prod_tf = tl[2] > 0 ? 2.0 * rank * bn * bn * bn / (tl[2] * 1e-3) / 1e12 : 0;
        const double lin_gb = tl[0] > 0 ? (16.0 + rank) * bn * bn * sizeof(T) / (tl[0] * 1e-3) / 1e9 : 0;
        const double out_gb = tl[3] > 0 ? (16.0 + rank) * bn * bn * sizeof(T) / (tl[3] * 1e-3) / 1e9 : 0;
        const bool ok = err.empty() && e < (sizeof(T) == 8 ? 1e-12 : 1e-3);
        row(fmt("fast %s n=%-6d %-20s %9.3f ms effective %7.2f TFLOP/s (lin_a %.2f ms %.0f GB/s, lin_b %.2f ms, "
                "%d products %.2f ms %.2f TFLOP/s, lin_c %.2f ms %.0f GB/s) err %.1e %s",
                dt, n, scheme, t, eff, tl[0], lin_gb, tl[1], rank, tl[2], prod_tf, tl[3], out_gb, e,
                ok ? "OK" : ("FAIL " + err.substr(0, 300)).c_str()));
        js << (first ? "" : ",") << "\n  "
           << fmt("{\"scheme\": \"%s\", \"n\": %d, \"leaf\": \"%s %s\", \"ms\": %.4f, \"effective_TFLOPs\": %.3f, "
                  "\"lin_a_ms\": %.4f, \"lin_b_ms\": %.4f, \"products_ms\": %.4f, \"products_TFLOPs\": %.3f, "
                  "\"lin_c_ms\": %.4f, \"max_rel_err\": %.3e, \"ok\": %s, \"error\": \"%s\"}",
                  scheme, n, leaf.program.c_str(), leaf.options.c_str(), t, eff, tl[0], tl[1], tl[2], prod_tf, tl[3],
                  e, ok ? "true" : "false", esc(err.substr(0, 1000)).c_str());
        first = false;
      }
    }
  }
  js << "]}";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse(argc, argv);
    const Runtime& rt = runtime();
    if (!rt.profiling) throw std::runtime_error("the OpenCL queue has no profiling; cannot time kernels");
    std::printf("device: %s | vendor %s | driver %s | %s | %u compute units | local %llu B | global %llu MB | fp64 %d\n",
                rt.device.name.c_str(), rt.vendor.c_str(), rt.driver_version.c_str(), rt.device_version.c_str(),
                rt.compute_units, static_cast<unsigned long long>(rt.local_mem),
                static_cast<unsigned long long>(rt.global_mem >> 20), rt.fp64 ? 1 : 0);
    std::ostringstream js;
    js << "{\n\"device\": \"" << esc(rt.device.name) << "\", \"vendor\": \"" << esc(rt.vendor)
       << "\", \"driver\": \"" << esc(rt.driver_version) << "\", \"platform\": \"" << esc(rt.device.platform_name)
       << "\", \"compute_units\": " << rt.compute_units << ", \"timing\": \"device-resident, OpenCL event "
       << "timestamps, median of " << a.reps << " after one warm-up\",\n";
    // Copy bandwidth: the ceiling of the batched kernels.
    const std::size_t cb = a.batch * 16 * 8;
    double copy_gbs = 0;
    const bool batched = section_enabled("batched");
    if (batched || section_enabled("copy")) {
      PooledBuffer x = acquire_buffer(rt, cb), y = acquire_buffer(rt, cb);
      const double zero = 0.5;
      check(clEnqueueFillBuffer(rt.queue, x.get(), &zero, sizeof zero, 0, cb, 0, nullptr, nullptr), "fill", "");
      std::vector<double> ms;
      for (int r = 0; r < a.reps + 1; ++r) {
        cl_event e = nullptr;
        check(clEnqueueCopyBuffer(rt.queue, x.get(), y.get(), 0, 0, cb, 0, nullptr, &e), "copy", "");
        const double t = event_ms(e);
        if (r > 0) ms.push_back(t);
      }
      copy_gbs = 2.0 * cb / (median(ms) * 1e-3) / 1e9;
      row(fmt("copy %zu MB: %.3f ms, %.0f GB/s (read + write); batched 4x4 f64 limit %.2f Gprod/s", cb >> 20,
              median(ms), copy_gbs, copy_gbs / 384.0));
    }
    js << "\"copy_GBs\": " << copy_gbs << ",\n";
    if (batched) {
      bench_batched<double>(rt, a, copy_gbs, js);
      js << ",\n";
      bench_batched<float>(rt, a, copy_gbs, js);
      js << ",\n";
      trim_pool();
    }
    // Every section's JSON starts with ",\n"; this key keeps the object valid when batched is off.
    js << "\"sections\": \"" << esc(std::getenv("LAI_BENCH_GPU_ONLY") ? std::getenv("LAI_BENCH_GPU_ONLY") : "all") << "\"";
    std::vector<std::string> tuning;
    if (section_enabled("gemm_f64")) {
      bench_gemm<double>(rt, a, js, tuning);
      trim_pool();
    }
    if (section_enabled("gemm_f32")) {
      bench_gemm<float>(rt, a, js, tuning);
      trim_pool();
    }
    js << ",\n\"tuning_table\": [";
    for (std::size_t i = 0; i < tuning.size(); ++i) js << (i ? ", " : "") << "\"" << esc(tuning[i]) << "\"";
    js << "]\n}\n";
    std::ofstream(a.out) << js.str();
    std::printf("\ntuning table entries (runtime/src/opencl/tuning_table.inc):\n");
    for (const auto& t : tuning) std::printf("%s\n", t.c_str());
    return 0;
  } catch (const lai::Error& e) {
    std::fprintf(stderr, "lai-bench-gpu: %s\n", e.message().c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lai-bench-gpu: %s\n", e.what());
    return 1;
  }
}
