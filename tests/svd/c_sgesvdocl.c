/* SGESVDOCL called from plain C through the prototype in lapack_ai.h (so a
 * wrong declaration fails to compile here): workspace query, the SVD of a
 * 5 x 7 matrix with the ddrvbd ratio at the f32 ulp (bound 50) and the
 * f32 CPU path, and an LWORK error caught by the program's own XERBLA.
 * The Fortran test (test_sgesvdocl.f90) covers the jobs and the errors. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lapack_ai/lapack_ai.h"

static int xerbla_calls = 0;
static int xerbla_arg = 0;
static char xerbla_name[16];

void xerbla_(const char* name, const int* info, size_t len);
void xerbla_(const char* name, const int* info, size_t len) {
  ++xerbla_calls;
  xerbla_arg = *info;
  size_t n = len < sizeof xerbla_name - 1 ? len : sizeof xerbla_name - 1;
  memcpy(xerbla_name, name, n);
  xerbla_name[n] = '\0';
}

int main(void) {
  enum { M = 5, N = 7 };
  float A[M * N], A0[M * N], s[M], U[M * M], VT[N * N], q[1], work[1000];
  for (int j = 0; j < N; ++j)
    for (int i = 0; i < M; ++i)
      A0[i + j * M] = A[i + j * M] = (float)(sin(1.0 + i * 1.7 + j * 0.3) + (i == j ? 2.0 : 0.0));
  int m = M, n = N, lda = M, ldu = M, ldvt = N, lwork = -1, info = 1;
  sgesvdocl_("A", "A", &m, &n, A, &lda, s, U, &ldu, VT, &ldvt, q, &lwork, &info, 1, 1);
  if (info != 0 || q[0] < 3 * M + N) {
    printf("workspace query: info=%d work(1)=%g\n", info, (double)q[0]);
    return 1;
  }
  lwork = (int)q[0] < 1000 ? (int)q[0] : 1000;
  sgesvdocl_("A", "A", &m, &n, A, &lda, s, U, &ldu, VT, &ldvt, work, &lwork, &info, 1, 1);
  if (info != 0) {
    printf("info=%d: %s\n", info, lai_last_error());
    return 2;
  }
  double anorm = 0, res = 0;
  for (int j = 0; j < N; ++j) {
    double ca = 0, cr = 0;
    for (int i = 0; i < M; ++i) {
      double x = A0[i + j * M];
      for (int p = 0; p < M; ++p) x -= (double)U[i + p * M] * s[p] * VT[p + j * N];
      ca += fabs((double)A0[i + j * M]);
      cr += fabs(x);
    }
    if (ca > anorm) anorm = ca;
    if (cr > res) res = cr;
  }
  const double r1 = res / (anorm * N * FLT_EPSILON);
  printf("SGESVDOCL from C: |A-USV'| ratio %.3f, path %s\n", r1, lai_svd_last_path());
  if (!(r1 < 50)) return 3;
  /* lai_svd_last_path() is "cpu:sgesdd" unless LAI_BACKEND or the size sent
   * it to the GPU ("opencl:..."); "cpu:d..." would mean the f64 path ran. */
  if (strncmp(lai_svd_last_path(), "cpu:d", 5) == 0) return 4;
  lwork = 3;
  sgesvdocl_("N", "N", &m, &n, A, &lda, s, U, &ldu, VT, &ldvt, work, &lwork, &info, 1, 1);
  if (info != -13 || xerbla_calls != 1 || xerbla_arg != 13 || strcmp(xerbla_name, "SGESVDOCL") != 0) {
    printf("LWORK=3: info=%d xerbla calls=%d arg=%d name=%s\n", info, xerbla_calls, xerbla_arg, xerbla_name);
    return 5;
  }
  printf("SGESVDOCL argument error: XERBLA called as SGESVD does (%s)\n", lai_last_error());
  return 0;
}
