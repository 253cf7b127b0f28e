// The straight-line path: a call whose m, k, n equal the scheme's shape runs
// the scheme's generated kernel directly (no BLAS call overhead).
#pragma once

#include "cpu/gemm_call.h"
#include "cpu/registry.h"

namespace lai::cpu {

// True when scheme `s` has a straight-line kernel of type T for this call.
template <class T>
bool fixed_applies(const lai_scheme_kernels& s, const GemmCall<T>& c) noexcept;

// Runs it; only valid when fixed_applies() and alpha != 0, k > 0.
template <class T>
void gemm_fixed(const lai_scheme_kernels& s, const GemmCall<T>& c) noexcept;

}  // namespace lai::cpu
