// Process-wide settings that steer dispatch. Stored in atomics so a setter on
// one thread and GEMM calls on others need no lock; each GEMM reads each
// setting once, so a call never mixes two configurations.
#pragma once

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
void set_scheme_index(int i) noexcept;  // valid index, checked by the caller

}  // namespace lai::config
