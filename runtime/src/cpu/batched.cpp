#include "cpu/batched.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__SSE2__)
#include <emmintrin.h>
#define LAI_HAVE_STREAM_STORES 1
#endif

#include "cpu/kernel_select.h"

namespace lai::cpu {

namespace {

// Below this many products a thread start (tens of microseconds) costs more
// than the work it would take over (a product is a few nanoseconds).
constexpr std::size_t kMinPerThread = std::size_t{1} << 15;

// From this many bytes of C on, C is written with non-temporal stores: a
// batch that does not stay in the caches anyway then moves 384 B per f64
// product (A, B read, C written) instead of 512 (C's lines are read for
// ownership before being overwritten). Below it, ordinary stores leave C in
// the cache for the caller. The L3 of the development machine is 32 MiB.
constexpr std::size_t kStreamMinBytes = std::size_t{16} << 20;

// Threads take parts that are multiples of this many products, so two
// threads never write the same 64-byte line of C (when C is 64-byte aligned).
constexpr std::size_t kPartGranule = 8;

template <class T>
void plain4x4(const T* a, const T* b, T* c) noexcept {
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      T sum = 0;
      for (int p = 0; p < 4; ++p) sum += a[4 * i + p] * b[4 * p + j];
      c[4 * i + j] = sum;
    }
  }
}

template <class T>
struct BatchKernels {
  typename Kernels<T>::K4x4Row row = nullptr;  // preferred: vectorized along rows
  typename Kernels<T>::K4x4 strided = nullptr;
};

template <class T>
void product(const BatchKernels<T>& k, const T* a, const T* b, T* c) noexcept {
  if (k.row != nullptr) {
    k.row(T(1), a, 4, b, 4, T(0), c, 4);
  } else if (k.strided != nullptr) {
    k.strided(T(1), a, 4, 1, b, 4, 1, T(0), c, 4, 1);
  } else {
    plain4x4(a, b, c);
  }
}

#ifdef LAI_HAVE_STREAM_STORES
// 16 values from the L1-resident `from` to `to` (16-byte aligned) with
// non-temporal stores.
inline void stream16(double* to, const double* from) noexcept {
  for (int i = 0; i < 16; i += 2) _mm_stream_pd(to + i, _mm_load_pd(from + i));
}
inline void stream16(float* to, const float* from) noexcept {
  for (int i = 0; i < 16; i += 4) _mm_stream_ps(to + i, _mm_load_ps(from + i));
}
#endif

template <class T>
void run_range(BatchKernels<T> k, const T* A, const T* B, T* C, std::size_t begin, std::size_t end,
               bool stream) noexcept {
#ifdef LAI_HAVE_STREAM_STORES
  if (stream) {
    // The kernel writes into a buffer in L1, the buffer goes to C bypassing
    // the caches. sfence: the stores must be visible before the thread joins.
    alignas(64) T tmp[16];
    for (std::size_t i = begin; i < end; ++i) {
      product(k, A + 16 * i, B + 16 * i, tmp);
      stream16(C + 16 * i, tmp);
    }
    _mm_sfence();
    return;
  }
#else
  (void)stream;
#endif
  for (std::size_t i = begin; i < end; ++i) product(k, A + 16 * i, B + 16 * i, C + 16 * i);
}

}  // namespace

template <class T>
void batched4x4(const lai_scheme_kernels& s, const T* A, const T* B, T* C, std::size_t count) {
  BatchKernels<T> k;
  if (s.m == 4 && s.k == 4 && s.n == 4) {
    k.row = Kernels<T>::fixed_row_beta0(s);
    k.strided = Kernels<T>::fixed_beta0(s);
  }
  const std::size_t bytes_c = 16 * sizeof(T) * count;
  const bool stream = bytes_c >= kStreamMinBytes && reinterpret_cast<std::uintptr_t>(C) % 16 == 0;

  const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t parts = std::min(hw, std::max<std::size_t>(1, count / kMinPerThread));
  if (parts <= 1) {
    run_range<T>(k, A, B, C, 0, count, stream);
    return;
  }
  const std::size_t per = ((count + parts - 1) / parts + kPartGranule - 1) / kPartGranule * kPartGranule;
  std::vector<std::thread> workers;
  workers.reserve(parts - 1);
  // Workers take the leading parts, the caller's thread the rest; a thread
  // that cannot be started leaves its part to the caller too, so the result
  // never depends on how many threads ran.
  std::size_t begin = 0;
  for (std::size_t p = 0; p + 1 < parts && begin + per < count; ++p) {
    try {
      workers.emplace_back(run_range<T>, k, A, B, C, begin, begin + per, stream);
    } catch (const std::system_error&) {
      break;
    }
    begin += per;
  }
  run_range<T>(k, A, B, C, begin, count, stream);
  for (auto& w : workers) w.join();
}

template void batched4x4<double>(const lai_scheme_kernels&, const double*, const double*, double*, std::size_t);
template void batched4x4<float>(const lai_scheme_kernels&, const float*, const float*, float*, std::size_t);

}  // namespace lai::cpu
