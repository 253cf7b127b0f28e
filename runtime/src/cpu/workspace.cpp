#include "cpu/workspace.h"

#include <sys/mman.h>

#include <cstdlib>
#include <string>

#include "diagnostics/error.h"

namespace lai::cpu {

namespace {

// Cache-line alignment keeps the kernels' vector loads on the block
// sub-matrices aligned when block sizes are multiples of 8 elements; large
// buffers are aligned to 2 MiB and offered to the kernel as transparent huge
// pages (madvise MADV_HUGEPAGE; ignored where the OS has none), so the block
// engine's temporaries cost few TLB misses and, being reused, no page faults
// after the first call.
constexpr std::size_t kAlignment = 64;
constexpr std::size_t kHugeAlignment = std::size_t{2} << 20;
constexpr std::size_t kHugeFrom = std::size_t{4} << 20;

void* allocate(std::size_t bytes) {
  const std::size_t align = bytes >= kHugeFrom ? kHugeAlignment : kAlignment;
  const std::size_t rounded = (bytes + align - 1) / align * align;
  void* p = std::aligned_alloc(align, rounded == 0 ? align : rounded);
#ifdef MADV_HUGEPAGE
  if (p != nullptr && align == kHugeAlignment) (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
  return p;
}

struct Buffer {
  void* data = nullptr;
  std::size_t size = 0;
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { std::free(data); }
};

thread_local Buffer t_buffer;

}  // namespace

void* thread_workspace(std::size_t bytes) {
  if (bytes <= t_buffer.size && t_buffer.data != nullptr) return t_buffer.data;
  // Free first: holding both the old and the new buffer would double the
  // peak for the largest problems, and the old contents are not needed.
  std::free(t_buffer.data);
  t_buffer.data = nullptr;
  t_buffer.size = 0;
  void* p = allocate(bytes);
  if (p == nullptr) {
    fail(LAI_ERROR_OUT_OF_MEMORY,
         "cannot allocate " + std::to_string(bytes) + " bytes of workspace for the block kernel");
  }
  t_buffer.data = p;
  t_buffer.size = bytes;
  return p;
}

}  // namespace lai::cpu
