// The CPU SVD through LAPACK (dgesdd/dgesvd and their f32 twins) with
// DGESVD's job semantics, and LAPACK's INFO codes of those routines in words.
#pragma once

#include <string>

#include "lapack_ai/lapack_ai.h"

namespace lai::svd {

struct LapackResult {
  int info = 0;         // INFO of the routine that produced the result
  std::string routine;  // "dgesdd", "dgesvd", "dgesdd+dgesvd" (s... for f32)
  std::string message;  // when info != 0: the sentence (info_message)
};

// Arguments already validated (svd_args.h), jobu/jobvt upper case, A finite.
// Writes s, U, VT, A as DGESVD would for the jobs. Throws only for host
// memory (std::bad_alloc).
template <class T>
LapackResult gesvd_cpu(char jobu, char jobvt, int m, int n, T* A, int lda, T* s, T* U, int ldu, T* VT, int ldvt,
                       lai_svd_driver driver);

// Optimal LWORK that DGESVDOCL reports for the jobs (max of DGESVD's minimum
// and the chosen driver's optimum).
int gesvd_cpu_lwork(char jobu, char jobvt, int m, int n, lai_svd_driver driver);

// LAPACK's INFO of `routine` ("dgesdd", "sgesvd", ...) as a sentence with a
// hint: what happened, what the number means, what to do.
std::string info_message(const std::string& routine, int info);

}  // namespace lai::svd
