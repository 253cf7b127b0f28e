#include "cpu/block.h"

#include <string>
#include <utility>

#include "cpu/kernel_select.h"
#include "cpu/workspace.h"
#include "diagnostics/error.h"

namespace lai::cpu {

template <class T>
bool block_available(const lai_scheme_kernels& s) noexcept {
  return Kernels<T>::block(s) != nullptr && Kernels<T>::block_workspace(s) != nullptr;
}

template <class T>
void gemm_block(const lai_scheme_kernels& s, const GemmCall<T>& c) {
  // The block kernels are row-major only. A column-major C (m x n, ldc) is,
  // read as row-major, C^T (n x m, ldc), and C^T = op(B)^T op(A)^T. The
  // column-major storage of B read as row-major is B^T, so op(B)^T is that
  // row-major view with the same transpose flag: swap the operands, their
  // leading dimensions and flags, and m with n.
  GemmCall<T> r = c;
  if (!c.row_major) {
    std::swap(r.A, r.B);
    std::swap(r.lda, r.ldb);
    std::swap(r.trans_a, r.trans_b);
    std::swap(r.m, r.n);
  }
  const std::size_t bytes = Kernels<T>::block_workspace(s)(r.m, r.n, r.k);
  void* work = thread_workspace(bytes);
  const int rc = Kernels<T>::block(s)(r.trans_a ? 1 : 0, r.trans_b ? 1 : 0, r.m, r.n, r.k, r.alpha, r.A, r.lda,
                                      r.B, r.ldb, r.beta, r.C, r.ldc, work, bytes);
  if (rc != 0) {
    // The kernel asked for `bytes` itself, so a refusal is a generator bug.
    fail(LAI_ERROR_INTERNAL, std::string("block kernel of scheme ") + s.name + " (" + Kernels<T>::name +
                                 ") returned " + std::to_string(rc) + " with the " + std::to_string(bytes) +
                                 " workspace bytes it asked for");
  }
}

template bool block_available<double>(const lai_scheme_kernels&) noexcept;
template bool block_available<float>(const lai_scheme_kernels&) noexcept;
template void gemm_block<double>(const lai_scheme_kernels&, const GemmCall<double>&);
template void gemm_block<float>(const lai_scheme_kernels&, const GemmCall<float>&);

}  // namespace lai::cpu
