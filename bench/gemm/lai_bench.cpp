// lai-bench gemm: lapack-ai against OpenBLAS on this machine.
//
// For square n and a few rectangular shapes, f64 and f32: OpenBLAS and
// lai_dgemm/lai_sgemm (public dispatch, tuning table) run alternately
// `--repeats` times in one process (more where a call is short: about 2 s of
// runs, at most 50); medians, their ratio, the variant the
// tuning table chose, its extra memory, and the relative error of both
// against a reference in long double on sampled rows of C. Then the 4x4
// single-call latency (lai_dgemm vs cblas_dgemm) and batched 4x4 throughput
// against the measured copy bandwidth. Prints a table and writes
// bench/results/gemm-<machine>-<date>.json.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <sys/resource.h>
#include <iostream>

#include "../common/bench_util.hpp"

namespace fs = std::filesystem;
using namespace lai::bench;

namespace {

struct Shape {
  int m, n, k;
};

struct Options {
  std::vector<int> sizes{512, 1024, 2048, 4096, 8192};
  bool rect = true;
  int repeats = 5;
  std::vector<std::string> dtypes{"f64", "f32"};
  std::string out_dir = LAI_BENCH_RESULTS_DIR;
  std::vector<std::string> extra_variants;  // also timed at n = 4096 (accuracy of two levels etc.)
};

// Relative error ||C - R||_F / ||R||_F on `rows` sampled rows, R in long double.
template <class T>
double sampled_error(const Shape& s, const T* A, const T* B, const T* C, int rows) {
  long double num = 0, den = 0;
  std::vector<long double> acc(static_cast<std::size_t>(s.n));
  for (int q = 0; q < rows; ++q) {
    const int i = static_cast<int>((static_cast<long long>(q) * 7919) % s.m);
    std::fill(acc.begin(), acc.end(), 0.0L);
    for (int p = 0; p < s.k; ++p) {
      const long double a = A[static_cast<std::size_t>(i) * s.k + p];
      const T* b = B + static_cast<std::size_t>(p) * s.n;
      for (int j = 0; j < s.n; ++j) acc[static_cast<std::size_t>(j)] += a * b[j];
    }
    for (int j = 0; j < s.n; ++j) {
      const long double d = static_cast<long double>(C[static_cast<std::size_t>(i) * s.n + j]) - acc[static_cast<std::size_t>(j)];
      num += d * d;
      den += acc[static_cast<std::size_t>(j)] * acc[static_cast<std::size_t>(j)];
    }
  }
  return static_cast<double>(std::sqrt(num / den));
}

template <class T>
nlohmann::json run_shape(const Options& o, const Shape& s, bool f32) {
  const std::size_t na = static_cast<std::size_t>(s.m) * s.k, nb = static_cast<std::size_t>(s.k) * s.n,
                    nc = static_cast<std::size_t>(s.m) * s.n;
  Buffer<T> A(na), B(nb), C(nc), R(nc);
  randn(A.p, na, 11);
  randn(B.p, nb, 12);
  const int size = std::min({s.m, s.n, s.k});
  const std::string variant = lai_internal_tuned_variant(f32 ? 1 : 0, size);
  blas_gemm<T>(s.m, s.n, s.k, A.p, B.p, R.p);  // warm-up
  lai_gemm<T>(s.m, s.n, s.k, A.p, B.p, C.p);   // warm-up: allocates the workspace once
  // At least --repeats pairs; where a call is short, as many as fit in about
  // 2 s of OpenBLAS time (at most 50): a median of 5 sub-second runs moved by
  // 5% when the machine hiccuped once (f64 2048, OpenBLAS against itself).
  double t_once = now();
  blas_gemm<T>(s.m, s.n, s.k, A.p, B.p, R.p);
  t_once = now() - t_once;
  const int pairs = std::max(o.repeats, std::min(50, static_cast<int>(2.0 / std::max(t_once, 1e-6))));
  std::vector<double> tb, tl;
  for (int r = 0; r < pairs; ++r) {
    double t0 = now();
    blas_gemm<T>(s.m, s.n, s.k, A.p, B.p, R.p);
    tb.push_back(now() - t0);
    t0 = now();
    lai_gemm<T>(s.m, s.n, s.k, A.p, B.p, C.p);
    tl.push_back(now() - t0);
  }
  const double mb = median(tb), ml = median(tl);
  const int rows = std::min(s.m, 16);
  const double eb = sampled_error(s, A.p, B.p, R.p, rows), el = sampled_error(s, A.p, B.p, C.p, rows);
  const double flops = 2.0 * s.m * static_cast<double>(s.n) * s.k;
  const std::size_t ws = lai_internal_variant_workspace(variant.c_str(), f32 ? 1 : 0, s.m, s.n, s.k);
  const double ws_n2 = static_cast<double>(ws) / sizeof(T) / (static_cast<double>(s.m) * s.n);
  std::printf("%-4s %5d x %5d x %5d  %9.4f %9.4f  %6.3f  %7.1f %7.1f  %8.2e %8.2e  %5.2f  %s\n", f32 ? "f32" : "f64",
              s.m, s.n, s.k, mb, ml, mb / ml, flops / mb * 1e-9, flops / ml * 1e-9, eb, el, ws_n2, variant.c_str());
  std::fflush(stdout);
  return {{"dtype", f32 ? "f32" : "f64"}, {"m", s.m}, {"n", s.n}, {"k", s.k}, {"openblas_s", mb}, {"lai_s", ml},
          {"pairs", pairs}, {"openblas_runs_s", tb}, {"lai_runs_s", tl}, {"ratio", mb / ml}, {"openblas_gflops", flops / mb * 1e-9},
          {"lai_gflops", flops / ml * 1e-9}, {"variant", variant}, {"rel_err_openblas", eb}, {"rel_err_lai", el},
          {"extra_memory_bytes", ws}, {"extra_memory_elements_per_mn", ws_n2}};
}

// An explicit variant at one size (two-level accuracy, controls).
template <class T>
nlohmann::json run_variant(const Options& o, int n, const std::string& v, bool f32) {
  const Shape s{n, n, n};
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  Buffer<T> A(nn), B(nn), C(nn), R(nn);
  randn(A.p, nn, 11);
  randn(B.p, nn, 12);
  blas_gemm<T>(n, n, n, A.p, B.p, R.p);
  if (!variant_gemm<T>(v, n, n, n, A.p, B.p, C.p)) return {{"variant", v}, {"error", lai_last_error()}};
  std::vector<double> tb, tl;
  for (int r = 0; r < o.repeats; ++r) {
    double t0 = now();
    blas_gemm<T>(n, n, n, A.p, B.p, R.p);
    tb.push_back(now() - t0);
    t0 = now();
    variant_gemm<T>(v, n, n, n, A.p, B.p, C.p);
    tl.push_back(now() - t0);
  }
  const double eb = sampled_error(s, A.p, B.p, R.p, 16), el = sampled_error(s, A.p, B.p, C.p, 16);
  const std::size_t ws = lai_internal_variant_workspace(v.c_str(), f32 ? 1 : 0, n, n, n);
  const double extra = static_cast<double>(ws) / static_cast<double>(sizeof(T) * nn);  // elements / n^2
  std::printf("%-4s %5d  %-50s x%6.3f  err %8.2e (OpenBLAS %8.2e, %.1fx)  extra %.2f n^2\n", f32 ? "f32" : "f64", n,
              v.c_str(), median(tb) / median(tl), el, eb, el / eb, extra);
  std::fflush(stdout);
  return {{"dtype", f32 ? "f32" : "f64"}, {"n", n}, {"variant", v}, {"openblas_s", median(tb)},
          {"variant_s", median(tl)}, {"ratio", median(tb) / median(tl)}, {"rel_err_openblas", eb},
          {"rel_err_variant", el}, {"extra_memory_elements_per_n2", extra}};
}

nlohmann::json small_4x4() {
  alignas(64) double a[16], b[16], c[16];
  randn(a, 16, 1);
  randn(b, 16, 2);
  std::fill(c, c + 16, 0.0);
  const int calls = 2000000;
  auto time_it = [&](auto&& f) {
    std::vector<double> v;
    for (int r = 0; r < 5; ++r) {
      const double t0 = now();
      for (int i = 0; i < calls; ++i) f();
      v.push_back((now() - t0) / calls * 1e9);
    }
    return median(v);
  };
  const double t_cblas = time_it([&] {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 4, 4, 4, 1.0, a, 4, b, 4, 1.0, c, 4);
  });
  const double t_lai = time_it([&] {
    lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0, a, 4, b, 4, 1.0, c, 4);
  });
  std::printf("4x4 single call (beta=1, f64): cblas_dgemm %.1f ns, lai_dgemm %.1f ns, speed-up %.2fx\n", t_cblas, t_lai,
              t_cblas / t_lai);

  // Batched: 2^22 products (f64: 384 MiB moved per pass).
  const std::size_t count = std::size_t{1} << 22;
  Buffer<double> A(16 * count), B(16 * count), C(16 * count), D(16 * count);
  randn(A.p, 16 * count, 3);
  randn(B.p, 16 * count, 4);
  lai_dgemm_batched4x4(A.p, B.p, C.p, count, LAI_BACKEND_CPU);
  std::vector<double> tb, tc;
  for (int r = 0; r < 5; ++r) {
    double t0 = now();
    lai_dgemm_batched4x4(A.p, B.p, C.p, count, LAI_BACKEND_CPU);
    tb.push_back(now() - t0);
    // Copy bandwidth with 2 threads: A -> D and B -> C halves, same bytes
    // read (2 x 128 B) and written (128 B) per product as... measured as a
    // plain copy of A and B into D (reads 256 B, writes 256 B per product).
    t0 = now();
    std::thread th([&] { std::memcpy(D.p + 8 * count, A.p + 8 * count, 8 * count * sizeof(double)); });
    std::memcpy(D.p, A.p, 8 * count * sizeof(double));
    th.join();
    tc.push_back(now() - t0);
  }
  const double bytes_batched = 3.0 * 128 * count;  // read A_i, B_i, write C_i
  const double bytes_copy = 2.0 * 128 * count;     // read and write 16*count doubles
  const double bw_b = bytes_batched / median(tb) * 1e-9, bw_c = bytes_copy / median(tc) * 1e-9;
  std::printf("batched 4x4 f64 (%zu products, CPU): %.3f s, %.1f M products/s, %.1f GB/s = %.0f%% of copy %.1f GB/s "
              "(2 threads)\n",
              count, median(tb), count / median(tb) * 1e-6, bw_b, 100 * bw_b / bw_c, bw_c);
  return {{"single_call_ns", {{"cblas_dgemm", t_cblas}, {"lai_dgemm", t_lai}, {"speedup", t_cblas / t_lai}}},
          {"batched",
           {{"count", count},
            {"seconds", median(tb)},
            {"products_per_s", count / median(tb)},
            {"gb_per_s", bw_b},
            {"copy_gb_per_s", bw_c},
            {"fraction_of_copy", bw_b / bw_c}}}};
}

// Where the time of one variant goes at n x n x n (docs/results.md, "Profile
// of the fast GEMM"): wall time, the block engine's thread-seconds per phase
// (LAI_PROFILE_FAST_GEMM, set here before the first variant runs), and the
// minor page faults of the first call (workspace and C touched for the first
// time) and of the later ones (getrusage, whole process).
long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

template <class T>
nlohmann::json profile_variant(int n, const std::string& v, int repeats, bool f32) {
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  Buffer<T> A(nn), B(nn), C(nn);
  randn(A.p, nn, 11);
  randn(B.p, nn, 12);
  double ph[4];
  lai_internal_fast_gemm_profile(ph);  // reset
  long f0 = minor_faults();
  double t0 = now();
  if (!variant_gemm<T>(v, n, n, n, A.p, B.p, C.p)) return {{"variant", v}, {"error", lai_last_error()}};
  const double first = now() - t0;
  const long first_faults = minor_faults() - f0;
  lai_internal_fast_gemm_profile(ph);
  std::vector<double> wall;
  double sum[4] = {0, 0, 0, 0};
  f0 = minor_faults();
  for (int r = 0; r < repeats; ++r) {
    t0 = now();
    variant_gemm<T>(v, n, n, n, A.p, B.p, C.p);
    wall.push_back(now() - t0);
    lai_internal_fast_gemm_profile(ph);
    for (int p = 0; p < 4; ++p) sum[p] += ph[p] / repeats;
  }
  const long faults = (minor_faults() - f0) / repeats;
  std::vector<double> tb;
  for (int r = 0; r < repeats; ++r) {
    t0 = now();
    blas_gemm<T>(n, n, n, A.p, B.p, C.p);
    tb.push_back(now() - t0);
  }
  const double busy = sum[0] + sum[1] + sum[2] + sum[3];
  std::printf("%-4s %5d  %-44s wall %7.3f s (first call %7.3f s, %ld minor faults; later %ld)  OpenBLAS %7.3f s\n"
              "     thread-s: A/B additions %6.3f (%4.1f%%)  leaves %6.3f (%4.1f%%)  C additions %6.3f (%4.1f%%)  "
              "other %6.3f (%4.1f%%)\n",
              f32 ? "f32" : "f64", n, v.c_str(), median(wall), first, first_faults, faults, median(tb), sum[0],
              100 * sum[0] / busy, sum[1], 100 * sum[1] / busy, sum[2], 100 * sum[2] / busy, sum[3],
              100 * sum[3] / busy);
  std::fflush(stdout);
  return {{"dtype", f32 ? "f32" : "f64"}, {"n", n}, {"variant", v}, {"wall_s", median(wall)},
          {"first_call_s", first}, {"first_call_minor_faults", first_faults}, {"minor_faults_per_call", faults},
          {"openblas_s", median(tb)}, {"thread_s_ab_additions", sum[0]}, {"thread_s_leaves", sum[1]},
          {"thread_s_c_additions", sum[2]}, {"thread_s_other", sum[3]}};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"lai-bench: lapack-ai against OpenBLAS"};
  app.require_subcommand(1);
  CLI::App* gemm = app.add_subcommand("gemm", "GEMM: square and rectangular sizes, 4x4 single and batched");
  gemm->add_option("--sizes", o.sizes, "square sizes")->delimiter(',');
  gemm->add_option("--repeats", o.repeats, "alternating runs per size, at least (median; short calls get up to 50)")->check(CLI::Range(1, 100));
  gemm->add_option("--dtypes", o.dtypes, "f64 and/or f32")->delimiter(',');
  gemm->add_option("--variants", o.extra_variants, "variants also timed explicitly at n=4096")->delimiter(',');
  gemm->add_option("--out-dir", o.out_dir, "where the JSON goes");
  bool no_rect = false, no_small = false, only_small = false;
  gemm->add_flag("--no-rect", no_rect, "skip the rectangular shapes");
  gemm->add_flag("--no-small", no_small, "skip the 4x4 measurements");
  gemm->add_flag("--only-small", only_small, "only the 4x4 measurements (single call and batched)")
      ->excludes("--no-small");
  CLI::App* prof = app.add_subcommand("profile", "time split of fast GEMM variants (leaves, additions, page faults)");
  int prof_n = 4096;
  std::vector<std::string> prof_f64{"strassen2_4x4x4_r49/g6/split2"}, prof_f32{"strassen2_4x4x4_r49/g7/blas"};
  prof->add_option("--n", prof_n, "size n of the n x n x n product");
  prof->add_option("--f64", prof_f64, "f64 variants")->delimiter(',');
  prof->add_option("--f32", prof_f32, "f32 variants")->delimiter(',');
  prof->add_option("--repeats", o.repeats, "runs after the first (mean of the phases, median of the wall time)");
  CLI11_PARSE(app, argc, argv);
  if (*prof) {
    setenv("LAI_PROFILE_FAST_GEMM", "1", 1);  // read by the library at the first variant call
    std::printf("machine: %s\n", lai_internal_machine_id());
    nlohmann::json rows = nlohmann::json::array();
    for (const std::string& v : prof_f64) rows.push_back(profile_variant<double>(prof_n, v, o.repeats, false));
    for (const std::string& v : prof_f32) rows.push_back(profile_variant<float>(prof_n, v, o.repeats, true));
    std::printf("%s\n", rows.dump().c_str());
    return 0;
  }
  if (only_small) {
    o.sizes.clear();
    o.extra_variants.clear();
    no_rect = true;
  }

  nlohmann::json j;
  j["machine"] = machine_json();
  j["date"] = today();
  std::ostringstream cmd;
  for (int i = 0; i < argc; ++i) cmd << (i ? " " : "") << argv[i];
  j["command"] = cmd.str();
  j["repeats"] = o.repeats;
  std::printf("machine: %s; %s\n", lai_internal_machine_id(), lai_tuning_info());
  std::printf("%-4s %-21s  %9s %9s  %6s  %7s %7s  %8s %8s  %5s  %s\n", "type", "m x n x k", "OpenBLAS", "lai", "ratio",
              "GF/s ob", "GF/s lai", "err ob", "err lai", "mem", "variant (mem: extra elements / (m n))");
  std::vector<Shape> shapes;
  for (int n : o.sizes) shapes.push_back({n, n, n});
  if (!no_rect) {
    shapes.push_back({8192, 2048, 4096});
    shapes.push_back({2048, 8192, 4096});
    shapes.push_back({4096, 4096, 1024});
    shapes.push_back({6144, 3072, 4096});
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const std::string& d : o.dtypes) {
    for (const Shape& s : shapes) rows.push_back(d == "f32" ? run_shape<float>(o, s, true) : run_shape<double>(o, s, false));
  }
  j["gemm"] = rows;
  nlohmann::json ex = nlohmann::json::array();
  for (const std::string& v : o.extra_variants) {
    for (const std::string& d : o.dtypes) ex.push_back(d == "f32" ? run_variant<float>(o, 4096, v, true) : run_variant<double>(o, 4096, v, false));
  }
  j["variants_at_4096"] = ex;
  if (!no_small) j["small"] = small_4x4();
  fs::create_directories(o.out_dir);
  const fs::path out = fs::path(o.out_dir) / ("gemm-" + slug(lai_internal_machine_id()) + "-" + today() + ".json");
  std::ofstream f(out);
  f << j.dump(2) << "\n";
  std::printf("wrote %s\n", out.string().c_str());
  return f ? 0 : 1;
}
