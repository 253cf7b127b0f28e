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
 *  validation: "none", "quick", "fixed", "block" or "blas". */
LAI_API const char* lai_internal_last_gemm_path(void);

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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LAPACK_AI_INTERNAL_H */
