// Exact verification of the Brent equations over the rationals.
#pragma once

#include <string>

#include "lai_gen/scheme.hpp"

namespace lai::gen {

struct VerifyResult {
  bool ok = false;
  // On failure: the first violated equation in words, e.g.
  // "Brent equation (i,j,k,l,p,q)=(0,1,1,0,0,0): coefficient of A[0][1]*B[1][0] in C[0][0] is 0, expected 1".
  std::string message;
  long long equations_checked = 0;
};

// Checks, for every A[i][j], B[k][l], C[p][q]:
//   sum_r U(i*k+j, r) * V(k*n+l, r) * W(p*n+q, r) == [j==k][i==p][l==q]
// exactly (checked 64-bit rationals). Throws RationalOverflow if a sum leaves range.
VerifyResult verify_scheme(const Scheme& s);

}  // namespace lai::gen
