// Scheme algebra.
#pragma once

#include "lai_gen/scheme.hpp"

namespace lai::gen {

// Kronecker (tensor) product: <m1,k1,n1;R1> (x) <m2,k2,n2;R2> gives
// <m1*m2, k1*k2, n1*n2; R1*R2>. The outer scheme acts on blocks, the inner on
// entries of blocks: A[i1*m2+i2][j1*k2+j2] is entry (i2,j2) of block (i1,j1).
Scheme kronecker(const Scheme& outer, const Scheme& inner);

}  // namespace lai::gen
