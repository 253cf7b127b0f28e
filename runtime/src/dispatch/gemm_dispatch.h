// Chooses how a validated GEMM is computed: quick return, the scheme's
// straight-line kernel, its block kernel, or OpenBLAS.
#pragma once

#include "cpu/gemm_call.h"

namespace lai {

// The path a GEMM took; kept per thread for tests and (later) monitoring.
enum class GemmPath { None, Quick, Fixed, Block, Tuned, Blas };

template <class T>
void dispatch_gemm(const GemmCall<T>& c);

GemmPath last_gemm_path() noexcept;
void reset_gemm_path() noexcept;  // for the tests: see lai_internal_reset_gemm_path

}  // namespace lai
