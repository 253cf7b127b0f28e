// Process-wide settings that steer dispatch. Stored in atomics so a setter on
// one thread and GEMM calls on others need no lock; each GEMM reads each
// setting once, so a call never mixes two configurations.
#pragma once

#include <atomic>

#include "cpu/kernel_registry.h"

namespace lai::config {

// Block threshold: min(m,n,k) from which the block kernel is used. The first
// access of either function applies LAI_BLOCK_THRESHOLD from the environment.
int block_threshold() noexcept;
void set_block_threshold(int n) noexcept;  // n >= 1, checked by the caller
// Whether the threshold was set (LAI_BLOCK_THRESHOLD or the setter): then it
// decides between the scheme's block kernel and OpenBLAS; otherwise the
// tuning table (dispatch/tuning.h) decides.
bool block_threshold_explicit() noexcept;

// Index into the registry of the scheme in use. The first access applies
// LAI_SCHEME from the environment.
int scheme_index() noexcept;
// explicit_choice: lai_set_scheme(name) or LAI_SCHEME (true) rather than the
// build's default (false); it decides single_call_scheme().
void set_scheme_index(int i, bool explicit_choice) noexcept;  // valid index, checked by the caller

// The registry entry whose straight-line kernels run single GEMM calls of its
// shape (policy in docs/architecture.md, "Single 4x4 calls"): with an explicit
// scheme choice that scheme; otherwise the fastest one generated for the
// default scheme's shape, i.e. the classical scheme (m*k*n FMAs beat 49
// products plus ~200 additions for one small product) when it was built,
// else the default scheme. Read on every 4x4 call, so it is one relaxed
// load; the entry itself is immutable registry data.
extern std::atomic<const lai_scheme_kernels*> g_single_call_scheme;
const lai_scheme_kernels* single_call_scheme_slow() noexcept;
inline const lai_scheme_kernels* single_call_scheme() noexcept {
  const lai_scheme_kernels* s = g_single_call_scheme.load(std::memory_order_relaxed);
  return s != nullptr ? s : single_call_scheme_slow();
}

}  // namespace lai::config
