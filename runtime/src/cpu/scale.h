// C = beta*C for the quick-return cases (alpha == 0 or k == 0), done here
// rather than by a kernel so the BLAS rule "beta == 0 sets C to zero without
// reading it" holds whatever the backend would do.
#pragma once

#include "cpu/gemm_call.h"

namespace lai::cpu {

template <class T>
void scale_c(const GemmCall<T>& c) noexcept;

}  // namespace lai::cpu
