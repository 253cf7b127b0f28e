// Batches of 4x4 products on the CPU.
#pragma once

#include <cstddef>

#include "cpu/registry.h"

namespace lai::cpu {

// C_i = A_i * B_i for i < count, 16 contiguous row-major values each. Uses
// the scheme's straight-line kernel when its shape is 4x4x4 (the unit-stride
// _rowmajor one when generated), a plain loop otherwise; large batches are
// split over the hardware threads, and C is written with non-temporal stores
// when it is larger than the caches.
template <class T>
void batched4x4(const lai_scheme_kernels& s, const T* A, const T* B, T* C, std::size_t count);

}  // namespace lai::cpu
