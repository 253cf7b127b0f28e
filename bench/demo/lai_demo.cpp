// lai-demo: what `./run.sh demo` shows after regenerating the kernels.
//  1. per scheme (arguments: scheme files): shape, rank, multiplications,
//     non-zeros, additions before/after the optimizer, verified or why not;
//  2. lai_dgemm on random matrices against OpenBLAS: error and time ratio at
//     4x4 (many calls, where call overhead decides) and n=2048 (where the
//     one-level block kernel competes with OpenBLAS itself).
#include <cblas.h>
#include <lapack_ai/lapack_ai.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "lai_gen/error.hpp"
#include "lai_gen/optimizer.hpp"
#include "lai_gen/readers.hpp"
#include "lai_gen/verify.hpp"

namespace {

using Clock = std::chrono::steady_clock;

void print_schemes(int argc, char** argv) {
  std::printf("%-28s %-7s %5s %9s %20s  %s\n", "scheme", "shape", "mults", "non-zeros", "additions naive->opt",
              "verification");
  for (int i = 1; i < argc; ++i) {
    const auto ref = lai::gen::parse_scheme_ref(argv[i]);
    try {
      const lai::gen::Scheme s = lai::gen::load_scheme(ref);
      const auto v = lai::gen::verify_scheme(s);
      const auto opt = lai::gen::optimize_scheme(s);
      const std::string shape = std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n);
      const std::string adds = std::to_string(opt.additions_before()) + " -> " + std::to_string(opt.additions_after());
      std::printf("%-28s %-7s %5d %9zu %20s  %s\n", s.name.c_str(), shape.c_str(), s.rank, s.nonzeros(), adds.c_str(),
                  v.ok ? "verified" : ("NOT verified: " + v.message).c_str());
    } catch (const lai::gen::InputError& e) {
      std::printf("%-28s unreadable: %s\n", ref.display().c_str(), e.what());
    }
  }
}

std::vector<double> random_matrix(std::size_t count, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> d(-1.0, 1.0);
  std::vector<double> v(count);
  for (auto& x : v) x = d(rng);
  return v;
}

double frob(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
}

// ||C - Cref||_F / (||A||_F ||B||_F): the quantity normwise error bounds are stated in.
double rel_error(const std::vector<double>& c, const std::vector<double>& ref, const std::vector<double>& a,
                 const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < c.size(); ++i) s += (c[i] - ref[i]) * (c[i] - ref[i]);
  return std::sqrt(s) / (frob(a) * frob(b));
}

template <class F>
double median_seconds(int repeats, F&& f) {
  std::vector<double> t;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    f();
    t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

void row(const char* size, const char* path, double err, double t_lai, double t_blas) {
  std::printf("%-10s %-44s %10.2e %12.3g %12.3g %8.2fx\n", size, path, err, t_lai, t_blas, t_blas / t_lai);
}

bool check(lai_status st) {
  if (st != LAI_SUCCESS) std::printf("lai_dgemm failed: %s: %s\n", lai_status_string(st), lai_last_error());
  return st == LAI_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  print_schemes(argc, argv);

  std::mt19937_64 rng(2026);
  std::printf("\nlai_dgemm against OpenBLAS cblas_dgemm (random entries in [-1,1], row-major, alpha=1, beta=0)\n");
  std::printf("scheme in use: %s; times are medians, ratio = OpenBLAS time / lapack-ai time\n", lai_get_scheme());
  std::printf("%-10s %-44s %10s %12s %12s %9s\n", "size", "path", "rel.err", "lai [s]", "OpenBLAS [s]", "ratio");

  {  // 4x4: one call is ~tens of ns, so time a loop of calls over many operands.
    const int count = 1 << 16, loops = 16;
    const auto a = random_matrix(16 * count, rng), b = random_matrix(16 * count, rng);
    std::vector<double> c(16 * count), ref(16 * count);
    bool ok = true;
    const double t_lai = median_seconds(5, [&] {
      for (int l = 0; l < loops; ++l)
        for (int i = 0; i < count; ++i)
          ok &= check(lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0, &a[16 * i], 4, &b[16 * i], 4,
                                0.0, &c[16 * i], 4));
    });
    const double t_blas = median_seconds(5, [&] {
      for (int l = 0; l < loops; ++l)
        for (int i = 0; i < count; ++i)
          cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 4, 4, 4, 1.0, &a[16 * i], 4, &b[16 * i], 4, 0.0,
                      &ref[16 * i], 4);
    });
    if (!ok) return 1;
    double err = 0;
    for (int i = 0; i < count; ++i) {
      const std::vector<double> ci(c.begin() + 16 * i, c.begin() + 16 * i + 16),
          ri(ref.begin() + 16 * i, ref.begin() + 16 * i + 16), ai(a.begin() + 16 * i, a.begin() + 16 * i + 16),
          bi(b.begin() + 16 * i, b.begin() + 16 * i + 16);
      err = std::max(err, rel_error(ci, ri, ai, bi));
    }
    const double calls = double(count) * loops;
    std::printf("%-10s %-44s %10.2e %9.1f ns %9.1f ns %8.2fx\n", "4x4", "generated straight-line kernel (per call)",
                err, 1e9 * t_lai / calls, 1e9 * t_blas / calls, t_blas / t_lai);
  }

  {
    const int n = 2048;
    const auto a = random_matrix(std::size_t(n) * n, rng), b = random_matrix(std::size_t(n) * n, rng);
    std::vector<double> c(std::size_t(n) * n), ref(std::size_t(n) * n);
    auto lai = [&] { check(lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0, c.data(), n)); };
    auto blas = [&] { cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0, ref.data(), n); };
    blas();
    lai();  // warm-up: first-touch of C, workspace allocation
    const int threshold = lai_get_block_threshold();
    double t_lai = median_seconds(3, lai), t_blas = median_seconds(3, blas);
    row("n=2048", "default dispatch (the tuning table's choice)", rel_error(c, ref, a, b), t_lai, t_blas);
    lai_set_block_threshold(n);  // force one level of the scheme on OpenBLAS leaves
    lai();
    t_lai = median_seconds(3, lai);
    t_blas = median_seconds(3, blas);
    const std::string forced = std::string("one level of ") + lai_get_scheme() + " on cblas leaves";
    row("n=2048", forced.c_str(), rel_error(c, ref, a, b), t_lai, t_blas);
    lai_set_block_threshold(threshold);
  }
  std::printf("\ntuning table: %s\n", lai_tuning_info());
  std::printf("OpenCL device for lai_dgemm_batched4x4: %s\n",
              lai_opencl_device_name() ? lai_opencl_device_name() : "none");
  return 0;
}
