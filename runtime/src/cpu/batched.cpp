#include "cpu/batched.h"

#include <algorithm>
#include <system_error>
#include <thread>
#include <vector>

#include "cpu/kernel_select.h"

namespace lai::cpu {

namespace {

// Below this many products a thread start (tens of microseconds) costs more
// than the work it would take over (a product is a few nanoseconds).
constexpr std::size_t kMinPerThread = std::size_t{1} << 15;

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
void run_range(typename Kernels<T>::K4x4 kernel, const T* A, const T* B, T* C, std::size_t begin,
               std::size_t end) noexcept {
  for (std::size_t i = begin; i < end; ++i) {
    const T* a = A + 16 * i;
    const T* b = B + 16 * i;
    T* c = C + 16 * i;
    if (kernel != nullptr) {
      kernel(T(1), a, 4, 1, b, 4, 1, T(0), c, 4, 1);
    } else {
      plain4x4(a, b, c);
    }
  }
}

}  // namespace

template <class T>
void batched4x4(const lai_scheme_kernels& s, const T* A, const T* B, T* C, std::size_t count) {
  const bool fits = s.m == 4 && s.k == 4 && s.n == 4;
  const auto kernel = fits ? Kernels<T>::fixed_beta0(s) : nullptr;

  const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t parts = std::min(hw, std::max<std::size_t>(1, count / kMinPerThread));
  if (parts <= 1) {
    run_range<T>(kernel, A, B, C, 0, count);
    return;
  }
  const std::size_t per = (count + parts - 1) / parts;
  std::vector<std::thread> workers;
  workers.reserve(parts - 1);
  // Workers take the leading parts, the caller's thread the rest; a thread
  // that cannot be started leaves its part to the caller too, so the result
  // never depends on how many threads ran.
  std::size_t begin = 0;
  for (std::size_t p = 0; p + 1 < parts; ++p) {
    try {
      workers.emplace_back(run_range<T>, kernel, A, B, C, begin, begin + per);
    } catch (const std::system_error&) {
      break;
    }
    begin += per;
  }
  run_range<T>(kernel, A, B, C, begin, count);
  for (auto& w : workers) w.join();
}

template void batched4x4<double>(const lai_scheme_kernels&, const double*, const double*, double*, std::size_t);
template void batched4x4<float>(const lai_scheme_kernels&, const float*, const float*, float*, std::size_t);

}  // namespace lai::cpu
