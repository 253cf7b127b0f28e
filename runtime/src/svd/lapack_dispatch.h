// LAPACK's SVD routines by dtype (column-major LAPACKE *_work calls), for the
// CPU path (svd_lapack.cpp: ?gesdd, ?gesvd) and the host part of the GPU path
// (gesvd_opencl.cpp: ?bdsqr, ?bdsdc on the upper bidiagonal).
#pragma once

#include <lapacke.h>

namespace lai::svd {

template <class T>
struct Lapack;

template <>
struct Lapack<double> {
  static constexpr const char* prefix = "d";
  static constexpr const char* gesdd = "dgesdd";
  static constexpr const char* gesvd = "dgesvd";
  static int sdd(char jobz, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt, int ldvt,
                 double* work, int lwork, int* iwork) {
    return LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork);
  }
  static int svd(char ju, char jv, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt,
                 int ldvt, double* work, int lwork) {
    return LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, ju, jv, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork);
  }
  static int bdsqr(int n, int ncvt, int nru, double* d, double* e, double* vt, int ldvt, double* u, int ldu,
                   double* work) {
    return LAPACKE_dbdsqr_work(LAPACK_COL_MAJOR, 'U', n, ncvt, nru, 0, d, e, vt, ldvt, u, ldu, nullptr, 1, work);
  }
  static int bdsdc(int n, double* d, double* e, double* u, int ldu, double* vt, int ldvt, double* work, int* iwork) {
    return LAPACKE_dbdsdc_work(LAPACK_COL_MAJOR, 'U', 'I', n, d, e, u, ldu, vt, ldvt, nullptr, nullptr, work, iwork);
  }
};

template <>
struct Lapack<float> {
  static constexpr const char* prefix = "s";
  static constexpr const char* gesdd = "sgesdd";
  static constexpr const char* gesvd = "sgesvd";
  static int sdd(char jobz, int m, int n, float* a, int lda, float* s, float* u, int ldu, float* vt, int ldvt,
                 float* work, int lwork, int* iwork) {
    return LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork);
  }
  static int svd(char ju, char jv, int m, int n, float* a, int lda, float* s, float* u, int ldu, float* vt,
                 int ldvt, float* work, int lwork) {
    return LAPACKE_sgesvd_work(LAPACK_COL_MAJOR, ju, jv, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork);
  }
  static int bdsqr(int n, int ncvt, int nru, float* d, float* e, float* vt, int ldvt, float* u, int ldu,
                   float* work) {
    return LAPACKE_sbdsqr_work(LAPACK_COL_MAJOR, 'U', n, ncvt, nru, 0, d, e, vt, ldvt, u, ldu, nullptr, 1, work);
  }
  static int bdsdc(int n, float* d, float* e, float* u, int ldu, float* vt, int ldvt, float* work, int* iwork) {
    return LAPACKE_sbdsdc_work(LAPACK_COL_MAJOR, 'U', 'I', n, d, e, u, ldu, vt, ldvt, nullptr, nullptr, work, iwork);
  }
};

}  // namespace lai::svd
