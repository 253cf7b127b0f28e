// lai-tune: measures the block-engine variants against OpenBLAS on this
// machine over a size grid and writes the tuning table liblapack_ai loads
// (docs/formats.md, "Tuning table"; runtime/src/dispatch/tuning.h).
//
// Per dtype and size n (square n x n x n, row-major, randn inputs): OpenBLAS
// and each candidate variant are run alternately, `--repeats` times each, in
// one process; the median times are compared. A variant is chosen for n only
// when its median beats OpenBLAS's by the margin (default 3%), so after
// tuning lai_dgemm is never slower than OpenBLAS beyond noise at the grid
// sizes. Candidates first get one screening run and only the best
// `--finalists` are repeated; the winner must then beat the margin again in a
// second series of its own. Size ranges: grid point g_i covers [g_i, g_{i+1}-1]; the last covers everything above; below the first grid
// point OpenBLAS is used.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "../common/bench_util.hpp"

namespace fs = std::filesystem;
using namespace lai::bench;

namespace {

struct Options {
  std::vector<std::string> dtypes{"f64", "f32"};
  std::vector<int> sizes{512, 1024, 1536, 2048, 3072, 4096, 6144};
  std::vector<std::string> variants;  // empty: the default candidates
  int repeats = 5;
  int finalists = 3;
  double margin = 1.03;
  double max_extra = 1.5;  // extra memory limit, elements / n^2
  std::string out;
  bool probe = false;  // print only, write nothing
};

std::string default_out() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0') {
    return std::string(x) + "/lapack_ai/tuning.json";
  }
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    return std::string(h) + "/.config/lapack_ai/tuning.json";
  }
  return "tuning.json";
}

// The s x s x s schemes with block tables (generated cpp-block kernels) for
// the dtype, classical left out: it is the control in lai-bench, never faster
// than OpenBLAS.
std::vector<std::string> fast_schemes(bool f32, int size = 4) {
  std::vector<std::string> out;
  for (int i = 0; i < lai_scheme_count(); ++i) {
    int m = 0, k = 0, n = 0;
    const int bits = lai_internal_scheme_kernels(i, &m, &k, &n);
    const std::string name = lai_scheme_name(i);
    if (m != size || k != size || n != size || (bits & (f32 ? 8 : 4)) == 0) continue;
    if (name.rfind("classical", 0) == 0) continue;
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> candidates(bool f32, int n) {
  std::vector<std::string> v;
  for (const std::string& s : fast_schemes(f32)) {
    v.push_back(s + "/g6/split2");
    v.push_back(s + "/g3/split2");
    v.push_back(s + "/g7/blas");
    v.push_back(s + "/g1/blas");
    // par2: both cores on every addition pass (shared temporaries, no
    // duplicated B side as in split2) and full-size single-threaded leaves.
    // g7 is one row of Strassen-squared's 7 x 7 products (one left factor:
    // each A row read once per batch) within 1.31 n^2; g3 is smaller (0.56 n^2).
    v.push_back(s + "/g7/par2");
    v.push_back(s + "/g3/par2");
    if (n >= 4096) {
      v.push_back(s + "+strassen_2x2x2_r7/g7/split2");
      v.push_back(s + "+" + s + "/g7/split2");
    }
  }
  // One level of a 2x2 scheme: 7 products of n/2, which run near OpenBLAS's
  // full rate (a 4x4 scheme's leaves are n/4); a probe at n=4096 f64
  // measured strassen_2x2x2_r7 g1/split2 and g7/blas at 1.045x OpenBLAS
  // against 1.027x for strassen2_4x4x4_r49/g3/split2 (g7/blas needs
  // 3.75 n^2 and is skipped under the default --max-extra).
  if (n >= 2048) {
    for (const std::string& s : fast_schemes(f32, 2)) {
      v.push_back(s + "/g1/split2");
      v.push_back(s + "/g1/blas");
      v.push_back(s + "/g7/blas");
      // par2 with 2x2 blocks: g1 (0.75 n^2) splits every leaf by rows, g2
      // (1.25 n^2) gives each thread a whole leaf (the last one split).
      v.push_back(s + "/g1/par2");
      v.push_back(s + "/g2/par2");
    }
  }
  return v;
}

struct Result {
  std::string variant;
  double seconds = 0;
  double ratio = 0;  // OpenBLAS time / variant time
};

template <class T>
nlohmann::json tune_dtype(const Options& o, bool f32, nlohmann::json& table) {
  nlohmann::json meas = nlohmann::json::array();
  std::vector<std::pair<int, std::string>> winners;
  for (int n : o.sizes) {
    const std::size_t nn = static_cast<std::size_t>(n) * n;
    Buffer<T> A(nn), B(nn), C(nn), R(nn);
    randn(A.p, nn, 1);
    randn(B.p, nn, 2);
    auto time_blas = [&] {
      const double t0 = now();
      blas_gemm<T>(n, n, n, A.p, B.p, R.p);
      return now() - t0;
    };
    auto time_variant = [&](const std::string& v) {
      const double t0 = now();
      if (!variant_gemm<T>(v, n, n, n, A.p, B.p, C.p)) return -1.0;
      return now() - t0;
    };
    time_blas();  // warm-up (threads, packing buffers)
    std::vector<std::string> cands = o.variants.empty() ? candidates(f32, n) : o.variants;
    // Screening: one run each (after a warm-up run that allocates the workspace).
    std::vector<Result> screened;
    const double blas_once = time_blas();
    for (const std::string& v : cands) {
      const double extra = static_cast<double>(lai_internal_variant_workspace(v.c_str(), f32 ? 1 : 0, n, n, n)) /
                           sizeof(T) / static_cast<double>(nn);
      if (extra > o.max_extra) {
        std::fprintf(stderr, "  %s: skipped, %.2f n^2 extra elements > --max-extra %.2f\n", v.c_str(), extra, o.max_extra);
        continue;
      }
      if (time_variant(v) < 0) {
        std::fprintf(stderr, "  %s: cannot run (%s)\n", v.c_str(), lai_last_error());
        continue;
      }
      const double t = time_variant(v);
      screened.push_back({v, t, blas_once / t});
    }
    std::sort(screened.begin(), screened.end(), [](const Result& a, const Result& b) { return a.seconds < b.seconds; });
    if (static_cast<int>(screened.size()) > o.finalists) screened.resize(static_cast<std::size_t>(o.finalists));
    // Finals: OpenBLAS and each finalist alternately.
    std::vector<double> tb;
    std::map<std::string, std::vector<double>> tv;
    for (int r = 0; r < o.repeats; ++r) {
      tb.push_back(time_blas());
      for (const Result& f : screened) tv[f.variant].push_back(time_variant(f.variant));
    }
    const double blas_med = median(tb);
    Result best{"blas", blas_med, 1.0};
    nlohmann::json mj;
    mj["n"] = n;
    mj["openblas_s"] = blas_med;
    mj["openblas_gflops"] = 2.0 * n * static_cast<double>(n) * n / blas_med * 1e-9;
    nlohmann::json vj = nlohmann::json::object();
    std::printf("%s n=%-5d openblas %8.4f s", f32 ? "f32" : "f64", n, blas_med);
    for (const Result& f : screened) {
      const double med = median(tv[f.variant]);
      vj[f.variant] = {{"median_s", med}, {"ratio", blas_med / med}};
      if (blas_med / med > best.ratio) best = {f.variant, med, blas_med / med};
    }
    bool take = best.variant != "blas" && best.ratio >= o.margin;
    // Confirmation: the finals pick the best of several noisy medians, which
    // favours a lucky draw (a 0.49x variant once measured 1.07x at n=1024 on
    // this 2-core machine). The winner must beat the margin again in a fresh
    // series of alternating runs before it may replace OpenBLAS.
    if (take) {
      std::vector<double> cb, cv;
      for (int r = 0; r < o.repeats; ++r) {
        cb.push_back(time_blas());
        cv.push_back(time_variant(best.variant));
      }
      const double confirm = median(cb) / median(cv);
      mj["confirm_ratio"] = confirm;
      take = confirm >= o.margin;
      std::printf("  confirm %s x%.3f", best.variant.c_str(), confirm);
    }
    const std::string chosen = take ? best.variant : "blas";
    std::printf("  best %s x%.3f -> %s\n", best.variant.c_str(), best.ratio, chosen.c_str());
    for (const Result& f : screened) std::printf("      %-52s x%.3f\n", f.variant.c_str(), blas_med / median(tv[f.variant]));
    std::fflush(stdout);
    mj["variants"] = vj;
    mj["chosen"] = chosen;
    meas.push_back(mj);
    winners.emplace_back(n, chosen);
  }
  // Ranges: [g_i, g_{i+1}-1], last open; blas below the first; merge equal neighbours.
  nlohmann::json list = nlohmann::json::array();
  auto add = [&](int lo, long long hi, const std::string& v) {
    if (!list.empty() && list.back()["variant"] == v) {
      list.back()["max"] = hi < 0 ? nlohmann::json(nullptr) : nlohmann::json(hi);
      return;
    }
    list.push_back({{"min", lo}, {"max", hi < 0 ? nlohmann::json(nullptr) : nlohmann::json(hi)}, {"variant", v}});
  };
  if (!winners.empty() && winners.front().first > 0) add(0, winners.front().first - 1, "blas");
  for (std::size_t i = 0; i < winners.size(); ++i) {
    const long long hi = i + 1 < winners.size() ? winners[i + 1].first - 1 : -1;
    add(winners[i].first, hi, winners[i].second);
  }
  table[f32 ? "f32" : "f64"] = list;
  return meas;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"lai-tune: measure block-engine variants against OpenBLAS and write the tuning table"};
  app.add_option("--dtypes", o.dtypes, "f64 and/or f32")->delimiter(',');
  app.add_option("--sizes", o.sizes, "square sizes of the grid")->delimiter(',');
  app.add_option("--variants", o.variants, "candidate variants (default: every 4x4 scheme as g6/g3 split2, g7/g1 blas, g7/g3 par2, two levels from 4096; one level of the 2x2 schemes from 2048 as g1 split2/blas/par2, g7 blas, g2 par2)")
      ->delimiter(',');
  app.add_option("--repeats", o.repeats, "alternating runs per finalist (median)")->check(CLI::Range(1, 100));
  app.add_option("--finalists", o.finalists, "candidates kept after the screening run")->check(CLI::Range(1, 100));
  app.add_option("--margin", o.margin, "required OpenBLAS/variant time ratio to choose a variant");
  app.add_option("-o,--out", o.out, "table to write (default $XDG_CONFIG_HOME/lapack_ai/tuning.json or ~/.config/lapack_ai/tuning.json)");
  app.add_option("--max-extra", o.max_extra, "largest extra memory of a candidate, in elements / n^2");
  app.add_flag("--probe", o.probe, "measure and print only");
  CLI11_PARSE(app, argc, argv);
  if (o.out.empty()) o.out = default_out();

  std::printf("machine: %s, OpenBLAS threads %d\n", lai_internal_machine_id(), openblas_get_num_threads());
  nlohmann::json table = nlohmann::json::object();
  nlohmann::json meas = nlohmann::json::object();
  for (const std::string& d : o.dtypes) {
    if (d == "f64") {
      meas["f64"] = tune_dtype<double>(o, false, table);
    } else if (d == "f32") {
      meas["f32"] = tune_dtype<float>(o, true, table);
    } else {
      std::fprintf(stderr, "lai-tune: unknown dtype %s\n", d.c_str());
      return 2;
    }
  }
  for (const char* d : {"f64", "f32"}) {
    if (!table.contains(d)) table[d] = nlohmann::json::array({{{"min", 0}, {"max", nullptr}, {"variant", "blas"}}});
  }
  std::ostringstream cmd;
  for (int i = 0; i < argc; ++i) cmd << (i ? " " : "") << argv[i];
  nlohmann::json j = {{"format", "lapack-ai-tuning"},
                      {"version", 1},
                      {"machine", lai_internal_machine_id()},
                      {"created", today()},
                      {"command", cmd.str()},
                      {"repeats", o.repeats},
                      {"margin", o.margin},
                      {"tables", table},
                      {"machine_info", machine_json()},
                      {"measurements", meas}};
  const std::string text = j.dump(2) + "\n";
  if (const char* why = lai_internal_validate_tuning(text.c_str(), 1)) {
    std::fprintf(stderr, "lai-tune: the table does not validate: %s\n", why);
    return 1;
  }
  std::cout << "tables: " << table.dump() << "\n";
  if (o.probe) return 0;
  const fs::path out(o.out);
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  std::ofstream f(out);
  f << text;
  if (!f) {
    std::fprintf(stderr, "lai-tune: cannot write %s\n", o.out.c_str());
    return 1;
  }
  std::printf("wrote %s\n", o.out.c_str());
  return 0;
}
