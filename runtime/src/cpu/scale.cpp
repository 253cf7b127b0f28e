#include "cpu/scale.h"

#include <cstddef>

namespace lai::cpu {

template <class T>
void scale_c(const GemmCall<T>& c) noexcept {
  if (c.beta == T(1)) return;
  // Walk C along its contiguous dimension.
  const int outer = c.row_major ? c.m : c.n;
  const int inner = c.row_major ? c.n : c.m;
  for (int i = 0; i < outer; ++i) {
    T* line = c.C + static_cast<std::ptrdiff_t>(i) * c.ldc;
    if (c.beta == T(0)) {
      for (int j = 0; j < inner; ++j) line[j] = T(0);
    } else {
      for (int j = 0; j < inner; ++j) line[j] *= c.beta;
    }
  }
}

template void scale_c<double>(const GemmCall<double>&) noexcept;
template void scale_c<float>(const GemmCall<float>&) noexcept;

}  // namespace lai::cpu
