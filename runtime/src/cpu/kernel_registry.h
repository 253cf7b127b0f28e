// The table of generated kernels linked into this build of liblapack_ai.
//
// CMake writes the table itself (<build>/generated/lai_kernel_registry.cpp)
// from the schemes it generated kernels for (cmake/LaiSchemes.cmake), so the
// runtime never names a generated symbol directly and user schemes added with
// -DLAI_SCHEMES=... become selectable without touching runtime code.
#pragma once

#include <cstddef>

extern "C" {

typedef void (*lai_k4x4_f64_fn)(double alpha, const double* A, std::ptrdiff_t rsa, std::ptrdiff_t csa,
                                const double* B, std::ptrdiff_t rsb, std::ptrdiff_t csb, double beta,
                                double* C, std::ptrdiff_t rsc, std::ptrdiff_t csc);
typedef void (*lai_k4x4_f32_fn)(float alpha, const float* A, std::ptrdiff_t rsa, std::ptrdiff_t csa,
                                const float* B, std::ptrdiff_t rsb, std::ptrdiff_t csb, float beta,
                                float* C, std::ptrdiff_t rsc, std::ptrdiff_t csc);
// The _rowmajor kernels: unit column strides, X(i,j) at X[i*ldx + j].
typedef void (*lai_k4x4r_f64_fn)(double alpha, const double* A, std::ptrdiff_t lda, const double* B,
                                 std::ptrdiff_t ldb, double beta, double* C, std::ptrdiff_t ldc);
typedef void (*lai_k4x4r_f32_fn)(float alpha, const float* A, std::ptrdiff_t lda, const float* B,
                                 std::ptrdiff_t ldb, float beta, float* C, std::ptrdiff_t ldc);
typedef std::size_t (*lai_blk_workspace_fn)(int m, int n, int k);
typedef int (*lai_blk_f64_fn)(int transa, int transb, int m, int n, int k, double alpha, const double* A,
                              int lda, const double* B, int ldb, double beta, double* C, int ldc, void* work,
                              std::size_t work_bytes);
typedef int (*lai_blk_f32_fn)(int transa, int transb, int m, int n, int k, float alpha, const float* A,
                              int lda, const float* B, int ldb, float beta, float* C, int ldc, void* work,
                              std::size_t work_bytes);

// Coefficient tables of a cpp-block kernel (same definition as in the
// generated cpp-block headers, templates/cpp_block.h.in).
#ifndef LAI_BLOCK_TABLES_double_DEFINED
#define LAI_BLOCK_TABLES_double_DEFINED
typedef struct lai_block_term_double {
  int block;
  double coef;
} lai_block_term_double;
typedef struct lai_block_tables_double {
  int m, k, n, rank;
  const int* u_begin;
  const lai_block_term_double* u;
  const int* v_begin;
  const lai_block_term_double* v;
  const int* w_begin;
  const lai_block_term_double* w;
} lai_block_tables_double;
#endif
#ifndef LAI_BLOCK_TABLES_float_DEFINED
#define LAI_BLOCK_TABLES_float_DEFINED
typedef struct lai_block_term_float {
  int block;
  float coef;
} lai_block_term_float;
typedef struct lai_block_tables_float {
  int m, k, n, rank;
  const int* u_begin;
  const lai_block_term_float* u;
  const int* v_begin;
  const lai_block_term_float* v;
  const int* w_begin;
  const lai_block_term_float* w;
} lai_block_tables_float;
#endif
typedef const lai_block_tables_double* (*lai_blk_tables_f64_fn)(void);
typedef const lai_block_tables_float* (*lai_blk_tables_f32_fn)(void);

// One scheme's kernels. A pointer is null where that target/dtype was not
// generated; the scheme's shape tells which sizes its 4x4 kernel fits.
struct lai_scheme_kernels {
  const char* name;  // e.g. "strassen2_4x4x4_r49"
  int m, k, n, rank;
  lai_k4x4_f64_fn k4x4_f64;
  lai_k4x4_f64_fn k4x4_f64_beta0;
  lai_k4x4_f32_fn k4x4_f32;
  lai_k4x4_f32_fn k4x4_f32_beta0;
  lai_blk_f64_fn blk_f64;
  lai_blk_workspace_fn blk_f64_workspace;
  lai_blk_f32_fn blk_f32;
  lai_blk_workspace_fn blk_f32_workspace;
  const char* ocl_batched_f64_source;  // OpenCL C source text, or null
  const char* ocl_batched_f32_source;
  const char* ocl_batched_f64_kernel;  // kernel name inside that source
  const char* ocl_batched_f32_kernel;
  lai_blk_tables_f64_fn blk_f64_tables;  // coefficient tables for the block engine, or null
  lai_blk_tables_f32_fn blk_f32_tables;
  lai_k4x4r_f64_fn k4x4_f64_row;  // unit-column-stride 4x4 kernels (cpp-4x4), or null
  lai_k4x4r_f64_fn k4x4_f64_row_beta0;
  lai_k4x4r_f32_fn k4x4_f32_row;
  lai_k4x4r_f32_fn k4x4_f32_row_beta0;
};

extern const lai_scheme_kernels lai_registry_table[];
extern const int lai_registry_count;
// Index into lai_registry_table of LAI_DEFAULT_SCHEME.
extern const int lai_registry_default;

}  // extern "C"
