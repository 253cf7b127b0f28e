// The body of lai_?gesvd after argument validation (jobs upper case), shared
// with DGESVDOCL. Throws lai::Error (NOT_FINITE, NOT_SUPPORTED,
// NO_CONVERGENCE with "(INFO=k)" in the sentence, INTERNAL).
#pragma once

#include "lapack_ai/lapack_ai.h"

namespace lai::svd {

template <class T>
int gesvd_checked(char ju, char jv, int m, int n, T* A, int lda, T* s, T* U, int ldu, T* VT, int ldvt,
                  const lai_svd_options& opt, int* info);
// *info: the LAPACK INFO of the routine that produced the outputs.

}  // namespace lai::svd
