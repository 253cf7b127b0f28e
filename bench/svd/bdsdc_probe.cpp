// Where the host bidiagonal SVD of the GPU path (?bdsdc with vectors) spends
// its time on a machine: LAPACK dbdsdc on a random upper bidiagonal of order
// n, timed with the arrays allocated as gesvd_opencl did before session 5
// (std::vector, zero-filled, leading dimension n) and as it does now
// (svd/host_array.h: uninitialised, huge-page advised, padded leading
// dimension), each with the allocation and LAPACK timed apart.
//   bdsdc_probe N [REPS] [gauss|uniform]
// gauss (default): the bidiagonal that Golub-Kahan leaves of an N x N
// Gaussian matrix (d_i ~ chi_(N-i+1), e_i ~ chi_(N-i), Silverstein), i.e. what
// the GPU path hands dbdsdc in the benchmark; uniform: d, e uniform in
// [0.5, 1.5) and [0, 1) (deflates far more: dbdsdc is 2-3x faster on it).
// Built by bench/svd/CMakeLists.txt; prints one line per variant and rep.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "svd/host_array.h"

extern "C" void dbdsdc_(const char*, const char*, const int*, double*, double*, double*, const int*, double*,
                        const int*, double*, int*, double*, int*, int*);

namespace {
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bdsdc_probe N [REPS]\n");
    return 2;
  }
  const int n = std::atoi(argv[1]), reps = argc > 2 ? std::atoi(argv[2]) : 2;
  const std::string kind = argc > 3 ? argv[3] : "gauss";
  if (n < 1 || (kind != "gauss" && kind != "uniform")) {
    std::fprintf(stderr, "bdsdc_probe: N must be >= 1 (is %s), the kind gauss or uniform (is %s)\n", argv[1],
                 kind.c_str());
    return 2;
  }
  std::string thp = "?";
  {
    std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
    std::getline(f, thp);
  }
  const char* nt = std::getenv("OPENBLAS_NUM_THREADS");
  std::printf("bdsdc_probe n=%d %s THP '%s' OPENBLAS_NUM_THREADS=%s\n", n, kind.c_str(), thp.c_str(),
              nt ? nt : "(unset)");
  std::mt19937_64 g(1);
  std::uniform_real_distribution<double> u(0.5, 1.5);
  std::vector<double> d0(n), e0(n, 0.0);
  for (int i = 0; i < n; ++i) {
    if (kind == "uniform") {
      d0[i] = u(g);
      e0[i] = u(g) - 0.5;
    } else {
      d0[i] = std::sqrt(std::chi_squared_distribution<double>(n - i)(g));
      if (i + 1 < n) e0[i] = std::sqrt(std::chi_squared_distribution<double>(n - i - 1)(g));
    }
  }
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  for (int r = 0; r < reps; ++r) {
    for (int variant = 0; variant < 2; ++variant) {
      std::vector<double> d = d0, e = e0;
      double q = 0;
      int iq = 0, info = 0;
      const double t0 = now();
      double t1, t2;
      if (variant == 0) {
        std::vector<double> U(nn, 0.0), VT(nn, 0.0), work(3 * nn + 4 * static_cast<std::size_t>(n));
        std::vector<int> iwork(8 * static_cast<std::size_t>(n));
        t1 = now();
        dbdsdc_("U", "I", &n, d.data(), e.data(), U.data(), &n, VT.data(), &n, &q, &iq, work.data(), iwork.data(),
                &info);
        t2 = now();
      } else {
        const int ld = lai::svd::padded_ld(n);
        const std::size_t nb = static_cast<std::size_t>(ld) * n;
        lai::svd::HostArray<double> U(nb), VT(nb), work(3 * nn + 4 * static_cast<std::size_t>(n));
        lai::svd::HostArray<int> iwork(8 * static_cast<std::size_t>(n));
        t1 = now();
        dbdsdc_("U", "I", &n, d.data(), e.data(), U.data(), &ld, VT.data(), &ld, &q, &iq, work.data(), iwork.data(),
                &info);
        t2 = now();
      }
      std::printf("  %-34s alloc %.4f s  dbdsdc %.4f s  total %.4f s  info %d\n",
                  variant == 0 ? "vector, zero-filled, ld n" : "HostArray, huge pages, padded ld", t1 - t0, t2 - t1,
                  now() - t0, info);
    }
  }
  return 0;
}
