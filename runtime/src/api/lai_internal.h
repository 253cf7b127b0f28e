/*
 * Test hooks of liblapack_ai. Not part of the public API: no stability
 * promise, not installed. They are exported from the shared library so the
 * runtime tests can observe dispatch decisions and drive failure paths that a
 * healthy installation never takes.
 */
#ifndef LAPACK_AI_INTERNAL_H
#define LAPACK_AI_INTERNAL_H

#include <stddef.h>

#include "lapack_ai/lapack_ai.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Path of the calling thread's last lai_dgemm/lai_sgemm that passed
 *  validation and went through the general dispatch: "none", "quick",
 *  "fixed", "block", "tuned" or "blas". The single-call fast path
 *  (runtime/src/cpu/fixed.h) records nothing, so a call it took leaves the
 *  value unchanged: tests reset it to "none" first. */
LAI_API const char* lai_internal_last_gemm_path(void);

/** Sets the calling thread's last GEMM path to "none". */
LAI_API void lai_internal_reset_gemm_path(void);

/** Name of the scheme whose straight-line kernels single calls of its shape
 *  use (docs/architecture.md, "Single 4x4 calls"). Never NULL. */
LAI_API const char* lai_internal_single_call_scheme(void);

/** 1 when registry entry i has the unit-column-stride (_rowmajor) 4x4
 *  kernels of type f64 (f32 != 0: f32), both beta variants; else 0. */
LAI_API int lai_internal_scheme_has_rowmajor(int i, int f32);

/** Kernels of registry entry i: stores its shape in *m, *k, *n (any may be
 *  NULL) and returns a bit set of what was generated for it: 1 straight-line
 *  f64, 2 straight-line f32, 4 block f64, 8 block f32, 16 OpenCL batched f64,
 *  32 OpenCL batched f32. -1 when i is out of range. */
LAI_API int lai_internal_scheme_kernels(int i, int* m, int* k, int* n);

/** Builds `source` with `options` (may be NULL) for the library's OpenCL
 *  device through the program cache, exactly as a generated kernel would be.
 *  Errors as lai_dgemm_batched4x4's (the build log is in lai_last_error). */
LAI_API lai_status lai_internal_opencl_build(const char* source, const char* options);

/** Runs device selection for the value `spec` of LAI_OPENCL_DEVICE against
 *  the installed platforms, without touching the library's chosen device.
 *  On success copies the device name (truncated, NUL-terminated) to name. */
LAI_API lai_status lai_internal_opencl_select(const char* spec, char* name, size_t name_len);

/** Block-engine variants (runtime/src/cpu/fast_gemm.h), for lai-tune,
 *  lai-bench and the tests. `variant` is the text form ("blas",
 *  "strassen2_4x4x4_r49/g7/split2", ...). */

/** Row-major, no transposes: C = alpha*A*B + beta*C with the variant.
 *  Returns 0, or -1 when the variant does not parse or lacks kernels (the
 *  reason in lai_last_error; C untouched), -2 on workspace failure. */
LAI_API int lai_internal_dgemm_variant(const char* variant, int transa, int transb, int m, int n, int k,
                                       double alpha, const double* A, int lda, const double* B, int ldb,
                                       double beta, double* C, int ldc);
LAI_API int lai_internal_sgemm_variant(const char* variant, int transa, int transb, int m, int n, int k,
                                       float alpha, const float* A, int lda, const float* B, int ldb, float beta,
                                       float* C, int ldc);
/** Extra memory in bytes the variant uses for a row-major m x n x k product
 *  (f32 != 0: single precision); 0 for blas or an unknown variant. */
LAI_API size_t lai_internal_variant_workspace(const char* variant, int f32, int m, int n, int k);

/** With LAI_PROFILE_FAST_GEMM set: thread-seconds of the block engine's top
 *  level since the last call, in out[0] forming temporaries from A and B,
 *  out[1] leaf products, out[2] adding products into C, out[3] the rest;
 *  resets them (runtime/src/cpu/fast_gemm_profile.h). */
LAI_API void lai_internal_fast_gemm_profile(double out[4]);
/** Variant the tuning table picks for min(m,n,k) = size (thread-local
 *  string, valid until the next call on this thread). */
LAI_API const char* lai_internal_tuned_variant(int f32, int size);
/** The machine key tuning tables are written for. */
LAI_API const char* lai_internal_machine_id(void);
/** Checks a tuning table's text as the loader would (machine included when
 *  check_machine != 0). Returns NULL when usable, else the reason
 *  (thread-local string). */
LAI_API const char* lai_internal_validate_tuning(const char* text, int check_machine);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LAPACK_AI_INTERNAL_H */
