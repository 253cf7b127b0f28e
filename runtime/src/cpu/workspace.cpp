#include "cpu/workspace.h"

#include <new>
#include <string>

#include "diagnostics/error.h"

namespace lai::cpu {

namespace {

// Cache-line alignment keeps the kernels' vector loads on the block
// sub-matrices aligned when block sizes are multiples of 8 elements.
constexpr std::align_val_t kAlignment{64};

struct Buffer {
  void* data = nullptr;
  std::size_t size = 0;
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { ::operator delete(data, kAlignment); }
};

thread_local Buffer t_buffer;

}  // namespace

void* thread_workspace(std::size_t bytes) {
  if (bytes <= t_buffer.size && t_buffer.data != nullptr) return t_buffer.data;
  // Free first: holding both the old and the new buffer would double the
  // peak for the largest problems, and the old contents are not needed.
  ::operator delete(t_buffer.data, kAlignment);
  t_buffer.data = nullptr;
  t_buffer.size = 0;
  void* p = ::operator new(bytes == 0 ? 1 : bytes, kAlignment, std::nothrow);
  if (p == nullptr) {
    fail(LAI_ERROR_OUT_OF_MEMORY,
         "cannot allocate " + std::to_string(bytes) + " bytes of workspace for the block kernel");
  }
  t_buffer.data = p;
  t_buffer.size = bytes;
  return p;
}

}  // namespace lai::cpu
