#include "cpu/fixed.h"

#include <cstddef>

#include "cpu/kernel_select.h"

namespace lai::cpu {

namespace {

struct Strides {
  std::ptrdiff_t row, col;
};

// Element (i,j) of op(X) lives at X[i*row + j*col]. Row-major storage puts
// consecutive columns next to each other; a transpose swaps the roles of the
// two indices; column-major storage is the transpose of row-major storage.
// So the stride pair is (ld, 1) exactly when row_major == !trans.
Strides operand_strides(bool row_major, bool trans, int ld) {
  const auto l = static_cast<std::ptrdiff_t>(ld);
  return (row_major != trans) ? Strides{l, 1} : Strides{1, l};
}

}  // namespace

template <class T>
bool fixed_applies(const lai_scheme_kernels& s, const GemmCall<T>& c) noexcept {
  return c.m == s.m && c.k == s.k && c.n == s.n && Kernels<T>::fixed(s) != nullptr &&
         Kernels<T>::fixed_beta0(s) != nullptr;
}

template <class T>
void gemm_fixed(const lai_scheme_kernels& s, const GemmCall<T>& c) noexcept {
  const Strides a = operand_strides(c.row_major, c.trans_a, c.lda);
  const Strides b = operand_strides(c.row_major, c.trans_b, c.ldb);
  const Strides r = operand_strides(c.row_major, false, c.ldc);
  // BLAS promises that beta == 0 never reads C (NaN in C must not leak), a
  // promise only the _beta0 variant keeps: 0*NaN is NaN.
  const auto fn = c.beta == T(0) ? Kernels<T>::fixed_beta0(s) : Kernels<T>::fixed(s);
  fn(c.alpha, c.A, a.row, a.col, c.B, b.row, b.col, c.beta, c.C, r.row, r.col);
}

template <class T>
bool single_call_strided(const lai_scheme_kernels& s, bool row_major, bool trans_a, bool trans_b, T alpha,
                         const T* A, int lda, const T* B, int ldb, T beta, T* C, int ldc) noexcept {
  if (Kernels<T>::fixed(s) == nullptr || Kernels<T>::fixed_beta0(s) == nullptr) return false;
  gemm_fixed(s, GemmCall<T>{row_major, trans_a, trans_b, s.m, s.n, s.k, alpha, A, lda, B, ldb, beta, C, ldc});
  return true;
}

template bool single_call_strided<double>(const lai_scheme_kernels&, bool, bool, bool, double, const double*, int,
                                          const double*, int, double, double*, int) noexcept;
template bool single_call_strided<float>(const lai_scheme_kernels&, bool, bool, bool, float, const float*, int,
                                         const float*, int, float, float*, int) noexcept;
template bool fixed_applies<double>(const lai_scheme_kernels&, const GemmCall<double>&) noexcept;
template bool fixed_applies<float>(const lai_scheme_kernels&, const GemmCall<float>&) noexcept;
template void gemm_fixed<double>(const lai_scheme_kernels&, const GemmCall<double>&) noexcept;
template void gemm_fixed<float>(const lai_scheme_kernels&, const GemmCall<float>&) noexcept;

}  // namespace lai::cpu
