// The block path: one level of the scheme over sub-matrices, the products of
// sub-matrices done by BLAS (the generated block kernel).
#pragma once

#include "cpu/gemm_call.h"
#include "cpu/registry.h"

namespace lai::cpu {

template <class T>
bool block_available(const lai_scheme_kernels& s) noexcept;

// Runs the block kernel; only valid when block_available(), alpha != 0 and
// k > 0. Throws lai::Error on workspace allocation failure (C untouched).
template <class T>
void gemm_block(const lai_scheme_kernels& s, const GemmCall<T>& c);

}  // namespace lai::cpu
