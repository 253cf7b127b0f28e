// Argument rules of lai_?gesvd and DGESVDOCL, in DGESVD's order; the first
// broken rule is reported with the argument's DGESVD position (for INFO and
// XERBLA) and a sentence naming argument, value and rule.
#pragma once

#include <string>

namespace lai::svd {

struct ArgError {
  int position = 0;     // 0: arguments valid; else DGESVD's argument number
  std::string message;  // sentence without the function name
};

// Jobs are upper-cased into *ju/*jv on success. check_pointers: the C API
// also rejects NULL arrays that would be written (Fortran has no NULL).
ArgError check_gesvd_args(char jobu, char jobvt, int m, int n, int lda, int ldu, int ldvt, const void* A,
                          const void* s, const void* U, const void* VT, bool check_pointers, char* ju, char* jv);

}  // namespace lai::svd
