// A pool of device buffers, so repeated GEMM calls reuse allocations instead
// of paying clCreateBuffer (and the driver's first-touch cost) every time.
#pragma once

#include <cstddef>

#include "opencl/cl_api.h"
#include "opencl/runtime.h"

namespace lai::ocl {

class PooledBuffer {
 public:
  PooledBuffer() = default;
  PooledBuffer(cl_mem m, std::size_t bytes) : mem_(m), bytes_(bytes) {}
  PooledBuffer(const PooledBuffer&) = delete;
  PooledBuffer& operator=(const PooledBuffer&) = delete;
  PooledBuffer(PooledBuffer&& o) noexcept : mem_(o.mem_), bytes_(o.bytes_) { o.mem_ = nullptr; }
  PooledBuffer& operator=(PooledBuffer&& o) noexcept;
  ~PooledBuffer();  // returns the buffer to the pool
  cl_mem get() const noexcept { return mem_; }
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  cl_mem mem_ = nullptr;
  std::size_t bytes_ = 0;
};

// A buffer of at least `bytes` (a free one of up to twice the size is reused).
// When the device is out of memory the pool frees what it keeps and tries
// once more; then throws lai::Error(LAI_ERROR_OUT_OF_MEMORY).
PooledBuffer acquire_buffer(const Runtime& rt, std::size_t bytes);
// Releases every free buffer the pool keeps (after an error, or on demand).
void trim_pool() noexcept;
std::size_t pool_bytes_kept() noexcept;

}  // namespace lai::ocl
