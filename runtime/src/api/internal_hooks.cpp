// Implementation of the test hooks declared in api/lai_internal.h.
#include <algorithm>
#include <cstring>
#include <string>

#include "api/guard.h"
#include "api/lai_internal.h"
#include "cpu/fast_gemm.h"
#include "cpu/fast_gemm_profile.h"
#include "dispatch/tuning.h"
#include "cpu/registry.h"
#include "dispatch/config.h"
#include "dispatch/gemm_dispatch.h"
#include "opencl/backend.h"

extern "C" {

const char* lai_internal_last_gemm_path(void) {
  switch (lai::last_gemm_path()) {
    case lai::GemmPath::None: return "none";
    case lai::GemmPath::Quick: return "quick";
    case lai::GemmPath::Fixed: return "fixed";
    case lai::GemmPath::Block: return "block";
    case lai::GemmPath::Tuned: return "tuned";
    case lai::GemmPath::Blas: return "blas";
  }
  return "none";
}

void lai_internal_reset_gemm_path(void) { lai::reset_gemm_path(); }

const char* lai_internal_single_call_scheme(void) { return lai::config::single_call_scheme()->name; }

int lai_internal_scheme_has_rowmajor(int i, int f32) {
  if (i < 0 || i >= lai::cpu::scheme_count()) return 0;
  const lai_scheme_kernels& s = lai::cpu::scheme_at(i);
  return f32 != 0 ? (s.k4x4_f32_row != nullptr && s.k4x4_f32_row_beta0 != nullptr)
                  : (s.k4x4_f64_row != nullptr && s.k4x4_f64_row_beta0 != nullptr);
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

namespace {
template <class T>
int gemm_variant_hook(const char* name, const char* variant, int transa, int transb, int m, int n, int k, T alpha,
                      const T* A, int lda, const T* B, int ldb, T beta, T* C, int ldc) {
  std::string why;
  const auto v = lai::cpu::parse_variant(variant == nullptr ? "" : variant, &why);
  if (!v || !lai::cpu::variant_available<T>(*v)) {
    lai::report(name, LAI_ERROR_INVALID_ARGUMENT, v ? std::string("variant has no kernels for this type") : why);
    return -1;
  }
  const lai::GemmCall<T> c{true, transa != 0, transb != 0, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc};
  const lai_status st = lai::guarded(name, [&] { lai::cpu::gemm_variant(*v, c); });
  return st == LAI_SUCCESS ? 0 : -2;
}
thread_local std::string t_hook_text;
}  // namespace

extern "C" {

int lai_internal_dgemm_variant(const char* variant, int transa, int transb, int m, int n, int k, double alpha,
                               const double* A, int lda, const double* B, int ldb, double beta, double* C, int ldc) {
  return gemm_variant_hook("lai_internal_dgemm_variant", variant, transa, transb, m, n, k, alpha, A, lda, B, ldb,
                           beta, C, ldc);
}

int lai_internal_sgemm_variant(const char* variant, int transa, int transb, int m, int n, int k, float alpha,
                               const float* A, int lda, const float* B, int ldb, float beta, float* C, int ldc) {
  return gemm_variant_hook("lai_internal_sgemm_variant", variant, transa, transb, m, n, k, alpha, A, lda, B, ldb,
                           beta, C, ldc);
}

size_t lai_internal_variant_workspace(const char* variant, int f32, int m, int n, int k) {
  try {
    const auto v = lai::cpu::parse_variant(variant == nullptr ? "" : variant, nullptr);
    if (!v) return 0;
    return f32 != 0 ? lai::cpu::variant_workspace_elements<float>(*v, m, n, k) * sizeof(float)
                    : lai::cpu::variant_workspace_elements<double>(*v, m, n, k) * sizeof(double);
  } catch (...) {
    return 0;
  }
}

void lai_internal_fast_gemm_profile(double out[4]) { lai::cpu::profile::take(out); }

const char* lai_internal_tuned_variant(int f32, int size) {
  try {
    t_hook_text = f32 != 0 ? lai::tuning::lookup<float>(size).name() : lai::tuning::lookup<double>(size).name();
  } catch (...) {
    t_hook_text = "?";
  }
  return t_hook_text.c_str();
}

const char* lai_internal_machine_id(void) {
  try {
    return lai::tuning::machine_id().c_str();
  } catch (...) {
    return "unknown";
  }
}

const char* lai_internal_validate_tuning(const char* text, int check_machine) {
  try {
    t_hook_text = lai::tuning::validate(text == nullptr ? "" : text, check_machine != 0);
    return t_hook_text.empty() ? nullptr : t_hook_text.c_str();
  } catch (...) {
    return "validation failed";
  }
}

const char* lai_tuning_info(void) {
  try {
    return lai::tuning::info().c_str();
  } catch (...) {
    return "no tuning table";
  }
}

}  // extern "C"
