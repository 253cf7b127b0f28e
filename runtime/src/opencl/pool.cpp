#include "opencl/pool.h"

#include <map>
#include <mutex>

#include "diagnostics/error.h"
#include "opencl/cl_error.h"

namespace lai::ocl {

namespace {

// Free buffers kept for reuse are capped so a pool never holds much more than
// one large problem's worth of memory.
constexpr std::size_t kMaxKeptBytes = std::size_t{8} << 30;

struct Pool {
  std::mutex mutex;
  std::multimap<std::size_t, cl_mem> free;  // by size
  std::size_t kept = 0;
};

Pool& pool() {
  static Pool* p = new Pool;  // leaked on purpose, like the runtime
  return *p;
}

void give_back(cl_mem m, std::size_t bytes) noexcept {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  if (p.kept + bytes > kMaxKeptBytes) {
    clReleaseMemObject(m);
    return;
  }
  p.free.emplace(bytes, m);
  p.kept += bytes;
}

}  // namespace

PooledBuffer& PooledBuffer::operator=(PooledBuffer&& o) noexcept {
  if (this != &o) {
    if (mem_ != nullptr) give_back(mem_, bytes_);
    mem_ = o.mem_;
    bytes_ = o.bytes_;
    o.mem_ = nullptr;
  }
  return *this;
}

PooledBuffer::~PooledBuffer() {
  if (mem_ != nullptr) give_back(mem_, bytes_);
}

void trim_pool() noexcept {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  for (auto& [size, m] : p.free) clReleaseMemObject(m);
  p.free.clear();
  p.kept = 0;
}

std::size_t pool_bytes_kept() noexcept {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return p.kept;
}

PooledBuffer acquire_buffer(const Runtime& rt, std::size_t bytes) {
  if (bytes == 0) bytes = 1;
  {
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mutex);
    auto it = p.free.lower_bound(bytes);
    if (it != p.free.end() && it->first <= 2 * bytes) {
      PooledBuffer b(it->second, it->first);
      p.kept -= it->first;
      p.free.erase(it);
      return b;
    }
  }
  if (bytes > rt.max_alloc) {
    fail(LAI_ERROR_OUT_OF_MEMORY, "a device buffer of " + std::to_string(bytes) + " bytes exceeds OpenCL device \"" +
                                      rt.device.name + "\"'s largest allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE " +
                                      std::to_string(rt.max_alloc) + " bytes)");
  }
  cl_int rc = CL_SUCCESS;
  cl_mem m = clCreateBuffer(rt.context, CL_MEM_READ_WRITE, bytes, nullptr, &rc);
  if (rc == CL_MEM_OBJECT_ALLOCATION_FAILURE || rc == CL_OUT_OF_HOST_MEMORY || rc == CL_OUT_OF_RESOURCES) {
    trim_pool();
    m = clCreateBuffer(rt.context, CL_MEM_READ_WRITE, bytes, nullptr, &rc);
  }
  if (rc == CL_OUT_OF_RESOURCES) rc = CL_MEM_OBJECT_ALLOCATION_FAILURE;
  check(rc, ("clCreateBuffer(" + std::to_string(bytes) + " bytes)").c_str(), rt.device.name);
  return PooledBuffer(m, bytes);
}

}  // namespace lai::ocl
