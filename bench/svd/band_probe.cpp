// lai-probe-band: time of stage 2 of the planned two-stage SVD (upper band
// -> bidiagonal by bulge chasing on the host, svd/band_bidiag.h) by size,
// bandwidth and thread count, against LAPACK ?gbbrd (values only) on the same
// band matrix. Why: whether the host can chase a 4096 band inside the f64
// values-only budget decides the two-stage design (docs/svd.md, "Planned").
//
// Each case: a random upper band (uniform [-1, 1]); our chase timed as the
// median of --reps calls per thread count; ?gbbrd once (n <= --gbbrd-max-n);
// check: the bidiagonals' singular values (?bdsqr) against each other as
// max |s - s_ref| / (s_max n ulp) (< 50 passes, LAPACK's ddrvbd bound), and
// every thread count's d, e bitwise equal to one thread's. Exit 1 if a check
// fails. Output: a table and, with --json FILE, the numbers and the machine.
//   lai-probe-band [--sizes 1024,2048,4096] [--bands 8,16,32] [--threads 1,4,16]
//                  [--groups 1,2] [--dtypes f64,f32] [--reps 3] [--gbbrd-max-n 2048]
//                  [--json FILE] [--quick]
// (--groups: sweeps a thread takes at a time, band_bidiag.h; one thread runs group 1 only.)
#include <lapacke.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "probe_util.h"
#include "svd/band_bidiag.h"

extern "C" char* openblas_get_config(void);

namespace {

std::vector<int> parse_list(const char* arg, const char* name) { return lai_probe::parse_list("lai-probe-band", arg, name); }
using lai_probe::median;
using lai_probe::now;

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) {
      const auto p = line.find(':');
      return p == std::string::npos ? line : line.substr(p + 2);
    }
  return "unknown";
}

std::string js(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  }
  return o + "\"";
}

int gbbrd(int n, int b, double* ab, int ldab, double* d, double* e) {
  return LAPACKE_dgbbrd(LAPACK_COL_MAJOR, 'N', n, n, 0, 0, b, ab, ldab, d, e, nullptr, 1, nullptr, 1, nullptr, 1);
}
int gbbrd(int n, int b, float* ab, int ldab, float* d, float* e) {
  return LAPACKE_sgbbrd(LAPACK_COL_MAJOR, 'N', n, n, 0, 0, b, ab, ldab, d, e, nullptr, 1, nullptr, 1, nullptr, 1);
}
int bdsqr(int n, double* d, double* e) {
  return LAPACKE_dbdsqr(LAPACK_COL_MAJOR, 'U', n, 0, 0, 0, d, e, nullptr, 1, nullptr, 1, nullptr, 1);
}
int bdsqr(int n, float* d, float* e) {
  return LAPACKE_sbdsqr(LAPACK_COL_MAJOR, 'U', n, 0, 0, 0, d, e, nullptr, 1, nullptr, 1, nullptr, 1);
}

struct Row {
  std::string dtype;
  int n, b, threads, group;
  double seconds, gflops, gbbrd_s, ratio;
  bool bitwise;
};

template <class T>
bool run_case(const char* dtype, int n, int b, const std::vector<int>& threads, const std::vector<int>& groups,
              int reps, int gbbrd_max_n, std::vector<Row>& rows) {
  std::mt19937_64 rng(static_cast<unsigned>(n * 131 + b));
  std::uniform_real_distribution<double> uni(-1, 1);
  const int ldab = b + 1;
  std::vector<T> ab(static_cast<std::size_t>(ldab) * static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c)
    for (int r = 0; r <= b; ++r) ab[static_cast<std::size_t>(r + c * ldab)] = (c - (b - r) >= 0) ? T(uni(rng)) : T(0);

  const double flops = lai::svd::band_to_bidiagonal_flops(n, b);
  std::vector<T> d1(static_cast<std::size_t>(n)), e1(static_cast<std::size_t>(n));
  if (lai::svd::band_to_bidiagonal(n, b, ab.data(), ldab, d1.data(), e1.data(), 1) != 0) return false;

  // LAPACK's ?gbbrd: the reference bidiagonal and time.
  double gb_s = -1, rat = -1;
  if (n <= gbbrd_max_n) {
    std::vector<T> abw = ab, dg(static_cast<std::size_t>(n)), eg(static_cast<std::size_t>(n));
    const double t0 = now();
    if (gbbrd(n, b, abw.data(), ldab, dg.data(), eg.data()) != 0) return false;
    gb_s = now() - t0;
    std::vector<T> ds = d1, es = e1;
    if (bdsqr(n, ds.data(), es.data()) != 0 || bdsqr(n, dg.data(), eg.data()) != 0) return false;
    double worst = 0;
    for (int i = 0; i < n; ++i) worst = std::max(worst, std::abs(double(ds[i]) - double(dg[i])));
    rat = dg[0] > 0 ? worst / (double(dg[0]) * n * std::numeric_limits<T>::epsilon()) : 0;
  }

  bool ok = rat < 50;
  for (int th : threads)
    for (int grp : groups) {
      if (th == 1 && grp != groups.front()) continue;  // one thread: the group changes nothing
      std::vector<T> d(static_cast<std::size_t>(n)), e(static_cast<std::size_t>(n));
      std::vector<double> times;
      bool same = true;
      for (int r = 0; r < reps; ++r) {
        const double t0 = now();
        if (lai::svd::band_to_bidiagonal(n, b, ab.data(), ldab, d.data(), e.data(), th, grp) != 0) return false;
        times.push_back(now() - t0);
        same = same && d == d1 && std::equal(e.begin(), e.begin() + std::max(n - 1, 0), e1.begin());
      }
      const double s = median(times);
      rows.push_back({dtype, n, b, th, grp, s, flops / s * 1e-9, gb_s, rat, same});
      std::printf("| %s | %5d | %3d | %3d | %2d | %9.4f | %6.2f | %9s | %8s | %s |\n", dtype, n, b, th, grp, s,
                  flops / s * 1e-9, gb_s < 0 ? "-" : std::to_string(gb_s).substr(0, 7).c_str(),
                  rat < 0 ? "-" : std::to_string(rat).substr(0, 6).c_str(), same ? "yes" : "NO");
      ok = ok && same;
    }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes{1024, 2048, 4096}, bands{8, 16, 32}, threads, groups{1};
  std::vector<std::string> dtypes{"f64", "f32"};
  int reps = 3, gbbrd_max_n = 2048;
  std::string json;
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = {1, hw};
  if (hw == 1) threads = {1};
  for (int a = 1; a < argc; ++a) {
    auto val = [&](const char* name) {
      if (a + 1 >= argc) {
        std::fprintf(stderr, "lai-probe-band: %s needs a value\n", name);
        std::exit(2);
      }
      return argv[++a];
    };
    if (!std::strcmp(argv[a], "--sizes")) sizes = parse_list(val("--sizes"), "--sizes");
    else if (!std::strcmp(argv[a], "--bands")) bands = parse_list(val("--bands"), "--bands");
    else if (!std::strcmp(argv[a], "--threads")) threads = parse_list(val("--threads"), "--threads");
    else if (!std::strcmp(argv[a], "--groups")) groups = parse_list(val("--groups"), "--groups");
    else if (!std::strcmp(argv[a], "--reps")) reps = std::max(1, parse_list(val("--reps"), "--reps")[0]);
    else if (!std::strcmp(argv[a], "--gbbrd-max-n")) gbbrd_max_n = parse_list(val("--gbbrd-max-n"), "--gbbrd-max-n")[0];
    else if (!std::strcmp(argv[a], "--json")) json = val("--json");
    else if (!std::strcmp(argv[a], "--dtypes")) {
      dtypes.clear();
      std::stringstream ss(val("--dtypes"));
      std::string t;
      while (std::getline(ss, t, ',')) {
        if (t != "f64" && t != "f32") {
          std::fprintf(stderr, "lai-probe-band: --dtypes: '%s' is not f64 or f32\n", t.c_str());
          return 2;
        }
        dtypes.push_back(t);
      }
    } else if (!std::strcmp(argv[a], "--quick")) {
      sizes = {200, 333};
      bands = {4, 16};
      groups = {1, 3};
      reps = 1;
    } else {
      std::fprintf(stderr, "lai-probe-band: unknown argument '%s' (see the comment at the top of band_probe.cpp)\n",
                   argv[a]);
      return 2;
    }
  }
  for (int g : groups)
    if (g < 1) {
      std::fprintf(stderr, "lai-probe-band: --groups: %d is not >= 1\n", g);
      return 2;
    }
  for (int b : bands)
    if (b < 1) {
      std::fprintf(stderr, "lai-probe-band: --bands: %d is not >= 1\n", b);
      return 2;
    }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string host = cpu_model();
  const std::string blas = openblas_get_config();
  std::printf("host CPU: %s, %d hardware threads | OpenBLAS %s\n", host.c_str(), hw, blas.c_str());
  std::printf("time: median of %d calls; GFLOP/s of 16 b n^2; gbbrd: LAPACK ?gbbrd once (values only); ratio: "
              "max|s - s_gbbrd| / (s_max n ulp); bitwise: d, e equal to one thread's\n",
              reps);
  std::printf("| dtype | n | b | threads | group | seconds | GFLOP/s | gbbrd s | ratio | bitwise |\n");
  std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  std::vector<Row> rows;
  bool ok = true;
  for (const std::string& dt : dtypes)
    for (int n : sizes)
      for (int b : bands) {
        const bool good = dt == "f64" ? run_case<double>("f64", n, b, threads, groups, reps, gbbrd_max_n, rows)
                                      : run_case<float>("f32", n, b, threads, groups, reps, gbbrd_max_n, rows);
        if (!good) std::printf("CHECK FAILED: %s n %d b %d\n", dt.c_str(), n, b);
        ok = ok && good;
      }
  if (!json.empty()) {
    std::ofstream f(json + ".tmp");
    f << "{\n  \"tool\": \"lai-probe-band\",\n  \"host_cpu\": " << js(host) << ",\n  \"hardware_threads\": " << hw
      << ",\n  \"openblas\": " << js(blas) << ",\n  \"reps\": " << reps << ",\n  \"rows\": [\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      f << "    {\"dtype\": " << js(r.dtype) << ", \"n\": " << r.n << ", \"b\": " << r.b << ", \"threads\": " << r.threads << ", \"group\": " << r.group
        << ", \"seconds\": " << r.seconds << ", \"gflops\": " << r.gflops << ", \"gbbrd_seconds\": "
        << (r.gbbrd_s < 0 ? std::string("null") : std::to_string(r.gbbrd_s)) << ", \"ratio_vs_gbbrd\": "
        << (r.ratio < 0 ? std::string("null") : std::to_string(r.ratio)) << ", \"bitwise_same_as_1_thread\": "
        << (r.bitwise ? "true" : "false") << "}" << (i + 1 < rows.size() ? ",\n" : "\n");
    }
    f << "  ],\n  \"ok\": " << (ok ? "true" : "false") << "\n}\n";
    f.close();
    if (!f || std::rename((json + ".tmp").c_str(), json.c_str()) != 0) {
      std::fprintf(stderr, "lai-probe-band: cannot write %s\n", json.c_str());
      return 2;
    }
  }
  std::printf("%s\n", ok ? "all checks passed" : "SOME CHECKS FAILED");
  return ok ? 0 : 1;
}
