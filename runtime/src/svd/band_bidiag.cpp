// Upper band -> upper bidiagonal by Householder bulge chasing, values only
// (band_bidiag.h says what and why; the indices are derived there).
#include "svd/band_bidiag.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <system_error>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

extern "C" {
void dlarfg_(const int* n, double* alpha, double* x, const int* incx, double* tau);
void slarfg_(const int* n, float* alpha, float* x, const int* incx, float* tau);
}

namespace lai::svd {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

void lapack_larfg(int n, double* alpha, double* x, int inc, double* tau) { dlarfg_(&n, alpha, x, &inc, tau); }
void lapack_larfg(int n, float* alpha, float* x, int inc, float* tau) { slarfg_(&n, alpha, x, &inc, tau); }

// LAPACK ?larfg's reflector: H (alpha; x) = (beta; 0), H = I - tau (1; v)(1; v)^T,
// v left in x. The sum of squares in T where it can neither overflow nor lose
// digits to underflow (about a million of these per 4096 chase; ?larfg's
// ?nrm2 + ?lapy2 calls cost more than the arithmetic); LAPACK's own routine,
// which rescales, otherwise (huge or tiny columns, NaN).
template <class T>
T larfg(int len, T& alpha, T* x, int inc) {
  if (len <= 1) return T(0);
  T ssq = 0;
  for (int j = 0; j < len - 1; ++j) ssq += x[j * inc] * x[j * inc];
  const T total = alpha * alpha + ssq;
  constexpr T lo = std::numeric_limits<T>::min() / std::numeric_limits<T>::epsilon();
  if (!(ssq >= lo) || !std::isfinite(total)) {
    // Tiny squares may have underflowed to 0: only an exactly zero x is H = I.
    bool zero = true;
    for (int j = 0; j < len - 1 && zero; ++j) zero = x[j * inc] == T(0);
    if (zero) return T(0);  // ?larfg: xnorm = 0 gives H = I
    T tau = 0;
    lapack_larfg(len, &alpha, x, inc, &tau);
    return tau;
  }
  const T beta = -std::copysign(std::sqrt(total), alpha);
  const T tau = (beta - alpha) / beta;
  const T scale = T(1) / (alpha - beta);
  for (int j = 0; j < len - 1; ++j) x[j * inc] *= scale;
  alpha = beta;
  return tau;
}

// The working matrix: element (r, c) at w[r + c * L], where w points KU = 2b-1
// entries into a column-major band array of ld L + 1 (rows c - 2b + 1 ..
// c + b - 1 of column c; band_bidiag.h says why that is enough).
template <class T>
struct Work {
  int n, b, L;
  std::vector<T> store;
  T* w;
  T& at(int r, int c) { return w[r + static_cast<std::ptrdiff_t>(c) * L]; }
};

// Sweep s, step k (band_bidiag.h): v is the caller's scratch of b entries.
template <class T>
void chase_step(Work<T>& W, int s, int k, T* v, T* acc) {
  const int n = W.n, b = W.b, L = W.L;
  const int c = s + 1 + k * b;
  const int len = std::min(b, n - c);
  const int r = k == 0 ? s : c - b;

  // Right reflector from row r over columns [c, c + len): zeroes A(r, c+1 ..).
  {
    T* row = &W.at(r, c);
    T alpha = row[0];
    const T tau = larfg(len, alpha, row + L, L);
    row[0] = alpha;
    v[0] = 1;
    for (int j = 1; j < len; ++j) {
      v[j] = row[j * L];
      row[j * L] = 0;
    }
    const int r0 = r + 1, r1 = c + len - 1;  // rows with entries in those columns
    if (tau != T(0) && r1 >= r0) {
      const int m = r1 - r0 + 1;
      T* a = &W.at(r0, c);
      for (int i = 0; i < m; ++i) acc[i] = a[i];
      for (int j = 1; j < len; ++j) {
        const T vj = v[j];
        const T* aj = a + static_cast<std::ptrdiff_t>(j) * L;
        for (int i = 0; i < m; ++i) acc[i] += aj[i] * vj;
      }
      for (int j = 0; j < len; ++j) {
        const T tv = tau * v[j];
        T* aj = a + static_cast<std::ptrdiff_t>(j) * L;
        for (int i = 0; i < m; ++i) aj[i] -= acc[i] * tv;
      }
    }
  }

  // Left reflector from column c over rows [c, c + len): zeroes A(c+1 .., c).
  {
    T* col = &W.at(c, c);
    T alpha = col[0];
    const T tau = larfg(len, alpha, col + 1, 1);
    col[0] = alpha;
    v[0] = 1;
    for (int i = 1; i < len; ++i) {
      v[i] = col[i];
      col[i] = 0;
    }
    const int c1 = std::min(c + 2 * b - 1, n - 1);  // columns with entries in those rows
    if (tau != T(0)) {
      for (int j = c + 1; j <= c1; ++j) {
        T* a = &W.at(c, j);
        T sum = a[0];
        for (int i = 1; i < len; ++i) sum += a[i] * v[i];
        sum *= tau;
        a[0] -= sum;
        for (int i = 1; i < len; ++i) a[i] -= sum * v[i];
      }
    }
  }
}

template <class T>
int chase(int n, int b, const T* ab, int ldab, T* d, T* e, int threads, int group) {
  if (n < 0) return -1;
  if (b < 0) return -2;
  if (n > 0 && ab == nullptr) return -3;
  if (ldab < b + 1) return -4;
  if (n > 0 && d == nullptr) return -5;
  if (n > 1 && e == nullptr) return -6;
  if (group < 1) return -8;
  if (n == 0) return 0;

  const int bw = std::min(b, n - 1);  // columns beyond the matrix hold nothing
  auto in = [&](int r, int c) { return ab[(b + r - c) + static_cast<std::ptrdiff_t>(c) * ldab]; };
  if (bw <= 1) {  // already bidiagonal (or diagonal)
    for (int i = 0; i < n; ++i) d[i] = in(i, i);
    for (int i = 0; i + 1 < n; ++i) e[i] = bw == 1 ? in(i, i + 1) : T(0);
    return 0;
  }

  Work<T> W{n, bw, 3 * bw - 2, {}, nullptr};
  const int ku = 2 * bw - 1;
  W.store.assign(static_cast<std::size_t>(W.L + 1) * static_cast<std::size_t>(n), T(0));
  W.w = W.store.data() + ku;
  for (int c = 0; c < n; ++c)
    for (int r = std::max(0, c - bw); r <= c; ++r) W.at(r, c) = in(r, c);

  // Sweeps with work: those whose first column c = s + 1 leaves a reflector
  // of length >= 2 (c <= n - 2); sweep s has steps k with s + 1 + k b <= n - 2.
  const int sweeps = n - 2;
  auto steps = [&](int s) { return (n - 3 - s) / bw + 1; };

  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min(threads, sweeps);

  if (threads <= 1) {
    std::vector<T> v(static_cast<std::size_t>(bw)), acc(static_cast<std::size_t>(2 * bw));
    for (int s = 0; s < sweeps; ++s)
      for (int k = 0, ns = steps(s); k < ns; ++k) chase_step(W, s, k, v.data(), acc.data());
  } else {
    // done[s]: steps of sweep s finished. Groups of `group` consecutive
    // sweeps are taken in order from a shared counter, so the sweep one
    // waits on is always running or done, and a thread that cannot be
    // started only means fewer workers. Inside a group the sweeps advance as
    // a wavefront (sweep g of the group at step tau - 3 g), which meets the
    // same dependence in program order and keeps the blocks the group's
    // sweeps share in this core's cache.
    std::vector<std::atomic<int>> done(static_cast<std::size_t>(sweeps));
    std::atomic<int> next{0};
    auto worker = [&] {
      std::vector<T> v(static_cast<std::size_t>(bw)), acc(static_cast<std::size_t>(2 * bw));
      for (;;) {
        const int s0 = next.fetch_add(group, std::memory_order_relaxed);
        if (s0 >= sweeps) return;
        const int g_end = std::min(group, sweeps - s0);
        const int first_steps = steps(s0);
        const int prev_ns = s0 > 0 ? steps(s0 - 1) : 0;
        for (int tau = 0; tau < first_steps + 3 * (g_end - 1); ++tau) {
          for (int g = 0; g < g_end; ++g) {
            const int s = s0 + g, k = tau - 3 * g;
            if (k < 0 || k >= steps(s)) continue;
            if (g == 0 && s > 0) {
              const int need = std::min(k + 3, prev_ns);
              int spins = 0;
              while (done[static_cast<std::size_t>(s - 1)].load(std::memory_order_acquire) < need) {
                // More threads than free cores must not starve the one being waited on.
                if (++spins < 256) cpu_relax();
                else std::this_thread::yield();
              }
            }
            chase_step(W, s, k, v.data(), acc.data());
            done[static_cast<std::size_t>(s)].store(k + 1, std::memory_order_release);
          }
        }
      }
    };
    std::vector<std::thread> pool;
    try {
      for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    } catch (const std::system_error&) {
      // fewer threads to be had: the ones started and this one share the sweeps
    }
    worker();
    for (std::thread& th : pool) th.join();
  }

  for (int i = 0; i < n; ++i) d[i] = W.at(i, i);
  for (int i = 0; i + 1 < n; ++i) e[i] = W.at(i, i + 1);
  return 0;
}

}  // namespace

int band_to_bidiagonal(int n, int b, const double* ab, int ldab, double* d, double* e, int threads, int group) {
  return chase(n, b, ab, ldab, d, e, threads, group);
}
int band_to_bidiagonal(int n, int b, const float* ab, int ldab, float* d, float* e, int threads, int group) {
  return chase(n, b, ab, ldab, d, e, threads, group);
}

double band_to_bidiagonal_flops(int n, int b) {
  const double bw = std::min(b, std::max(n - 1, 0));
  return 16.0 * bw * static_cast<double>(n) * static_cast<double>(n);
}

}  // namespace lai::svd
