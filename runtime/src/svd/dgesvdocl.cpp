// DGESVDOCL and SGESVDOCL: DGESVD's and SGESVD's exact argument lists for
// Fortran callers (gfortran convention: every argument by reference, the
// hidden lengths of JOBU and JOBVT appended; only their first characters are
// read). Both are one template, so the precisions cannot drift apart; the
// file keeps its name because bench/svd/CMakeLists.txt leaves the Fortran
// entries out of its standalone build by that name.
//
//   INFO = -i   argument i broke ?GESVD's rule (XERBLA('DGESVDOCL', i) or
//               XERBLA('SGESVDOCL', i) is called, as ?GESVD does); -5
//               without XERBLA: A holds NaN/Inf
//   INFO = -13  LWORK < max(1, 3*min(m,n)+max(m,n), 5*min(m,n)) and not -1
//   INFO > 0    the driver did not converge (LAPACK's INFO of it)
//   INFO = -1000 the library failed otherwise (host memory; a forced GPU
//               (LAI_BACKEND=gpu) whose device path failed), nothing computed
// LWORK = -1 is a workspace query: WORK(1) receives the optimal LWORK and
// nothing else is touched. The work arrays are allocated inside (WORK(1)
// is set to the optimal LWORK on exit, as ?GESVD does). The sentence of
// any failure is in lai_last_error().
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include "api/guard.h"
#include "lapack_ai/lapack_ai.h"
#include "svd/svd_api_impl.h"
#include "svd/svd_args.h"
#include "svd/svd_lapack.h"

extern "C" void xerbla_(const char* srname, const int* info, std::size_t len);

namespace {

template <class T>
constexpr const char* entry_name = nullptr;
template <>
constexpr const char* entry_name<double> = "DGESVDOCL";
template <>
constexpr const char* entry_name<float> = "SGESVDOCL";

// WORK(1) as a REAL cannot hold every integer above 2^24; rounding to nearest
// could give the caller INT(WORK(1)) below the optimum, so round up as
// LAPACK 3.11's SROUNDUP_LWORK does.
template <class T>
T lwork_value(int lwork) {
  T w = static_cast<T>(lwork);
  if (static_cast<double>(w) < static_cast<double>(lwork)) w = std::nextafter(w, std::numeric_limits<T>::infinity());
  return w;
}

template <class T>
void gesvdocl(const char* jobu, const char* jobvt, const int* m, const int* n, T* A, const int* lda, T* s, T* U,
              const int* ldu, T* VT, const int* ldvt, T* work, const int* lwork, int* info) {
  const char* name = entry_name<T>;
  char ju = 'N', jv = 'N';
  const lai::svd::ArgError e =
      lai::svd::check_gesvd_args(*jobu, *jobvt, *m, *n, *lda, *ldu, *ldvt, A, s, U, VT, false, &ju, &jv);
  int code = -e.position;
  int optimal = 1;
  if (code == 0) {
    const int k = std::min(*m, *n), mx = std::max(*m, *n);
    const int minwrk = (*m == 0 || *n == 0) ? 1 : std::max({1, 3 * k + mx, 5 * k});
    // The dgesdd/dgesvd query serves both precisions: LAPACK sizes their work
    // from ILAENV block sizes that do not depend on the precision (sgesdd and
    // sgesvd answer the same numbers for every job and shape tried).
    optimal = lai::svd::gesvd_cpu_lwork(ju, jv, *m, *n, LAI_SVD_DRIVER_AUTO);
    work[0] = lwork_value<T>(optimal);
    if (*lwork < minwrk && *lwork != -1) {
      code = -13;
      lai::report(name, LAI_ERROR_INVALID_ARGUMENT,
                  "LWORK=" + std::to_string(*lwork) + " must be >= max(1,3*min(M,N)+max(M,N),5*min(M,N))=" +
                      std::to_string(minwrk) + " or -1 for a workspace query");
    }
  } else {
    lai::report(name, LAI_ERROR_INVALID_ARGUMENT, e.message);
  }
  if (code != 0) {
    *info = code;
    const int arg = -code;
    xerbla_(name, &arg, 9);
    return;
  }
  if (*lwork == -1) {
    *info = 0;
    return;
  }
  int result = 0;
  // LAI_BACKEND_AUTO here means "as the environment says" (LAI_BACKEND),
  // the same choice lai_?gesvd makes.
  const lai_status st = lai::guarded(name, [&] {
    try {
      lai::svd::gesvd_checked<T>(ju, jv, *m, *n, A, *lda, s, U, *ldu, VT, *ldvt,
                                 lai_svd_options{LAI_BACKEND_AUTO, LAI_SVD_DRIVER_AUTO}, &result);
    } catch (const lai::Error& x) {
      if (x.status() == LAI_ERROR_NOT_FINITE) result = -5;
      throw;
    }
  });
  if (st != LAI_SUCCESS && result == 0) result = -1000;
  work[0] = lwork_value<T>(optimal);
  *info = result;
}

}  // namespace

extern "C" void dgesvdocl_(const char* jobu, const char* jobvt, const int* m, const int* n, double* A, const int* lda,
                           double* s, double* U, const int* ldu, double* VT, const int* ldvt, double* work,
                           const int* lwork, int* info, std::size_t /*jobu_len*/, std::size_t /*jobvt_len*/) {
  gesvdocl<double>(jobu, jobvt, m, n, A, lda, s, U, ldu, VT, ldvt, work, lwork, info);
}

extern "C" void sgesvdocl_(const char* jobu, const char* jobvt, const int* m, const int* n, float* A, const int* lda,
                           float* s, float* U, const int* ldu, float* VT, const int* ldvt, float* work,
                           const int* lwork, int* info, std::size_t /*jobu_len*/, std::size_t /*jobvt_len*/) {
  gesvdocl<float>(jobu, jobvt, m, n, A, lda, s, U, ldu, VT, ldvt, work, lwork, info);
}
