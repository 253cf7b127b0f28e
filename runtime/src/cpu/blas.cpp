#include "cpu/blas.h"

#include <cblas.h>

namespace lai::cpu {

namespace {

CBLAS_TRANSPOSE to_cblas(bool trans) { return trans ? CblasTrans : CblasNoTrans; }

void call(const GemmCall<double>& c) {
  cblas_dgemm(c.row_major ? CblasRowMajor : CblasColMajor, to_cblas(c.trans_a), to_cblas(c.trans_b), c.m, c.n,
              c.k, c.alpha, c.A, c.lda, c.B, c.ldb, c.beta, c.C, c.ldc);
}

void call(const GemmCall<float>& c) {
  cblas_sgemm(c.row_major ? CblasRowMajor : CblasColMajor, to_cblas(c.trans_a), to_cblas(c.trans_b), c.m, c.n,
              c.k, c.alpha, c.A, c.lda, c.B, c.ldb, c.beta, c.C, c.ldc);
}

}  // namespace

template <class T>
void gemm_blas(const GemmCall<T>& c) noexcept {
  call(c);
}

template void gemm_blas<double>(const GemmCall<double>&) noexcept;
template void gemm_blas<float>(const GemmCall<float>&) noexcept;

}  // namespace lai::cpu
