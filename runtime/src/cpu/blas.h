// The OpenBLAS path for every shape the generated kernels do not cover.
#pragma once

#include "cpu/gemm_call.h"

namespace lai::cpu {

template <class T>
void gemm_blas(const GemmCall<T>& c) noexcept;

}  // namespace lai::cpu
