/* DGEMM_ALPHA as a C program calls it from liblapack_ai: gfortran's calling
 * convention (arguments by reference, trailing hidden lengths of the two
 * CHARACTER arguments). Checks the scheme path (sizes divisible by 4), the
 * DGEMM fallback (other sizes), transposes, alpha/beta, and that an illegal
 * argument leaves C untouched. Exit status 0 when every check holds. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dgemm_alpha_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                  const double* alpha, const double* a, const int* lda, const double* b, const int* ldb,
                  const double* beta, double* c, const int* ldc, size_t len_transa, size_t len_transb);

static double frob(const double* x, int rows, int cols, int ld) {
  double s = 0;
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) s += x[i + (size_t)j * ld] * x[i + (size_t)j * ld];
  return sqrt(s);
}

/* Uniform in [-1, 1) from a 32-bit LCG: reproducible, no libc state. */
static void fill(double* x, size_t count, unsigned* seed) {
  for (size_t i = 0; i < count; ++i) {
    *seed = *seed * 1664525u + 1013904223u;
    x[i] = (double)(*seed >> 8) / (double)(1u << 23) - 1.0;
  }
}

/* One call of DGEMM_ALPHA against cblas_dgemm (column-major) on random data. */
static int check(char ta, char tb, int m, int n, int k, double alpha, double beta, unsigned seed) {
  const int rows_a = ta == 'N' ? m : k, cols_a = ta == 'N' ? k : m;
  const int rows_b = tb == 'N' ? k : n, cols_b = tb == 'N' ? n : k;
  const int lda = rows_a + 3, ldb = rows_b + 1, ldc = m + 2;
  double* a = malloc(sizeof(double) * (size_t)lda * cols_a);
  double* b = malloc(sizeof(double) * (size_t)ldb * cols_b);
  double* c = malloc(sizeof(double) * (size_t)ldc * n);
  double* ref = malloc(sizeof(double) * (size_t)ldc * n);
  fill(a, (size_t)lda * cols_a, &seed);
  fill(b, (size_t)ldb * cols_b, &seed);
  fill(c, (size_t)ldc * n, &seed);
  memcpy(ref, c, sizeof(double) * (size_t)ldc * n);
  const double c0 = frob(c, m, n, ldc);
  dgemm_alpha_(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc, 1, 1);
  cblas_dgemm(CblasColMajor, ta == 'N' ? CblasNoTrans : CblasTrans, tb == 'N' ? CblasNoTrans : CblasTrans, m, n, k,
              alpha, a, lda, b, ldb, beta, ref, ldc);
  double diff = 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      const double d = c[i + (size_t)j * ldc] - ref[i + (size_t)j * ldc];
      diff += d * d;
    }
  diff = sqrt(diff);
  /* ||C - Cref||_F <= 512 k eps (|alpha| ||A|| ||B|| + |beta| ||C0||): one
   * level of strassen2 amplifies rounding by at most 2*pu*pv*pw = 512 (the
   * coefficient-magnitude sums of its forms; tests/emit/kernel_check.hpp
   * derives it), and k eps bounds each inner product's rounding. */
  const double bound = 512.0 * k * 2.220446049250313e-16 *
                       (fabs(alpha) * frob(a, rows_a, cols_a, lda) * frob(b, rows_b, cols_b, ldb) + fabs(beta) * c0);
  const int ok = diff <= bound;
  if (!ok) printf("FAIL %c%c m=%d n=%d k=%d alpha=%g beta=%g: ||C-Cref||=%.3e > bound %.3e\n", ta, tb, m, n, k, alpha,
                  beta, diff, bound);
  free(a);
  free(b);
  free(c);
  free(ref);
  return ok;
}

int main(void) {
  int passed = 0, failed = 0;
  const char trans[] = {'N', 'T'};
  const int shapes[][3] = {{64, 80, 48}, {128, 128, 128}, {67, 81, 50}, {4, 4, 4}, {3, 5, 7}};
  for (int s = 0; s < 5; ++s)
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb) {
        const int ok = check(trans[ta], trans[tb], shapes[s][0], shapes[s][1], shapes[s][2], 1.5, s % 2 ? 0.0 : -0.5,
                             (unsigned)(17 + s * 4 + ta * 2 + tb));
        passed += ok;
        failed += !ok;
      }
  /* LDA=1 < M=8 is illegal (INFO=8): XERBLA reports it and C stays as it was. */
  {
    double a[64] = {0}, b[64] = {0}, c[64], before[64];
    for (int i = 0; i < 64; ++i) c[i] = before[i] = i;
    const int m = 8, n = 8, k = 8, bad_lda = 1, ld = 8;
    const double alpha = 1.0, beta = 0.0;
    dgemm_alpha_("N", "N", &m, &n, &k, &alpha, a, &bad_lda, b, &ld, &beta, c, &ld, 1, 1);
    const int ok = memcmp(c, before, sizeof c) == 0;
    if (!ok) printf("FAIL illegal LDA changed C\n");
    passed += ok;
    failed += !ok;
  }
  printf("c_dgemm_alpha: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
