// Public batched 4x4 entry points: validate, choose CPU or OpenCL.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "api/guard.h"
#include "cpu/batched.h"
#include "cpu/registry.h"
#include "diagnostics/error.h"
#include "dispatch/config.h"
#include "lapack_ai/lapack_ai.h"
#include "opencl/backend.h"

namespace {

// AUTO sends a batch to OpenCL only when the device is a GPU and the batch is
// large enough to amortise the transfers and the launch (a CPU does a 4x4
// product in a few nanoseconds and reaches memory bandwidth by itself).
constexpr std::size_t kAutoOpenclMinCount = std::size_t{1} << 16;

[[noreturn]] void invalid(const std::string& message) { lai::fail(LAI_ERROR_INVALID_ARGUMENT, message); }

bool overlaps(const void* x, const void* y, std::size_t bytes) {
  const auto a = reinterpret_cast<std::uintptr_t>(x);
  const auto b = reinterpret_cast<std::uintptr_t>(y);
  return a < b + bytes && b < a + bytes;
}

template <class T>
void validate(const T* A, const T* B, const T* C, std::size_t count, int backend) {
  if (count > 0) {
    const std::string why = " but count=" + std::to_string(count) + " > 0";
    if (A == nullptr) invalid("A is NULL" + why);
    if (B == nullptr) invalid("B is NULL" + why);
    if (C == nullptr) invalid("C is NULL" + why);
    if (count > std::numeric_limits<std::size_t>::max() / (16 * sizeof(T))) {
      invalid("count=" + std::to_string(count) + " is too large: 16*count elements overflow size_t bytes");
    }
    const std::size_t bytes = 16 * sizeof(T) * count;
    if (overlaps(C, A, bytes)) invalid("C overlaps A; the products must be written to separate memory");
    if (overlaps(C, B, bytes)) invalid("C overlaps B; the products must be written to separate memory");
  }
  if (backend != LAI_BACKEND_AUTO && backend != LAI_BACKEND_CPU && backend != LAI_BACKEND_OPENCL) {
    invalid("backend=" + std::to_string(backend) +
            " must be LAI_BACKEND_AUTO (0), LAI_BACKEND_CPU (1) or LAI_BACKEND_OPENCL (2)");
  }
}

bool auto_wants_opencl(std::size_t count) {
  if (count < kAutoOpenclMinCount) return false;
  try {
    return lai::ocl::device_is_gpu();
  } catch (const lai::Error&) {
    return false;  // no usable device: AUTO means the CPU then
  }
}

template <class T>
lai_status batched(const char* function, const T* A, const T* B, T* C, std::size_t count,
                   lai_backend backend) noexcept {
  return lai::guarded(function, [&] {
    validate(A, B, C, count, backend);
    if (count == 0) return;
    const lai_scheme_kernels& s = lai::cpu::scheme_at(lai::config::scheme_index());
    if (backend == LAI_BACKEND_OPENCL) {
      lai::ocl::batched4x4(s, A, B, C, count);
      return;
    }
    if (backend == LAI_BACKEND_AUTO && auto_wants_opencl(count)) {
      try {
        lai::ocl::batched4x4(s, A, B, C, count);
        return;
      } catch (const lai::Error&) {
        // AUTO promises a result: an OpenCL failure falls back to the CPU,
        // which recomputes every product (C may be partly written).
      }
    }
    // The CPU takes the kernel single calls use (config::single_call_scheme:
    // the classical one by default), for the same reason: one product at a
    // time, where FMAs beat fewer multiplications with more additions.
    lai::cpu::batched4x4(*lai::config::single_call_scheme(), A, B, C, count);
  });
}

}  // namespace

extern "C" {

lai_status lai_dgemm_batched4x4(const double* A, const double* B, double* C, size_t count, lai_backend backend) {
  return batched("lai_dgemm_batched4x4", A, B, C, count, backend);
}

lai_status lai_sgemm_batched4x4(const float* A, const float* B, float* C, size_t count, lai_backend backend) {
  return batched("lai_sgemm_batched4x4", A, B, C, count, backend);
}

}  // extern "C"
