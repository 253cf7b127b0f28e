/*
 * lapack_ai.h -- public C API of liblapack_ai.
 *
 * liblapack_ai computes matrix products with kernels generated at build time
 * from verified tensor factorizations ("schemes"), with OpenBLAS for every
 * case a generated kernel does not cover, and an OpenCL backend for batches
 * of 4x4 products.
 *
 * Conventions shared by every function in this header:
 *  - Every function that can fail returns an lai_status. On failure nothing
 *    is written to any output argument, and lai_last_error() returns a
 *    sentence that names the function, the offending argument, its value and
 *    the rule it broke.
 *  - The library never aborts, exits or prints; all reporting goes through
 *    the return value and lai_last_error().
 *  - Every function is thread-safe. Configuration setters (block threshold,
 *    scheme) take effect for calls that start after the setter returns.
 *  - Sizes are `int` like CBLAS; batch counts are `size_t`.
 *
 * Usable from C (C99 or later) and C++.
 */
#ifndef LAPACK_AI_LAPACK_AI_H
#define LAPACK_AI_LAPACK_AI_H

#include <stddef.h>

#if defined(_WIN32)
#define LAI_API
#else
#define LAI_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Enumerations                                                             */
/* ------------------------------------------------------------------------ */

/** Storage order of a matrix; the values equal CBLAS_ORDER's. */
typedef enum lai_layout {
  LAI_ROW_MAJOR = 101, /**< element (i,j) at X[i*ld + j] */
  LAI_COL_MAJOR = 102  /**< element (i,j) at X[i + j*ld] */
} lai_layout;

/** Operation applied to an operand; the values equal CBLAS_TRANSPOSE's.
 *  For the real types of this library LAI_CONJ_TRANS means LAI_TRANS. */
typedef enum lai_transpose {
  LAI_NO_TRANS = 111,  /**< op(X) = X */
  LAI_TRANS = 112,     /**< op(X) = X^T */
  LAI_CONJ_TRANS = 113 /**< op(X) = X^H, equal to X^T for real data */
} lai_transpose;

/** Result of a call. Every value except LAI_SUCCESS comes with a message in
 *  lai_last_error(). */
typedef enum lai_status {
  LAI_SUCCESS = 0,
  /** An argument broke a rule (bad enum, negative size, leading dimension
   *  too small, NULL pointer where data is read or written, ...). */
  LAI_ERROR_INVALID_ARGUMENT = 1,
  /** A host or device allocation failed. */
  LAI_ERROR_OUT_OF_MEMORY = 2,
  /** No usable OpenCL device: the library was built without OpenCL, no
   *  OpenCL platform is installed, or LAI_OPENCL_DEVICE matched nothing. */
  LAI_ERROR_NO_DEVICE = 3,
  /** An OpenCL program failed to compile; the message holds the build log. */
  LAI_ERROR_OPENCL_BUILD = 4,
  /** An OpenCL call failed at run time; the message names the call and the
   *  OpenCL error code. */
  LAI_ERROR_OPENCL_RUNTIME = 5,
  /** The request is valid but this build or device cannot serve it (e.g. a
   *  device without double precision, a scheme without an OpenCL kernel). */
  LAI_ERROR_NOT_SUPPORTED = 6,
  /** A bug in liblapack_ai; please report the message. */
  LAI_ERROR_INTERNAL = 7,
  /** The input holds NaN or Inf; the message names the first such element
   *  (and the matrix of a batch). Nothing is written. */
  LAI_ERROR_NOT_FINITE = 8,
  /** An iterative method (LAPACK's bidiagonal SVD, the Jacobi sweeps) did not
   *  converge; the message names the routine, its INFO or the sweep count
   *  (and the matrix of a batch) and what to try. */
  LAI_ERROR_NO_CONVERGENCE = 9
} lai_status;

/** Where a batched call runs. */
typedef enum lai_backend {
  /** The library decides: OpenCL on a GPU device for large batches, the CPU
   *  otherwise, and the CPU whenever OpenCL is unavailable or fails. */
  LAI_BACKEND_AUTO = 0,
  LAI_BACKEND_CPU = 1,   /**< always the CPU */
  LAI_BACKEND_OPENCL = 2 /**< always OpenCL; errors are returned, not hidden */
} lai_backend;

/* ------------------------------------------------------------------------ */
/* Diagnostics                                                              */
/* ------------------------------------------------------------------------ */

/** Short fixed description of a status code, e.g. "invalid argument".
 *  Never NULL; unknown values give "unknown status". */
LAI_API const char* lai_status_string(lai_status status);

/** Message of the last call on the calling thread that returned an error,
 *  e.g. "lai_dgemm: lda=3 must be >= max(1,k)=4 for row-major A without
 *  transpose". Successful calls leave it unchanged; "" before any failure.
 *  The pointer stays valid until the next failing call on this thread. */
LAI_API const char* lai_last_error(void);

/* ------------------------------------------------------------------------ */
/* GEMM                                                                     */
/* ------------------------------------------------------------------------ */

/** C = alpha*op(A)*op(B) + beta*C with op(A) m x k, op(B) k x n, C m x n.
 *
 * Arguments and their rules are those of cblas_dgemm:
 *  - layout is LAI_ROW_MAJOR or LAI_COL_MAJOR; transa/transb are
 *    LAI_NO_TRANS, LAI_TRANS or LAI_CONJ_TRANS;
 *  - m, n, k >= 0;
 *  - lda >= max(1, rows of A as stored in `layout`): row-major: k without
 *    transpose, m with; column-major: m without transpose, k with;
 *  - ldb likewise (row-major: n without transpose, k with; column-major: k
 *    without transpose, n with);
 *  - ldc >= max(1, n) for row-major, max(1, m) for column-major.
 * The first broken rule in argument order is reported. In addition, a
 * pointer must not be NULL where it would be dereferenced: C unless m or n is
 * 0; A and B unless m, n or k is 0 or alpha is 0.
 *
 * Semantics are those of reference BLAS: when m or n is 0, or (alpha is 0 or
 * k is 0) and beta is 1, nothing is touched; when beta is 0, C is not read
 * (NaN or Inf in C does not propagate); when alpha is 0, A and B are not read.
 *
 * Dispatch: m, k, n equal to the current scheme's shape -> a straight-line
 * kernel (the classical one while no scheme was chosen explicitly, as it is
 * the fastest for a single product; the chosen scheme's after
 * lai_set_scheme(name) or LAI_SCHEME); with an explicit block threshold, min(m,n,k) >=
 * lai_get_block_threshold() -> the scheme's one-level block kernel on
 * OpenBLAS leaves; without one, the tuning table's variant for min(m,n,k)
 * (lai_tuning_info); otherwise cblas_dgemm. Returns LAI_SUCCESS, LAI_ERROR_INVALID_ARGUMENT (C untouched),
 * or LAI_ERROR_OUT_OF_MEMORY when the block kernel's workspace cannot be
 * allocated (C untouched). */
LAI_API lai_status lai_dgemm(lai_layout layout, lai_transpose transa, lai_transpose transb, int m, int n,
                             int k, double alpha, const double* A, int lda, const double* B, int ldb,
                             double beta, double* C, int ldc);

/** Single-precision lai_dgemm; same rules and dispatch (cblas_sgemm fallback). */
LAI_API lai_status lai_sgemm(lai_layout layout, lai_transpose transa, lai_transpose transb, int m, int n,
                             int k, float alpha, const float* A, int lda, const float* B, int ldb,
                             float beta, float* C, int ldc);

/** count independent 4x4 products C_i = A_i * B_i, where A_i = A + 16*i (and
 *  likewise B_i, C_i) are 16 contiguous row-major values each.
 *
 * count == 0 succeeds without touching anything; otherwise A, B and C must be
 * non-NULL and 16*count elements must fit in size_t bytes. C must not overlap
 * A or B. `backend` chooses the CPU (the 4x4 kernel single calls use when
 * its shape is 4x4x4, a plain loop otherwise, split over the hardware threads
 * for large batches, C written with non-temporal stores when larger than the
 * caches) or OpenCL (the current scheme's generated batched kernel; a
 * double-precision batch needs a device with fp64). See lai_backend for AUTO.
 * Errors: LAI_ERROR_INVALID_ARGUMENT, LAI_ERROR_NO_DEVICE,
 * LAI_ERROR_NOT_SUPPORTED, LAI_ERROR_OPENCL_BUILD, LAI_ERROR_OPENCL_RUNTIME,
 * LAI_ERROR_OUT_OF_MEMORY. On OpenCL errors C may have been partly written
 * (batches are transferred in chunks). */
LAI_API lai_status lai_dgemm_batched4x4(const double* A, const double* B, double* C, size_t count,
                                        lai_backend backend);

/** Single-precision lai_dgemm_batched4x4. */
LAI_API lai_status lai_sgemm_batched4x4(const float* A, const float* B, float* C, size_t count,
                                        lai_backend backend);

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */
/* ------------------------------------------------------------------------ */

/** Smallest min(m,n,k) for which lai_dgemm/lai_sgemm use the block kernel.
 *  n must be >= 1 (else LAI_ERROR_INVALID_ARGUMENT). The initial value is
 *  the environment variable LAI_BLOCK_THRESHOLD (read once, at the first call
 *  of any lai_* function that needs it; ignored unless it is a whole number
 *  >= 1) or else LAI_DEFAULT_BLOCK_THRESHOLD. */
LAI_API lai_status lai_set_block_threshold(int n);

/** Current block threshold (see lai_set_block_threshold). */
LAI_API int lai_get_block_threshold(void);

/** Built-in default of the block threshold. */
#define LAI_DEFAULT_BLOCK_THRESHOLD 4096

/** Where the tuning table in use came from: "tuning table <path> (machine
 *  ...)" or "built-in generic tuning table", followed by "; <path> refused:
 *  <reason>" when a user table was found but not used. Until the block
 *  threshold is set explicitly (lai_set_block_threshold or
 *  LAI_BLOCK_THRESHOLD), the tuning table decides which large products use
 *  the block engine and which variant (lai-tune writes it; docs/formats.md,
 *  "Tuning table"): $LAI_TUNING_FILE, else
 *  $XDG_CONFIG_HOME/lapack_ai/tuning.json (~/.config/lapack_ai/tuning.json),
 *  else the generic table built into the library. Never NULL. */
LAI_API const char* lai_tuning_info(void);

/** Selects the scheme whose kernels lai_dgemm/lai_sgemm and the batched
 *  functions use, by its name (lai_scheme_name). NULL restores the build's
 *  default (CMake option LAI_DEFAULT_SCHEME). An unknown name gives
 *  LAI_ERROR_INVALID_ARGUMENT with the list of available names. The initial
 *  choice is the environment variable LAI_SCHEME (read once; ignored when it
 *  names no built-in scheme) or else the build's default. */
LAI_API lai_status lai_set_scheme(const char* name);

/** Name of the current scheme, e.g. "strassen2_4x4x4_r49". Never NULL. */
LAI_API const char* lai_get_scheme(void);

/** Number of schemes built into this library. */
LAI_API int lai_scheme_count(void);

/** Name of scheme i (0 <= i < lai_scheme_count()), NULL when out of range.
 *  The strings live as long as the library is loaded. */
LAI_API const char* lai_scheme_name(int i);

/* ------------------------------------------------------------------------ */
/* OpenCL device                                                            */
/* ------------------------------------------------------------------------ */

/** Name of the OpenCL device the library uses, initialising OpenCL if needed,
 *  e.g. "pthread-skylake-avx512" or "NVIDIA H200". NULL when no device is
 *  usable (lai_last_error() says why). The string lives as long as the
 *  library is loaded.
 *
 *  The device is chosen once per process: the environment variable
 *  LAI_OPENCL_DEVICE either gives "P:D" (platform index P, device index D in
 *  that platform, both from 0) or a case-insensitive substring of the device
 *  name; without it the first GPU of any platform is taken, else the first
 *  device of any type. A value that matches nothing is an error
 *  (LAI_ERROR_NO_DEVICE) that names the value and lists the devices found.
 *  A failed initialisation is remembered: every later OpenCL request of the
 *  process reports the same status and message (LAI_BACKEND_AUTO batches then
 *  run on the CPU). */
LAI_API const char* lai_opencl_device_name(void);

/** Like lai_opencl_device_name() but as a status: LAI_SUCCESS when an OpenCL
 *  device is usable, else the reason (lai_last_error() holds the message). */
LAI_API lai_status lai_opencl_init(void);

/** Properties of the OpenCL device the library uses (docs/gpu.md). */
typedef struct lai_opencl_info {
  char name[128];
  char vendor[128];
  char driver_version[64];
  unsigned compute_units;
  unsigned long long local_mem_bytes;  /**< local memory per work-group */
  unsigned long long global_mem_bytes;
  int fp64;                            /**< 1 when cl_khr_fp64 is supported */
} lai_opencl_info;

/** Fills *info for the device (initialising OpenCL if needed). */
LAI_API lai_status lai_opencl_get_info(lai_opencl_info* info);

/** GEMM on the OpenCL device with lai_dgemm's argument list, on host memory:
 *  the operands travel through a pool of device buffers, the generated GEMM
 *  kernel tuned for the device runs (on NVIDIA in f64 the FP64 tensor-core
 *  kernel), and C comes back before the call returns. When the device fails
 *  (no device, kernel build failure, out of device memory, lost device) the
 *  product is computed by lai_dgemm on the CPU instead and the reason is
 *  recorded (lai_opencl_fallback_reason); with LAI_OPENCL_NO_FALLBACK=1 in
 *  the environment the error is returned instead. Argument errors are
 *  returned as by lai_dgemm. */
LAI_API lai_status lai_dgemm_opencl(lai_layout layout, lai_transpose transa, lai_transpose transb, int m, int n,
                                    int k, double alpha, const double* A, int lda, const double* B, int ldb,
                                    double beta, double* C, int ldc);
LAI_API lai_status lai_sgemm_opencl(lai_layout layout, lai_transpose transa, lai_transpose transb, int m, int n,
                                    int k, float alpha, const float* A, int lda, const float* B, int ldb,
                                    float beta, float* C, int ldc);

/** Why the calling thread's last lai_?gemm_opencl ran on the CPU: a sentence
 *  naming the device error, or "" when it ran on the device. Never NULL. */
LAI_API const char* lai_opencl_fallback_reason(void);


/* ------------------------------------------------------------------------ */
/* SVD (docs/svd.md)                                                        */
/* ------------------------------------------------------------------------ */

/** CPU LAPACK driver of lai_dgesvd/lai_sgesvd. */
typedef enum lai_svd_driver {
  /** dgesdd (divide and conquer, much faster with vectors); when it does not
   *  converge, dgesvd on the original matrix. */
  LAI_SVD_DRIVER_AUTO = 0,
  LAI_SVD_DRIVER_GESDD = 1, /**< dgesdd only */
  LAI_SVD_DRIVER_GESVD = 2  /**< dgesvd (QR iteration) only */
} lai_svd_driver;

/** Per-call options of lai_dgesvd_ex/lai_sgesvd_ex; all-zero is the default. */
typedef struct lai_svd_options {
  /** LAI_BACKEND_AUTO: the environment variable LAI_BACKEND (cpu, gpu or
   *  auto; read at every call) decides, else the library. LAI_BACKEND_CPU:
   *  LAPACK on the CPU. LAI_BACKEND_OPENCL: the GPU path (docs/svd.md); a
   *  forced GPU call returns its failure (no OpenCL device, no fp64, device
   *  error) as the status with a sentence, and does not fall back to the
   *  CPU. AUTO takes the GPU from the device's size threshold on and falls
   *  back to the CPU with a recorded reason when the GPU fails. */
  lai_backend backend;
  lai_svd_driver driver;
} lai_svd_options;

/** A = U * diag(s) * VT with LAPACK DGESVD's arguments and meaning
 *  (column-major; row-major callers pass A^T and swap the roles of U and VT):
 *  - jobu: 'A' all m columns of U into U; 'S' the first min(m,n) columns into
 *    U; 'O' the first min(m,n) columns overwrite A; 'N' none. jobvt likewise
 *    for the rows of VT ('A' n rows, 'S' min(m,n) rows, 'O' into the first
 *    min(m,n) rows of A). Lower case is accepted; jobu and jobvt are not
 *    both 'O'.
 *  - m, n >= 0; lda >= max(1,m); ldu >= 1 and >= m when jobu is 'A' or 'S';
 *    ldvt >= 1, >= n when jobvt is 'A', >= min(m,n) when jobvt is 'S'.
 *  - A must not be NULL when m, n > 0; s not when min(m,n) > 0; U (VT) not
 *    when it is written.
 *  s receives the min(m,n) singular values, non-negative and descending.
 *  A is destroyed (as by LAPACK) unless it receives U or VT.
 *
 *  Returns LAI_SUCCESS; LAI_ERROR_INVALID_ARGUMENT (the sentence names the
 *  argument, its value and the rule; nothing written); LAI_ERROR_NOT_FINITE
 *  (the first NaN/Inf element of A is named; nothing written);
 *  LAI_ERROR_NO_CONVERGENCE (LAPACK's INFO in words with a hint; outputs hold
 *  LAPACK's partial results); LAI_ERROR_NOT_SUPPORTED (GPU forced);
 *  LAI_ERROR_OUT_OF_MEMORY. info (may be NULL) receives LAPACK's INFO: 0,
 *  -i for argument i (numbered as in DGESVD: jobu 1 ... ldvt 11, 5 also for
 *  NaN/Inf in A), > 0 as the driver's non-convergence INFO.
 *  CPU: dgesdd computing only what the jobs need (temporaries for 'O' and
 *  'N' where dgesdd computes both sides), see lai_svd_driver. */
LAI_API lai_status lai_dgesvd(char jobu, char jobvt, int m, int n, double* A, int lda, double* s, double* U,
                              int ldu, double* VT, int ldvt, int* info);
LAI_API lai_status lai_sgesvd(char jobu, char jobvt, int m, int n, float* A, int lda, float* s, float* U, int ldu,
                              float* VT, int ldvt, int* info);
/** lai_?gesvd with options (NULL: defaults). */
LAI_API lai_status lai_dgesvd_ex(char jobu, char jobvt, int m, int n, double* A, int lda, double* s, double* U,
                                 int ldu, double* VT, int ldvt, int* info, const lai_svd_options* options);
LAI_API lai_status lai_sgesvd_ex(char jobu, char jobvt, int m, int n, float* A, int lda, float* s, float* U,
                                 int ldu, float* VT, int ldvt, int* info, const lai_svd_options* options);

/** What the calling thread's last SVD call (lai_?gesvd*, ?GESVDOCL,
 *  lai_?gesvd_batched) ran: "cpu:dgesdd", "cpu:dgesvd", "cpu:dgesdd+dgesvd"
 *  (dgesdd did not converge, dgesvd did the work), "cpu:jacobi",
 *  "opencl:jacobi", or "" before any. Never NULL. */
LAI_API const char* lai_svd_last_path(void);

/** Why the calling thread's last SVD call did not run where it was sent
 *  first (e.g. the OpenCL device failed and the CPU did the work), "" when
 *  nothing fell back. Never NULL. */
LAI_API const char* lai_svd_fallback_reason(void);

/** Options of the batched Jacobi SVD; all-zero is the default. */
typedef struct lai_jacobi_options {
  /** Relative convergence threshold: a column pair (p,q) is rotated while
   *  |g_p . g_q| > tol * ||g_p|| ||g_q||. 0: sqrt(max(m,n)) * eps. */
  double tol;
  /** Sweep cap; 0: 30. A matrix still rotating after it is reported. */
  int max_sweeps;
  /** LAI_BACKEND_AUTO: LAI_BACKEND (cpu|gpu|auto), else OpenCL when the
   *  device is a GPU and the batch is large, with the CPU taking over (reason
   *  in lai_svd_fallback_reason) when the device fails. CPU / OPENCL force
   *  the choice; forced OpenCL returns device errors. */
  lai_backend backend;
} lai_jacobi_options;

/** count independent SVDs A_b = U_b diag(s_b) VT_b by one-sided Jacobi
 *  (docs/svd.md), matrix b at A + b*stride_a (column-major m x n, lda), its
 *  min(m,n) singular values (descending) at s + b*stride_s, its thin U
 *  (m x min(m,n), ldu) at U + b*stride_u and VT (min(m,n) x n, ldvt) at
 *  VT + b*stride_vt: DGESVD with jobu = jobvt = 'S', or 'N' where U (VT) is
 *  NULL. A is not modified.
 *  Rules: m, n >= 0; lda >= max(1,m); ldu >= max(1,m) and ldvt >=
 *  max(1,min(m,n)) when given; A and s non-NULL when count > 0 and
 *  min(m,n) > 0; strides at least one matrix (lda*n, min(m,n), ldu*min(m,n),
 *  ldvt*n) so outputs do not overlap.
 *  Errors: LAI_ERROR_INVALID_ARGUMENT, LAI_ERROR_NOT_FINITE (names the matrix
 *  and element; nothing written), LAI_ERROR_NO_CONVERGENCE (names the first
 *  matrix that hit the sweep cap; all outputs are written, that matrix's
 *  are not accurate), device errors when OpenCL is forced. */
LAI_API lai_status lai_dgesvd_batched(size_t count, int m, int n, const double* A, int lda, size_t stride_a, double* s,
                                      size_t stride_s, double* U, int ldu, size_t stride_u, double* VT, int ldvt,
                                      size_t stride_vt, const lai_jacobi_options* options);
LAI_API lai_status lai_sgesvd_batched(size_t count, int m, int n, const float* A, int lda, size_t stride_a, float* s,
                                      size_t stride_s, float* U, int ldu, size_t stride_u, float* VT, int ldvt,
                                      size_t stride_vt, const lai_jacobi_options* options);

/** Fortran: SUBROUTINE DGESVDOCL(JOBU, JOBVT, M, N, A, LDA, S, U, LDU, VT,
 *  LDVT, WORK, LWORK, INFO), DGESVD's argument list, checks (XERBLA with
 *  'DGESVDOCL' on a bad argument) and workspace query (LWORK = -1: the
 *  optimal LWORK in WORK(1)); symbol dgesvdocl_ (gfortran convention, hidden
 *  string lengths accepted and ignored). */
LAI_API void dgesvdocl_(const char* jobu, const char* jobvt, const int* m, const int* n, double* A, const int* lda,
                        double* s, double* U, const int* ldu, double* VT, const int* ldvt, double* work,
                        const int* lwork, int* info, size_t jobu_len, size_t jobvt_len);

/** Fortran: SUBROUTINE SGESVDOCL(JOBU, JOBVT, M, N, A, LDA, S, U, LDU, VT,
 *  LDVT, WORK, LWORK, INFO), the single-precision twin of DGESVDOCL: SGESVD's
 *  argument list (REAL arrays), checks (XERBLA with 'SGESVDOCL') and
 *  workspace query (LWORK = -1: the optimal LWORK in WORK(1), rounded up to
 *  a REAL that is not below it); the same CPU/GPU choice as lai_sgesvd
 *  (LAI_BACKEND respected). Symbol sgesvdocl_ (gfortran convention, hidden
 *  string lengths accepted and ignored). */
LAI_API void sgesvdocl_(const char* jobu, const char* jobvt, const int* m, const int* n, float* A, const int* lda,
                        float* s, float* U, const int* ldu, float* VT, const int* ldvt, float* work,
                        const int* lwork, int* info, size_t jobu_len, size_t jobvt_len);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LAPACK_AI_LAPACK_AI_H */
