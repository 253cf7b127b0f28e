#include "dispatch/gemm_dispatch.h"

#include <algorithm>

#include "cpu/blas.h"
#include "cpu/block.h"
#include "cpu/fast_gemm.h"
#include "cpu/fixed.h"
#include "cpu/registry.h"
#include "cpu/scale.h"
#include "dispatch/config.h"
#include "dispatch/tuning.h"

namespace lai {

namespace {
thread_local GemmPath t_last_path = GemmPath::None;
}  // namespace

GemmPath last_gemm_path() noexcept { return t_last_path; }

void reset_gemm_path() noexcept { t_last_path = GemmPath::None; }

template <class T>
void dispatch_gemm(const GemmCall<T>& c) {
  // Reference BLAS quick returns, handled before any kernel so that every
  // backend agrees on them: nothing to compute, or only C = beta*C.
  if (c.m == 0 || c.n == 0) {
    t_last_path = GemmPath::Quick;
    return;
  }
  if (c.alpha == T(0) || c.k == 0) {
    cpu::scale_c(c);
    t_last_path = GemmPath::Quick;
    return;
  }
  const lai_scheme_kernels& s = cpu::scheme_at(config::scheme_index());
  if (cpu::fixed_applies(s, c)) {
    cpu::gemm_fixed(s, c);
    t_last_path = GemmPath::Fixed;
    return;
  }
  const int size = std::min({c.m, c.n, c.k});
  if (config::block_threshold_explicit()) {
    if (size >= config::block_threshold() && cpu::block_available<T>(s)) {
      cpu::gemm_block(s, c);
      t_last_path = GemmPath::Block;
      return;
    }
  } else if (const cpu::Variant& v = tuning::lookup<T>(size); !v.is_blas()) {
    cpu::gemm_variant(v, c);
    t_last_path = GemmPath::Tuned;
    return;
  }
  cpu::gemm_blas(c);
  t_last_path = GemmPath::Blas;
}

template void dispatch_gemm<double>(const GemmCall<double>&);
template void dispatch_gemm<float>(const GemmCall<float>&);

}  // namespace lai
