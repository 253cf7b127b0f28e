// Scratch memory for the block kernels: one buffer per thread, grown on
// demand and kept for the thread's lifetime, so repeated large GEMMs do not
// pay for allocation and concurrent callers never share scratch space.
#pragma once

#include <cstddef>

namespace lai::cpu {

// At least `bytes` bytes, 64-byte aligned, valid until the next call on this
// thread. Throws lai::Error(LAI_ERROR_OUT_OF_MEMORY) when allocation fails.
void* thread_workspace(std::size_t bytes);

}  // namespace lai::cpu
