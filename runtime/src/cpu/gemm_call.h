// One validated GEMM request as it travels from the API through dispatch to a
// CPU path: C = alpha*op(A)*op(B) + beta*C with the caller's layout. Plain
// booleans because validation has already mapped the enums (and
// LAI_CONJ_TRANS onto transpose, as the data is real).
#pragma once

namespace lai {

template <class T>
struct GemmCall {
  bool row_major;
  bool trans_a, trans_b;
  int m, n, k;
  T alpha;
  const T* A;
  int lda;
  const T* B;
  int ldb;
  T beta;
  T* C;
  int ldc;
};

}  // namespace lai
