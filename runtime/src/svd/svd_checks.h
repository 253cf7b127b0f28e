// Checks shared by the SVD entry points: NaN/Inf scans that name the first
// offending element, and the LAI_BACKEND environment variable.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "diagnostics/error.h"
#include "lapack_ai/lapack_ai.h"

namespace lai::svd {

// Columns [j0, j1): max |A(i,j)| over them, and the first non-finite
// element in column order (bad_j = -1 when none).
template <class T>
struct ColumnScan {
  T max_abs = 0;
  int bad_i = -1, bad_j = -1;
};

template <class T>
ColumnScan<T> scan_columns(int m, int j0, int j1, const T* A, int lda) {
  ColumnScan<T> r;
  constexpr T big = std::numeric_limits<T>::max();
  for (int j = j0; j < j1; ++j) {
    const T* col = A + static_cast<std::ptrdiff_t>(j) * lda;
    // Four independent max chains: one compare-select chain per element was
    // the scan's time (2 ms per 2M elements per thread on the H200 host).
    T m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    bool f0 = true, f1 = true, f2 = true, f3 = true;
    int i = 0;
    for (; i + 4 <= m; i += 4) {  // no early exit in the common, finite case
      const T a0 = std::fabs(col[i]), a1 = std::fabs(col[i + 1]), a2 = std::fabs(col[i + 2]),
              a3 = std::fabs(col[i + 3]);
      f0 &= a0 <= big;  // false for Inf and NaN
      f1 &= a1 <= big;
      f2 &= a2 <= big;
      f3 &= a3 <= big;
      m0 = a0 > m0 ? a0 : m0;
      m1 = a1 > m1 ? a1 : m1;
      m2 = a2 > m2 ? a2 : m2;
      m3 = a3 > m3 ? a3 : m3;
    }
    for (; i < m; ++i) {
      const T a = std::fabs(col[i]);
      f0 &= a <= big;
      m0 = a > m0 ? a : m0;
    }
    const bool finite = f0 && f1 && f2 && f3;
    const T mx = std::max(std::max(m0, m1), std::max(m2, m3));
    if (!finite) {
      for (int b = 0; b < m; ++b) {
        if (!std::isfinite(col[b])) {
          r.bad_i = b;
          r.bad_j = j;
          return r;
        }
      }
    }
    r.max_abs = std::max(r.max_abs, mx);
  }
  return r;
}

// The error for the first non-finite element of A, A(i, j) = v.
template <class T>
[[noreturn]] void fail_not_finite(const std::string& which, int i, int j, T v) {
  fail(LAI_ERROR_NOT_FINITE,
       which + "A(" + std::to_string(i) + "," + std::to_string(j) + ") = " +
           (std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf")) +
           " (row, column from 0); an SVD of a matrix with NaN or Inf has no meaning: find where the value "
           "came from, or replace it before the call; nothing was written");
}

// Returns max |A(i,j)| of the column-major m x n matrix, or throws
// LAI_ERROR_NOT_FINITE naming its first non-finite A(i,j) (column order,
// counted from 0); `which` prefixes the sentence (e.g. "matrix 3 of the
// batch: "). One pass over A; from 2^22 elements the columns are split over
// up to 8 threads. (The GPU path used to read A twice on the host before its
// upload, this scan and one for the norm: one threaded pass instead took a
// 4096^2 f64 values-only SVD from 0.248 to 0.216 s, bench/svd run 13.)
template <class T>
T scan_finite(int m, int n, const T* A, int lda, const std::string& which) {
  ColumnScan<T> total;
  const long long elems = static_cast<long long>(m) * n;
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const int parts = elems >= (1LL << 22) ? static_cast<int>(std::min<unsigned>({8u, hw, static_cast<unsigned>(n)})) : 1;
  if (parts <= 1) {
    total = scan_columns(m, 0, n, A, lda);
  } else {
    std::vector<ColumnScan<T>> r(static_cast<std::size_t>(parts));
    std::vector<std::thread> team;
    auto part = [&](int p) {
      r[static_cast<std::size_t>(p)] = scan_columns(m, static_cast<int>(static_cast<long long>(n) * p / parts),
                                                    static_cast<int>(static_cast<long long>(n) * (p + 1) / parts), A, lda);
    };
    int started = 1;
    try {
      for (; started < parts; ++started) team.emplace_back(part, started);
    } catch (const std::system_error&) {
      // fewer threads to be had: this thread scans the parts not handed out
    }
    part(0);
    for (int p = started; p < parts; ++p) part(p);
    for (std::thread& t : team) t.join();
    for (const ColumnScan<T>& q : r) {  // parts in column order: the first bad one is the first
      if (q.bad_j >= 0) {
        total.bad_i = q.bad_i;
        total.bad_j = q.bad_j;
        break;
      }
      total.max_abs = std::max(total.max_abs, q.max_abs);
    }
  }
  if (total.bad_j >= 0) fail_not_finite(which, total.bad_i, total.bad_j, A[total.bad_i + static_cast<std::ptrdiff_t>(total.bad_j) * lda]);
  return total.max_abs;
}

template <class T>
void require_finite(int m, int n, const T* A, int lda, const std::string& which) {
  (void)scan_finite(m, n, A, lda, which);
}

// The backend an SVD call uses: the per-call choice unless AUTO, then
// LAI_BACKEND (cpu|gpu|auto, case-insensitive; read at every call). Throws
// LAI_ERROR_INVALID_ARGUMENT for another value of LAI_BACKEND.
lai_backend resolve_backend(lai_backend per_call);

}  // namespace lai::svd
