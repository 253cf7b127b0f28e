// Implementation of the test hooks declared in api/lai_internal.h.
#include <algorithm>
#include <cstring>
#include <string>

#include "api/guard.h"
#include "api/lai_internal.h"
#include "cpu/registry.h"
#include "dispatch/gemm_dispatch.h"
#include "opencl/backend.h"

extern "C" {

const char* lai_internal_last_gemm_path(void) {
  switch (lai::last_gemm_path()) {
    case lai::GemmPath::None: return "none";
    case lai::GemmPath::Quick: return "quick";
    case lai::GemmPath::Fixed: return "fixed";
    case lai::GemmPath::Block: return "block";
    case lai::GemmPath::Blas: return "blas";
  }
  return "none";
}

int lai_internal_scheme_kernels(int i, int* m, int* k, int* n) {
  if (i < 0 || i >= lai::cpu::scheme_count()) return -1;
  const lai_scheme_kernels& s = lai::cpu::scheme_at(i);
  if (m != nullptr) *m = s.m;
  if (k != nullptr) *k = s.k;
  if (n != nullptr) *n = s.n;
  int bits = 0;
  if (s.k4x4_f64 != nullptr && s.k4x4_f64_beta0 != nullptr) bits |= 1;
  if (s.k4x4_f32 != nullptr && s.k4x4_f32_beta0 != nullptr) bits |= 2;
  if (s.blk_f64 != nullptr && s.blk_f64_workspace != nullptr) bits |= 4;
  if (s.blk_f32 != nullptr && s.blk_f32_workspace != nullptr) bits |= 8;
  if (s.ocl_batched_f64_source != nullptr && s.ocl_batched_f64_kernel != nullptr) bits |= 16;
  if (s.ocl_batched_f32_source != nullptr && s.ocl_batched_f32_kernel != nullptr) bits |= 32;
  return bits;
}

lai_status lai_internal_opencl_build(const char* source, const char* options) {
  return lai::guarded("lai_internal_opencl_build", [&] {
    if (source == nullptr) lai::fail(LAI_ERROR_INVALID_ARGUMENT, "source is NULL");
    lai::ocl::build_program(source, options != nullptr ? options : "");
  });
}

lai_status lai_internal_opencl_select(const char* spec, char* name, size_t name_len) {
  return lai::guarded("lai_internal_opencl_select", [&] {
    if (spec == nullptr) lai::fail(LAI_ERROR_INVALID_ARGUMENT, "spec is NULL");
    const std::string found = lai::ocl::select_device(spec);
    if (name != nullptr && name_len > 0) {
      const std::size_t n = std::min(found.size(), name_len - 1);
      std::memcpy(name, found.data(), n);
      name[n] = '\0';
    }
  });
}

}  // extern "C"
