/* DGESVDOCL called from plain C as C users call LAPACK: workspace query,
 * the SVD of a 7 x 5 matrix (ratios as in ddrvbd, bound 50), and an argument
 * error caught by the program's own XERBLA (as LAPACK's test suite does). */
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
  enum { M = 7, N = 5 };
  double A[M * N], A0[M * N], s[N], U[M * M], VT[N * N], q[1];
  for (int j = 0; j < N; ++j)
    for (int i = 0; i < M; ++i) A0[i + j * M] = A[i + j * M] = sin(1.0 + i * 1.7 + j * 0.3) + (i == j ? 2.0 : 0.0);
  int m = M, n = N, lda = M, ldu = M, ldvt = N, lwork = -1, info = 1;
  dgesvdocl_("A", "A", &m, &n, A, &lda, s, U, &ldu, VT, &ldvt, q, &lwork, &info, 1, 1);
  if (info != 0 || q[0] < 3 * N + M) {
    printf("workspace query: info=%d work(1)=%g\n", info, q[0]);
    return 1;
  }
  double work[1000];
  lwork = (int)q[0] < 1000 ? (int)q[0] : 1000;
  dgesvdocl_("A", "A", &m, &n, A, &lda, s, U, &ldu, VT, &ldvt, work, &lwork, &info, 1, 1);
  if (info != 0) {
    printf("info=%d: %s\n", info, lai_last_error());
    return 2;
  }
  double anorm = 0, res = 0, orth = 0;
  const double eps = 2.220446049250313e-16;
  for (int j = 0; j < N; ++j) {
    double ca = 0, cr = 0;
    for (int i = 0; i < M; ++i) {
      double x = A0[i + j * M];
      for (int p = 0; p < N; ++p) x -= U[i + p * M] * s[p] * VT[p + j * N];
      ca += fabs(A0[i + j * M]);
      cr += fabs(x);
    }
    if (ca > anorm) anorm = ca;
    if (cr > res) res = cr;
  }
  for (int j = 0; j < M; ++j) {
    double c = 0;
    for (int i = 0; i < M; ++i) {
      double x = i == j ? 1 : 0;
      for (int p = 0; p < M; ++p) x -= U[p + i * M] * U[p + j * M];
      c += fabs(x);
    }
    if (c > orth) orth = c;
  }
  const double r1 = res / (anorm * M * eps), r2 = orth / (M * eps);
  printf("DGESVDOCL from C: |A-USV'| ratio %.3f, |I-U'U| ratio %.3f, path %s\n", r1, r2, lai_svd_last_path());
  if (!(r1 < 50 && r2 < 50)) return 3;
  for (int i = 1; i < N; ++i)
    if (s[i] > s[i - 1] || s[i] < 0) return 4;
  /* LDVT too small: XERBLA('DGESVDOCL', 11), INFO = -11. */
  ldvt = 2;
  lwork = 1000;
  dgesvdocl_("A", "A", &m, &n, A, &lda, s, U, &ldu, VT, &ldvt, work, &lwork, &info, 1, 1);
  if (info != -11 || xerbla_calls != 1 || xerbla_arg != 11 || strcmp(xerbla_name, "DGESVDOCL") != 0) {
    printf("bad argument: info=%d xerbla calls=%d arg=%d name=%s\n", info, xerbla_calls, xerbla_arg, xerbla_name);
    return 5;
  }
  if (strstr(lai_last_error(), "ldvt=2") == NULL) return 6;
  /* LWORK too small. */
  ldvt = N;
  lwork = 3;
  dgesvdocl_("N", "N", &m, &n, A, &lda, s, U, &ldu, VT, &ldvt, work, &lwork, &info, 1, 1);
  if (info != -13 || xerbla_arg != 13) return 7;
  printf("DGESVDOCL argument errors: XERBLA called as DGESVD does (%s)\n", lai_last_error());
  return 0;
}
