// Public GPU GEMM entry points (lai_?gemm_opencl) and device properties:
// validate, run on the OpenCL device, and fall back to the CPU path with a
// recorded reason when the device fails.
#include <cstdlib>
#include <cstring>
#include <string>

#include "api/gemm_args.h"
#include "api/guard.h"
#include "lapack_ai/lapack_ai.h"
#include "opencl/backend.h"

namespace {

thread_local std::string fallback_reason;

bool no_fallback() {
  const char* v = std::getenv("LAI_OPENCL_NO_FALLBACK");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

template <class T, class Cpu>
lai_status gemm_ocl(const char* function, Cpu cpu, lai_layout layout, lai_transpose transa, lai_transpose transb,
                    int m, int n, int k, T alpha, const T* A, int lda, const T* B, int ldb, T beta, T* C,
                    int ldc) noexcept {
  lai::GemmFlags f{};
  const lai_status valid = lai::guarded(function, [&] {
    f = lai::validate_gemm(layout, transa, transb, m, n, k, alpha == T(0), A, lda, B, ldb, C, ldc);
  });
  if (valid != LAI_SUCCESS) return valid;
  const lai_status st = lai::guarded(function, [&] {
    lai::ocl::gemm_opencl<T>(f.row_major, f.trans_a ? 1 : 0, f.trans_b ? 1 : 0, m, n, k, alpha, A, lda, B, ldb,
                             beta, C, ldc);
  });
  try {
    fallback_reason.clear();
    if (st == LAI_SUCCESS || no_fallback()) return st;
    fallback_reason = std::string(lai_status_string(st)) + ": " + lai_last_error();
  } catch (...) {
    // Out of host memory for the sentence: still fall back.
  }
  return cpu(layout, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

void copy_field(char* dst, std::size_t size, const std::string& s) {
  std::strncpy(dst, s.c_str(), size - 1);
  dst[size - 1] = '\0';
}

}  // namespace

extern "C" {

lai_status lai_dgemm_opencl(lai_layout layout, lai_transpose transa, lai_transpose transb, int m, int n, int k,
                            double alpha, const double* A, int lda, const double* B, int ldb, double beta,
                            double* C, int ldc) {
  return gemm_ocl("lai_dgemm_opencl", lai_dgemm, layout, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C,
                  ldc);
}

lai_status lai_sgemm_opencl(lai_layout layout, lai_transpose transa, lai_transpose transb, int m, int n, int k,
                            float alpha, const float* A, int lda, const float* B, int ldb, float beta, float* C,
                            int ldc) {
  return gemm_ocl("lai_sgemm_opencl", lai_sgemm, layout, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C,
                  ldc);
}

const char* lai_opencl_fallback_reason(void) { return fallback_reason.c_str(); }

lai_status lai_opencl_get_info(lai_opencl_info* info) {
  return lai::guarded("lai_opencl_get_info", [&] {
    if (info == nullptr) lai::fail(LAI_ERROR_INVALID_ARGUMENT, "info is NULL");
    const lai::ocl::DeviceInfo d = lai::ocl::device_info();
    std::memset(info, 0, sizeof *info);
    copy_field(info->name, sizeof info->name, d.name);
    copy_field(info->vendor, sizeof info->vendor, d.vendor);
    copy_field(info->driver_version, sizeof info->driver_version, d.driver_version);
    info->compute_units = d.compute_units;
    info->local_mem_bytes = d.local_mem;
    info->global_mem_bytes = d.global_mem;
    info->fp64 = d.fp64 ? 1 : 0;
  });
}

}  // extern "C"
